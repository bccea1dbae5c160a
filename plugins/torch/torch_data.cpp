#include "torch_data.hpp"

#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>

#include <torch/csrc/jit/serialization/pickle.h>

#include "tasks/split.hpp"
#include "torch_error.hpp"

namespace lrlab::torch_task {
namespace {

using tasks::DataOptions;

struct TensorFile {
  torch::Tensor inputs, targets;
};

// torch.save({"inputs": X, "targets": y}) or a TorchScript module with those two attributes.
TensorFile read_tensor_file(const std::filesystem::path& path, const std::string& name) {
  const std::string bytes = read_file_bytes(path, name);
  const auto pick = [&](const std::function<c10::optional<c10::IValue>(const char*)>& get) {
    TensorFile f;
    for (const char* key : {"inputs", "targets"}) {
      const c10::optional<c10::IValue> v = get(key);
      if (!v) throw TaskError(name + ": the file holds no \"" + key + "\" (expected torch.save({\"inputs\": X, \"targets\": y}))");
      if (!v->isTensor()) throw TaskError(name + ": \"" + key + "\" is a " + v->tagKind() + ", not a tensor");
      (std::string(key) == "inputs" ? f.inputs : f.targets) = v->toTensor().contiguous();
    }
    return f;
  };
  std::optional<torch::jit::Module> module;
  try {
    std::istringstream in(bytes);
    module = torch::jit::load(in);
  } catch (const std::exception&) {
    // Not a TorchScript module: torch.save's format, read below.
  }
  if (module)
    return pick([&](const char* key) -> c10::optional<c10::IValue> {
      if (!module->hasattr(key)) return c10::nullopt;
      return module->attr(key);
    });
  c10::IValue value;
  try {
    value = torch::jit::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  } catch (const std::exception& e) {
    throw TaskError(name + ": not a tensor file that torch.load reads (" + torch_message(e) + ")");
  }
  if (!value.isGenericDict())
    throw TaskError(name + ": holds a " + value.tagKind() + "; expected a dict saved by torch.save({\"inputs\": X, \"targets\": y})");
  const c10::Dict<c10::IValue, c10::IValue> dict = value.toGenericDict();
  return pick([&](const char* key) -> c10::optional<c10::IValue> {
    const auto it = dict.find(c10::IValue(std::string(key)));
    if (it == dict.end()) return c10::nullopt;
    return it->value();
  });
}

torch::Tensor rows(const torch::Tensor& t, const std::vector<std::size_t>& idx) {
  std::vector<std::int64_t> i(idx.begin(), idx.end());
  return t.index_select(0, torch::tensor(i, torch::kInt64)).contiguous();
}

// The example shape the model sees: input_shape when given (its element count must be the file's),
// else the file's own.
std::vector<std::int64_t> example_shape(const std::vector<std::int64_t>& file_shape,
                                        const std::vector<std::int64_t>& input_shape, const std::string& name) {
  if (input_shape.empty()) return file_shape;
  // The product of the sizes; one that does not fit 2^62 can hold no file's example.
  const auto count = [](const std::vector<std::int64_t>& s) {
    std::int64_t n = 1;
    for (const std::int64_t d : s)
      if (__builtin_mul_overflow(n, d, &n) || n > (std::int64_t{1} << 62))
        throw ParamError("input_shape", "input_shape " + shape_string(s) + " holds more values than any example can (its "
                                        "product overflows)");
    return n;
  };
  if (count(file_shape) != count(input_shape))
    throw TaskError(name + ": an example has shape " + shape_string(file_shape) + " (" + std::to_string(count(file_shape)) +
                    " values), which input_shape " + shape_string(input_shape) + " (" + std::to_string(count(input_shape)) +
                    " values) cannot hold");
  return input_shape;
}

TensorSplit from_csv(const TensorDataOptions& o, const TaskContext& ctx) {
  const auto split = tasks::shared_split(o.data, ctx);
  const std::string& name = split->source->source;
  TensorSplit s;
  const std::vector<std::int64_t> file_shape{static_cast<std::int64_t>(split->train_x.rows())};
  s.example_shape = example_shape(file_shape, o.input_shape, name);
  const auto inputs = [&](const Eigen::MatrixXd& m) {
    // Eigen holds one example per column, contiguous: as rows, exactly a [n, features] tensor.
    std::vector<std::int64_t> shape{static_cast<std::int64_t>(m.cols())};
    shape.insert(shape.end(), s.example_shape.begin(), s.example_shape.end());
    return torch::from_blob(const_cast<double*>(m.data()), {m.cols(), m.rows()}, torch::kFloat64)
        .to(o.dtype, /*non_blocking=*/false, /*copy=*/true)
        .view(shape);
  };
  const auto targets = [&](const std::vector<int>& y) {
    std::vector<std::int64_t> v(y.begin(), y.end());
    torch::Tensor t = torch::tensor(v, torch::kInt64);
    return o.targets == TargetKind::class_index ? t : t.to(o.dtype);
  };
  s.train_x = inputs(split->train_x), s.val_x = inputs(split->val_x), s.test_x = inputs(split->test_x);
  s.train_y = targets(split->train_y), s.val_y = targets(split->val_y), s.test_y = targets(split->test_y);
  s.class_count = static_cast<std::int64_t>(split->class_count);
  s.fingerprint = split->fingerprint;
  s.source = name;
  return s;
}

TensorSplit from_tensor_file(const TensorDataOptions& o, const TaskContext& ctx, const std::filesystem::path& file) {
  const std::string name = o.data.file.string();
  if (o.data.standardize)
    throw ParamError("standardize", "standardize applies to CSV data; " + name + " is a tensor file: save it standardized");
  TensorFile f = read_tensor_file(file, name);
  ctx.shared->note_input(o.data.file, file);  // the core records its hash: a resume checks the data is the same
  if (f.inputs.dim() < 1 || f.inputs.size(0) < 2)
    throw TaskError(name + ": \"inputs\" has shape " + shape_string(f.inputs.sizes()) + "; it needs [examples, ...] with 2 or more examples");
  const std::int64_t n = f.inputs.size(0);
  if (f.targets.dim() < 1 || f.targets.size(0) != n)
    throw TaskError(name + ": \"targets\" has shape " + shape_string(f.targets.sizes()) + " but \"inputs\" holds " +
                    std::to_string(n) + " examples: the first dimensions must agree");
  const bool integer_targets = !torch::isFloatingType(f.targets.scalar_type()) && !f.targets.is_complex();
  std::vector<int> labels(static_cast<std::size_t>(n), 0);
  std::size_t class_count = 1;
  if (o.targets == TargetKind::class_index) {
    if (!integer_targets || f.targets.dim() != 1)
      throw TaskError(name + ": cross_entropy needs \"targets\" of class indices, an integer tensor [examples]; it is " +
                      std::string(c10::toString(f.targets.scalar_type())) + " " + shape_string(f.targets.sizes()));
    const torch::Tensor y = f.targets.to(torch::kInt64);
    const std::int64_t low = y.min().item<std::int64_t>(), high = y.max().item<std::int64_t>();
    if (low < 0) throw TaskError(name + ": a class index is negative (" + std::to_string(low) + ")");
    if (high > 1'000'000) throw TaskError(name + ": a class index is " + std::to_string(high) + "; classes are 0 .. C-1");
    const auto* p = y.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<int>(p[i]);
    class_count = static_cast<std::size_t>(high + 1);
    f.targets = y;
  } else {
    f.targets = f.targets.to(o.dtype);
  }
  for (const auto& [key, t] : {std::pair<const char*, const torch::Tensor&>{"inputs", f.inputs}, {"targets", f.targets}})
    if (torch::isFloatingType(t.scalar_type()) && !t.isfinite().all().item<bool>()) {
      const std::int64_t at = (~t.isfinite()).nonzero()[0][0].item<std::int64_t>();
      throw TaskError(name + ": \"" + key + "\" of example " + std::to_string(at) + " is not finite (NaN or infinite)");
    }
  if (torch::isFloatingType(f.inputs.scalar_type())) f.inputs = f.inputs.to(o.dtype);
  TensorSplit s;
  std::vector<std::int64_t> file_shape(f.inputs.sizes().begin() + 1, f.inputs.sizes().end());
  s.example_shape = example_shape(file_shape, o.input_shape, name);
  const std::int64_t draw = tasks::split_draw(o.data.split, ctx.repeat);
  const tasks::SplitIndices idx =
      tasks::stratified_split(labels, class_count, o.data.split, tasks::split_seed(o.data.split, ctx.experiment_seed, draw), draw);
  if (idx.validation.empty())
    throw TaskError(name + ": the split of " + std::to_string(n) + " examples leaves no validation example");
  std::vector<std::int64_t> shape{-1};
  shape.insert(shape.end(), s.example_shape.begin(), s.example_shape.end());
  s.train_x = rows(f.inputs, idx.train).view(shape), s.val_x = rows(f.inputs, idx.validation).view(shape);
  s.test_x = rows(f.inputs, idx.test).view(shape);
  s.train_y = rows(f.targets, idx.train), s.val_y = rows(f.targets, idx.validation), s.test_y = rows(f.targets, idx.test);
  s.class_count = o.targets == TargetKind::class_index ? static_cast<std::int64_t>(class_count) : 0;
  s.fingerprint = tasks::split_fingerprint(idx);
  s.source = name;
  return s;
}

}  // namespace

std::string read_file_bytes(const std::filesystem::path& path, const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TaskError(name + ": cannot open the file");
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

bool is_tensor_file(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  return ext == ".pt" || ext == ".pth";
}

std::string shape_string(c10::IntArrayRef shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::shared_ptr<const TensorSplit> shared_tensor_split(const TensorDataOptions& o, const TaskContext& ctx) {
  const std::filesystem::path file = std::filesystem::absolute(ctx.resolve(o.data.file)).lexically_normal();
  // The CSV tasks' split key, and how this task lays the split out.
  const std::string key = "lrlab.torch/" + tasks::split_key(o.data, ctx) + "|shape=" + shape_string(o.input_shape) +
                          "|targets=" + (o.targets == TargetKind::class_index ? "class" : "real") +
                          "|dtype=" + c10::toString(o.dtype);
  return ctx.shared->get<TensorSplit>(key, [&] {
    if (!is_tensor_file(o.data.file)) return std::make_shared<const TensorSplit>(from_csv(o, ctx));
    if (!std::filesystem::is_regular_file(file)) throw TaskError(o.data.file.string() + ": no such file (" + file.string() + ")");
    return std::make_shared<const TensorSplit>(from_tensor_file(o, ctx, file));
  });
}

}  // namespace lrlab::torch_task
