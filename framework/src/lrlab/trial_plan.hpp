#pragma once
// TrialPlan: an experiment's trials, made on demand from the spec and its grid.
//
// Trial i is grid point i / repeats, repeat i % repeats; grid points are the cartesian product of
// the search's points (outermost, so that raising its `trials` appends trials), the cases, and the
// grid's lists, the first key outermost and the last varying fastest. A search point is drawn from
// the seed and its index when asked for (search_space.hpp). Nothing is held per
// trial: trial(i) resolves its grid point when asked (keeping the last one, which the repeats of a
// point and a sweep handing trials out in order ask for again), so a plan of 10^6 trials costs the
// memory of one. Resolving is done section by section ("task", "optimizer", "schedule", ...), each
// section again only when a grid value inside it changed, which keeps a pass over a large grid
// linear and cheap (bench: `lrlab validate` of bench/specs/plan_million.json).
//
// Planning (plan_experiment) makes a checking pass over every grid point before anything runs:
// every component is built once with its point's context, every distinct task probed (its data
// read), so that trial(i) afterwards cannot fail. An error is a SpecError at the pointer of the
// value the user wrote: a value from a grid list is named in the grid ("/grid/schedule/1/decay_steps").
//
// A TrialPlan is cheap to copy; copies share their caches (behind a mutex, so any thread may ask).
// It keeps a copy of the Resolver, so the Catalog it was made with must outlive it.
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/resolve.hpp"
#include "lrlab/shared_data.hpp"
#include "lrlab/trial_config.hpp"

namespace lrlab {

// A metric something besides a policy decides on (the pruner): checked against every task.
struct MetricUse {
  std::string metric;
  std::string pointer;  // where it was written ("/pruner/metric")
  const char* who;      // "pruners": for the message
};

class TrialPlan {
 public:
  TrialPlan() = default;
  // `spec`: the spec's top-level object, resolved (defaults filled in), grid included.
  TrialPlan(const Json& spec, std::int64_t repeats, const Resolver& resolver);

  std::int64_t size() const;    // trials: points() * repeats()
  std::int64_t points() const;  // grid points (configurations)
  std::int64_t repeats() const;
  bool empty() const { return size() == 0; }

  // Trial `index`, 0 <= index < size(): its configuration shared with the other repeats of its point.
  TrialConfig operator[](std::int64_t index) const;
  TrialConfig at(std::int64_t index) const;  // throws std::out_of_range outside 0 .. size()-1
  // Trial `index` of the plan, or, with `made`, the trial outside it that its row describes (a PBT
  // copy: index >= size()). A value that does not fit its parameter is a SpecError at the mutation.
  TrialConfig trial(std::int64_t index, const std::optional<ExplicitTrial>& made) const;
  std::shared_ptr<const PointConfig> point(std::int64_t p) const;

  // The checking pass of planning: every point resolved and its components built (see above);
  // every distinct task probed, its data read into `shared`; `metrics` checked against every task's.
  // Returns the component type names the plan uses (for the libraries it needs).
  std::set<std::string> check(const std::filesystem::path& spec_dir, SharedData& shared,
                              const std::vector<MetricUse>& metrics = {}) const;

  // Trials in index order, made as the iteration reaches them.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = TrialConfig;
    using difference_type = std::int64_t;
    using pointer = void;
    using reference = TrialConfig;
    iterator(const TrialPlan* plan, std::int64_t index) : plan_(plan), index_(index) {}
    TrialConfig operator*() const { return (*plan_)[index_]; }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator==(const iterator& o) const { return index_ == o.index_; }
    bool operator!=(const iterator& o) const { return index_ != o.index_; }

   private:
    const TrialPlan* plan_;
    std::int64_t index_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace lrlab
