#pragma once
// ClassifierTask: a DenseNetwork trained on minibatches of a shared data split. softmax_regression,
// logistic_regression and mlp are this task with different networks and output losses.
//
//   loss_and_gradient(step)  mean loss of the step's minibatch (+ the L2 penalty), its gradient
//   evaluate                 val_loss and val_accuracy over the whole validation set, and with
//                            eval_train, train_loss and train_accuracy over the training set
//   evaluate_test            test_loss and test_accuracy over the test share (split.test), if any
// Reported losses are the data loss alone: the L2 penalty is part of what the optimizer
// minimises, not of how well the model fits, so val_loss stays comparable across l2 values.
//
// "dtype": "float32" runs the network in float32 (Keras's default; float64 when absent): the
// parameters and examples are rounded to float32 on the way in, every product and activation
// computes in float, and the gradient comes back as the float32 numbers it is. Together with the
// optimizer's "dtype": "float32", the whole trial is float32.
#include <memory>
#include <vector>

#include <lrlab/sdk.hpp>

#include "dense_network.hpp"
#include "losses.hpp"
#include "minibatches.hpp"
#include "task_data.hpp"

namespace lrlab::tasks {

struct ClassifierModel {
  std::vector<Eigen::Index> hidden;  // widths of the hidden layers; none for a linear model
  Activation activation = Activation::relu;
  Init init = Init::zeros;
  double l2 = 0.0;
  OutputLoss loss = OutputLoss::softmax_cross_entropy;
  bool float32 = false;  // "dtype": "float32"
};

// The parameters every classifier task declares: the data's (data_params()) and "dtype".
std::vector<Param> classifier_params();

// Loads (or finds) the data, checks it suits the model, builds the task. Throws ParamError or
// TaskError.
TaskPtr make_classifier(const Params& params, const TaskContext& ctx, ClassifierModel model);

class ClassifierTask final : public Task {
 public:
  ClassifierTask(std::shared_ptr<const SplitData> data, const DataOptions& options, const ClassifierModel& model,
                 std::uint64_t seed);

  std::size_t dimension() const override { return network_.parameter_count(); }
  std::int64_t steps_per_epoch() const override { return batches_.steps_per_epoch(); }
  void initialize(std::span<double> x) override;
  double loss_and_gradient(std::int64_t step, std::span<const double> x, std::span<double> grad) override;
  Metrics evaluate(std::span<const double> x) override;
  std::vector<std::string> metrics() const override;
  Metrics evaluate_test(std::span<const double> x) override;  // test_loss, test_accuracy with a test share
  std::string split_fingerprint() const override { return data_->fingerprint; }
  // No persist(): nothing here decides what comes next. The batch of a step is a function of the
  // trial seed and the step (Minibatches' cached order is only the current epoch's, recomputed from
  // the seed when another epoch is asked for), and the workspace and batch buffers are scratch,
  // overwritten at every step.

  // The shared data this task reads (tests check that trials share one copy).
  const SplitData& data() const { return *data_; }

 private:
  // The network's buffers in one scalar type; the task keeps one of each and uses its dtype's.
  template <typename T>
  struct Buffers {
    DenseNetwork::Workspace<T> ws;
    Eigen::MatrixX<T> batch_x, dlogits, chunk;
    std::vector<T> x, grad;  // the parameters and gradient in T (float only: double uses the caller's)
  };
  template <typename T>
  double step_in(Buffers<T>& b, std::span<const std::size_t> batch, std::span<const double> x, std::span<double> grad);
  template <typename T>
  LossSum loss_in(Buffers<T>& b, std::span<const double> x, const Eigen::MatrixXd& examples, const std::vector<int>& labels);
  LossSum loss_over(std::span<const double> x, const Eigen::MatrixXd& examples, const std::vector<int>& labels);

  std::shared_ptr<const SplitData> data_;
  ClassifierModel model_;
  DenseNetwork network_;
  Minibatches batches_;
  bool eval_train_;
  std::uint64_t seed_;
  Buffers<double> f64_;
  Buffers<float> f32_;
  std::vector<int> batch_y_;
};

}  // namespace lrlab::tasks
