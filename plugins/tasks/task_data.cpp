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
      Param::real("val_fraction", "share of each class held out for validation (split from the experiment seed)")
          .def(0.2).above(0).below(1),
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
  o.val_fraction = p.real("val_fraction");
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

std::shared_ptr<const SplitData> shared_split(const DataOptions& o, const TaskContext& ctx) {
  const std::filesystem::path file = absolute_path(ctx.resolve(o.file));
  const std::string data_key = "lrlab.tasks/csv|" + file.string() + "|" + o.csv.key();
  const std::string split_key = "lrlab.tasks/split|" + data_key + "|val_fraction=" + exact(o.val_fraction) +
                                "|standardize=" + (o.standardize ? "1" : "0") +
                                "|experiment_seed=" + std::to_string(ctx.experiment_seed);
  return ctx.shared->get<SplitData>(split_key, [&] {
    auto data = ctx.shared->get<Dataset>(data_key, [&] {
      auto read = std::make_shared<const Dataset>(read_csv(file, o.csv));
      ctx.shared->note_input(o.file, file);  // the core records its hash: a resume checks the data is the same
      return read;
    });
    return std::make_shared<const SplitData>(make_split(std::move(data), o.val_fraction, o.standardize, ctx.experiment_seed));
  });
}

}  // namespace lrlab::tasks
