#pragma once
// The data side of every classifier task: its parameters (file, CSV layout, split, batches) and
// the loading through the sweep's SharedData, so that a data set is read once and held once
// however many trials name it.
//
// Two cache entries, each built at most once per sweep:
//   "lrlab.tasks/csv|<absolute path>|<CSV options>"             the parsed file (a Dataset)
//   "lrlab.tasks/split|<that key>|<split plan, draw, standardize, experiment seed>"   a SplitData
// Trials that differ only in their schedule or learning rate share both, and so do repeats unless
// the split is drawn per repeat (resplit, folds); a grid over val_fraction reads the file once and
// makes one split per value.
#include <filesystem>
#include <memory>
#include <vector>

#include <lrlab/sdk.hpp>

#include "csv_reader.hpp"
#include "split.hpp"

namespace lrlab::tasks {

struct DataOptions {
  std::filesystem::path file;  // as written in the spec
  CsvOptions csv;
  SplitPlan split;  // val_fraction or split, folds, resplit
  bool standardize = false;
  std::size_t batch_size = 32;
  bool drop_last = false;
  bool eval_train = false;  // also report train_loss and train_accuracy over the whole training set

  // Reads and checks the declared parameters; ParamError for values wrong together.
  static DataOptions from(const Params& p);
};

// The parameter declarations every data task starts with.
std::vector<Param> data_params();

// Which draw of the split a trial of `repeat` uses: 0, the experiment's one split, unless the split
// is drawn per repeat (resplit) or per fold (folds), then the repeat.
std::int64_t split_draw(const SplitPlan& plan, std::int64_t repeat);

// The cache key of the split these options give a trial: the file, its CSV layout, the shares, the
// draw, standardize and the experiment seed (another data task reading the same split with its own
// layout of the examples extends it).
std::string split_key(const DataOptions& options, const TaskContext& ctx);

// The split data for these options, from the sweep's cache or loaded into it (TaskError on a bad
// file, with file and line).
std::shared_ptr<const SplitData> shared_split(const DataOptions& options, const TaskContext& ctx);

}  // namespace lrlab::tasks
