#pragma once
// Replay: a trial of population-based training rerun from scratch as one ordinary trial.
//
// A PBT trial's history is its lineage: the first generation's member it descends from, then each
// copy down to it, every one starting at a generation's step from the state of the one before
// (pbt.hpp). Since a copy continues its parent's state with its step counter, seed and policies,
// and differs from it only in what sets the learning rate, the whole history is one trial of the
// member's seed whose schedule is the segments' schedules one after another, each at the global
// step: piecewise_constant when every segment's schedule is constant, else a sequential with
// "restart": false of one `rebase` per segment (its own base rate and schedule). That trial gives
// the same steps, evaluations and events as the lineage, bit for bit.
//
// This holds for the policies lrlab ships, which do not read the optimizer's rate from their
// context; a plugin policy that does sees the first segment's rate in the replay.
#include <cstdint>
#include <vector>

#include "lrlab/json.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab {

// One piece of a lineage: trial `trial_id` from step `from_step` on, with its configuration.
struct Segment {
  std::int64_t trial_id = 0;
  std::int64_t from_step = 0;
  Json config;  // trials.config_json
};

// The segments of trial `trial_id`'s lineage, oldest first (one, for a trial that copied nobody).
// A SpecError when the trial is not in the database.
std::vector<Segment> lineage_of(const sqlite::Connection& c, std::int64_t trial_id);

// The spec that reruns trial `trial_id` (a member of a PBT experiment) as one ordinary trial: the
// experiment's spec without its search, the trial's configuration, "first_repeat" its member's
// seed, and the lineage's schedule. A SpecError when the trial is not in a PBT experiment.
Json replay_spec(const sqlite::Connection& c, std::int64_t trial_id);

// The winner of PBT experiment `experiment_id`: its best completed trial by the search's metric at
// its last evaluation (ties to the lower trial_id); 0 when no trial has completed with one.
std::int64_t pbt_winner(const sqlite::Connection& c, std::int64_t experiment_id);

// The lineage's schedule alone (see above), with the optimizer's rate the replay gets.
struct ReplaySchedule {
  Json schedule;
  double learning_rate = 0;
};
ReplaySchedule replay_schedule(const std::vector<Segment>& segments);

}  // namespace lrlab
