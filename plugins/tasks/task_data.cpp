#include "task_data.hpp"

#include <cmath>
#include <cstdio>

namespace lrlab::tasks {

std::vector<Param> data_params() {
  return {
      Param::string("data", "CSV file, plain or gzip; a relative path is relative to the spec's folder").required(),
      Param::json("label_column", "the label's column: 0-based index (negative counts from the end) or, with a header, "
                                  "its name")
          .def(-1),
      Param::boolean("header", "the first line after skip_rows names the columns").def(false),
      Param::integer("skip_rows", "lines to skip at the top of the file, before the header").def(0).at_least(0),
      Param::string("delimiter", "the one character between cells (\"\\t\" for tabs)").def(","),
      Param::real("val_fraction", "share of each class held out for validation (split from the experiment seed); "
                                  "the same as split {\"validation\": x}")
          .def(0.2).above(0).below(1),
      Param::json("split", "shares of each class: {\"validation\": v, \"test\": t} (train: the rest); a test share is "
                           "held out of training and model selection, evaluated at the step validation selects and at the "
                           "end (default: val_fraction, no test)"),
      Param::string("resplit", "\"per_repeat\": repeat r draws its own split (the same at every grid point); \"none\" "
                               "(what leaving it out means): one split per experiment").one_of({"none", "per_repeat"}),
      Param::integer("folds", "k-fold cross-validation: repeat r validates on fold r mod k of what the test share "
                              "leaves (set repeats to a multiple of k)").at_least(2),
      Param::boolean("standardize", "scale features to zero mean, unit variance with training statistics").def(false),
      Param::integer("batch_size", "examples per update").def(32).at_least(1),
      Param::boolean("drop_last", "drop each epoch's last, smaller batch (PyTorch DataLoader drop_last)").def(false),
      Param::boolean("eval_train", "also report train_loss and train_accuracy over the whole training set").def(false),
  };
}

DataOptions DataOptions::from(const Params& p) {
  DataOptions o;
  o.file = p.string("data");
  if (o.file.empty()) throw ParamError("data", "Argument `data` must name a file. Received: data=\"\"");
  o.csv.header = p.boolean("header");
  o.csv.skip_rows = p.integer("skip_rows");
  const std::string delimiter = p.string("delimiter");
  if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r")
    throw ParamError("delimiter", "Argument `delimiter` must be one character other than a quote or a line break. "
                                  "Received: delimiter=" + Json(delimiter).dump());
  o.csv.delimiter = delimiter[0];
  const Json& label = p.raw("label_column");
  if (label.is_number_integer() || (label.is_number_float() && std::floor(label.get<double>()) == label.get<double>())) {
    o.csv.label_column = label.get<std::int64_t>();
  } else if (label.is_string()) {
    if (!o.csv.header)
      throw ParamError("label_column", "Argument `label_column` names a column (" + label.dump() +
                                           "), which needs \"header\": true. Received: header=false");
    o.csv.label_column = label.get<std::string>();
  } else {
    throw ParamError("label_column", "Argument `label_column` must be a column index or a column name. Received: label_column=" +
                                         label.dump());
  }
  o.split.validation = p.real("val_fraction");
  if (p.has("split")) {
    if (p.given("val_fraction"))
      throw ParamError("split", "Argument `split` and `val_fraction` both set the validation share: give one. Received: "
                                "split=" + p.raw("split").dump());
    const Json& s = p.raw("split");
    if (!s.is_object()) throw ParamError("split", "Argument `split` must be an object {\"validation\": v, \"test\": t}. Received: " + s.dump());
    double total = 0.0;
    for (const auto& [key, value] : s.items()) {
      if (key != "train" && key != "validation" && key != "test")
        throw ParamError("split", "Argument `split` takes the shares train, validation and test. Received: \"" + key + "\"");
      if (!value.is_number() || !(value.get<double>() >= 0.0) || !(value.get<double>() < 1.0))
        throw ParamError("split", "Argument `split`: the " + key + " share must be a number in [0, 1). Received: " + value.dump());
      total += value.get<double>();
    }
    o.split.validation = s.value("validation", 0.0);
    o.split.test = s.value("test", 0.0);
    const double train = s.contains("train") ? s["train"].get<double>() : 1.0 - o.split.validation - o.split.test;
    if (s.contains("train") && std::abs(total - 1.0) > 1e-9)
      throw ParamError("split", "Argument `split`: the shares must add up to 1. Received: " + s.dump());
    if (!(train > 0.0)) throw ParamError("split", "Argument `split` leaves nothing to train on. Received: " + s.dump());
  }
  if (p.has("folds")) {
    o.split.folds = p.integer("folds");
    if (p.given("val_fraction") || (p.has("split") && p.raw("split").contains("validation")))
      throw ParamError("folds", "Argument `folds` makes each fold the validation share in turn: give no validation "
                                "share with it. Received: folds=" + std::to_string(o.split.folds));
  } else if (!(o.split.validation > 0.0)) {
    throw ParamError("split", "Argument `split` needs a validation share above 0 (or `folds`). Received: " + p.raw("split").dump());
  }
  o.split.per_repeat = p.has("resplit") && p.string("resplit") == "per_repeat";
  o.standardize = p.boolean("standardize");
  o.batch_size = static_cast<std::size_t>(p.integer("batch_size"));
  o.drop_last = p.boolean("drop_last");
  o.eval_train = p.boolean("eval_train");
  return o;
}

namespace {

// The file's absolute, normalised path: the same data set named two ways is one cache entry.
std::filesystem::path absolute_path(const std::filesystem::path& p) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(p, ec);
  return ec ? std::filesystem::absolute(p).lexically_normal() : canonical;
}

std::string exact(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::int64_t split_draw(const SplitPlan& plan, std::int64_t repeat) {
  return plan.per_repeat || plan.folds >= 2 ? repeat : 0;
}

std::string split_key(const DataOptions& o, const TaskContext& ctx) {
  const std::filesystem::path file = absolute_path(ctx.resolve(o.file));
  return "lrlab.tasks/split|lrlab.tasks/csv|" + file.string() + "|" + o.csv.key() + "|validation=" + exact(o.split.validation) +
         "|test=" + exact(o.split.test) + "|folds=" + std::to_string(o.split.folds) +
         "|per_repeat=" + (o.split.per_repeat ? "1" : "0") + "|draw=" + std::to_string(split_draw(o.split, ctx.repeat)) +
         "|standardize=" + (o.standardize ? "1" : "0") + "|experiment_seed=" + std::to_string(ctx.experiment_seed);
}

std::shared_ptr<const SplitData> shared_split(const DataOptions& o, const TaskContext& ctx) {
  const std::filesystem::path file = absolute_path(ctx.resolve(o.file));
  const std::string data_key = "lrlab.tasks/csv|" + file.string() + "|" + o.csv.key();
  // One split per distinct draw: per experiment by default; per repeat, or per fold, when asked.
  const std::int64_t draw = split_draw(o.split, ctx.repeat);
  return ctx.shared->get<SplitData>(split_key(o, ctx), [&] {
    auto data = ctx.shared->get<Dataset>(data_key, [&] {
      auto read = std::make_shared<const Dataset>(read_csv(file, o.csv));
      ctx.shared->note_input(o.file, file);  // the core records its hash: a resume checks the data is the same
      return read;
    });
    return std::make_shared<const SplitData>(make_split(std::move(data), o.split, o.standardize, ctx.experiment_seed, draw));
  });
}

}  // namespace lrlab::tasks
