#include "classifier_task.hpp"

#include <algorithm>
#include <type_traits>

namespace lrlab::tasks {
namespace {

std::vector<Eigen::Index> widths(const SplitData& data, const ClassifierModel& model) {
  std::vector<Eigen::Index> w{data.train_x.rows()};
  w.insert(w.end(), model.hidden.begin(), model.hidden.end());
  w.push_back(model.loss == OutputLoss::sigmoid_cross_entropy ? 1 : static_cast<Eigen::Index>(data.class_count));
  return w;
}

// Evaluation runs over the data in slices of this many examples, so that its buffers stay small
// however large the data set.
constexpr Eigen::Index eval_chunk = 1024;

}  // namespace

std::vector<Param> classifier_params() {
  std::vector<Param> params = data_params();
  // No default: at float64 the parameter stays out of the stored configuration, so that trials from
  // before it existed keep their keys.
  params.push_back(Param::string("dtype", "the network's arithmetic: float64 (when absent) or float32, Keras's default "
                                          "(pair it with the optimizer's dtype for a float32 trial)")
                       .one_of({"float64", "float32"}));
  return params;
}

TaskPtr make_classifier(const Params& params, const TaskContext& ctx, ClassifierModel model) {
  model.float32 = params.has("dtype") && params.string("dtype") == "float32";
  const DataOptions options = DataOptions::from(params);
  auto data = shared_split(options, ctx);
  const std::string& file = data->source->source;
  const std::size_t k = data->class_count;
  if (k < 2) throw TaskError(file + ": every example has the same label: a classifier needs at least two classes");
  if (model.loss == OutputLoss::sigmoid_cross_entropy && k != 2) {
    std::string values;
    for (const auto c : data->source->classes) values += (values.empty() ? "" : ", ") + std::to_string(c);
    throw TaskError(file + ": logistic_regression needs two classes, the labels have " + std::to_string(k) + " (" + values +
                    "); use softmax_regression for more");
  }
  try {
    gemm::chosen();  // a bad LRLAB_GEMM_PATH fails here, before any trial runs
  } catch (const std::runtime_error& e) {
    throw TaskError(e.what());
  }
  const std::size_t n_train = data->train_y.size();
  if (options.drop_last && options.batch_size > n_train)
    throw ParamError("batch_size", "Argument `batch_size` must be at most the " + std::to_string(n_train) +
                                       " training examples with drop_last, or no batch is left. Received: batch_size=" +
                                       std::to_string(options.batch_size));
  return std::make_unique<ClassifierTask>(std::move(data), options, model, ctx.seed);
}

ClassifierTask::ClassifierTask(std::shared_ptr<const SplitData> data, const DataOptions& options,
                               const ClassifierModel& model, std::uint64_t seed)
    : data_(std::move(data)),
      model_(model),
      network_(widths(*data_, model), model.activation),
      batches_(data_->train_y.size(), options.batch_size, options.drop_last, seed),
      eval_train_(options.eval_train),
      seed_(seed) {}

void ClassifierTask::initialize(std::span<double> x) { network_.initialize(x, model_.init, seed_); }

namespace {

// The parameters in T: double needs no copy, float rounds them into `copy`.
template <typename T>
std::span<const T> as(std::span<const double> x, std::vector<T>& copy) {
  if constexpr (std::is_same_v<T, double>) {
    return x;
  } else {
    copy.resize(x.size());
    std::transform(x.begin(), x.end(), copy.begin(), [](double v) { return static_cast<T>(v); });
    return copy;
  }
}

}  // namespace

template <typename T>
double ClassifierTask::step_in(Buffers<T>& b, std::span<const std::size_t> batch, std::span<const double> x,
                               std::span<double> grad) {
  const auto n = static_cast<Eigen::Index>(batch.size());
  b.batch_x.resize(data_->train_x.rows(), n);
  batch_y_.resize(batch.size());
  for (Eigen::Index j = 0; j < n; ++j) {
    const auto i = batch[static_cast<std::size_t>(j)];
    b.batch_x.col(j) = data_->train_x.col(static_cast<Eigen::Index>(i)).template cast<T>();
    batch_y_[static_cast<std::size_t>(j)] = data_->train_y[i];
  }
  const std::span<const T> xt = as<T>(x, b.x);
  std::span<T> gt;
  if constexpr (std::is_same_v<T, double>) {
    gt = grad;
  } else {
    b.grad.resize(grad.size());
    gt = b.grad;
  }
  const Eigen::MatrixX<T>& logits = network_.forward(xt, b.batch_x, b.ws);
  const LossSum sum = output_loss(model_.loss, logits, batch_y_, &b.dlogits);
  b.dlogits /= static_cast<T>(n);  // the batch's mean loss, as PyTorch's reduction='mean'
  network_.backward(xt, b.batch_x, b.dlogits, b.ws, gt);
  const double penalty = network_.add_l2_penalty(std::span<const T>(xt), model_.l2, gt);
  if constexpr (!std::is_same_v<T, double>) std::copy(gt.begin(), gt.end(), grad.begin());
  return sum.loss / static_cast<double>(n) + penalty;
}

double ClassifierTask::loss_and_gradient(std::int64_t step, std::span<const double> x, std::span<double> grad) {
  const std::span<const std::size_t> batch = batches_.batch(step);
  return model_.float32 ? step_in(f32_, batch, x, grad) : step_in(f64_, batch, x, grad);
}

template <typename T>
LossSum ClassifierTask::loss_in(Buffers<T>& b, std::span<const double> x, const Eigen::MatrixXd& examples,
                                const std::vector<int>& labels) {
  const std::span<const T> xt = as<T>(x, b.x);
  LossSum total;
  for (Eigen::Index start = 0; start < examples.cols(); start += eval_chunk) {
    const Eigen::Index count = std::min(eval_chunk, examples.cols() - start);
    const auto labels_of_chunk = std::span<const int>(labels).subspan(static_cast<std::size_t>(start), static_cast<std::size_t>(count));
    LossSum part;
    if constexpr (std::is_same_v<T, double>) {
      part = output_loss(model_.loss, network_.forward(xt, examples.middleCols(start, count), b.ws), labels_of_chunk, static_cast<Eigen::MatrixX<T>*>(nullptr));
    } else {
      b.chunk = examples.middleCols(start, count).template cast<T>();
      part = output_loss(model_.loss, network_.forward(xt, b.chunk, b.ws), labels_of_chunk, static_cast<Eigen::MatrixX<T>*>(nullptr));
    }
    total.loss += part.loss;
    total.correct += part.correct;
  }
  return total;
}

LossSum ClassifierTask::loss_over(std::span<const double> x, const Eigen::MatrixXd& examples,
                                  const std::vector<int>& labels) {
  return model_.float32 ? loss_in(f32_, x, examples, labels) : loss_in(f64_, x, examples, labels);
}

Metrics ClassifierTask::evaluate(std::span<const double> x) {
  Metrics m;
  const auto report = [&](const std::string& prefix, const Eigen::MatrixXd& examples, const std::vector<int>& labels) {
    const LossSum s = loss_over(x, examples, labels);
    const auto n = static_cast<double>(labels.size());
    m.set(prefix + "_loss", s.loss / n);
    m.set(prefix + "_accuracy", static_cast<double>(s.correct) / n);
  };
  report("val", data_->val_x, data_->val_y);
  if (eval_train_) report("train", data_->train_x, data_->train_y);
  return m;
}

std::vector<std::string> ClassifierTask::metrics() const {
  std::vector<std::string> names{"val_loss", "val_accuracy"};
  if (eval_train_) names.insert(names.end(), {"train_loss", "train_accuracy"});
  return names;
}

Metrics ClassifierTask::evaluate_test(std::span<const double> x) {
  Metrics m;
  if (data_->test_y.empty()) return m;
  const LossSum s = loss_over(x, data_->test_x, data_->test_y);
  const auto n = static_cast<double>(data_->test_y.size());
  m.set("test_loss", s.loss / n);
  m.set("test_accuracy", static_cast<double>(s.correct) / n);
  return m;
}

}  // namespace lrlab::tasks
