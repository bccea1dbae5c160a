#pragma once
// Shared prefixes ("share_prefixes": true): trials that would compute the same first updates
// compute them once, and the others continue from that state (a fork, trial_run.hpp).
//
// Two trials of a plan share their first s updates when their configurations are the same apart
// from the schedule and the budget, their seeds are the same, and their schedules give the same
// rate (and the same beta_1, for a schedule that cycles it) at every update t < s, bit for bit.
// Then the state after s updates is the same in both, since nothing else a trial computes before
// s depends on its budget (the task and the optimizer never see it). The typical case is
// warmup-stable-decay (Hägele et al. 2024): runs of several budgets agree until the shorter one's
// cooldown begins, so one constant-rate run serves them all by branching cooldowns from its
// checkpoints.
//
// Planning picks, among the trials sharing a configuration and seed, *roots*: the trial with the
// longest budget first (ties: the lower index), then, in that order, every trial that does not
// share at least one evaluation period with a root already picked. Every other trial is a *branch*
// of the root it shares the longest prefix with (ties: the earlier root), at the step s where
// their rates first differ (or the branch's budget, when its whole schedule is the root's start).
// Roots are never branches, so a branch waits for one trial only. The schedules are compared step
// by step (the memory of two schedules, the time of the parts they share); a step where a schedule
// throws ends the agreement (the trials fail there, each on its own).
//
// A branch's results are the bits it would have had alone: a test runs a spec both ways and
// compares every row. What differs: its rows before s are copied from its root, it carries an
// events row (source "branch", kind "fork") at s naming the root, and its wall_seconds include
// the root's time to s.
//
// Policies see the budget (PolicyContext::total_steps) and may act on it before the rates part,
// so a spec with policies cannot share prefixes (a SpecError at /share_prefixes), nor one with a
// pruner or a PBT search (they decide over trials that run side by side).
#include <cstdint>
#include <vector>

#include "lrlab/resolve.hpp"
#include "lrlab/trial_plan.hpp"

namespace lrlab {

struct PrefixBranch {
  std::int64_t trial = 0;  // the branch's trial index
  std::int64_t root = 0;   // the root's trial index
  std::int64_t step = 0;   // the branch continues from the root's state after this many updates
};

// The branches of `plan`, ordered by trial index. Throws SpecError (/share_prefixes) when a point
// has policies.
std::vector<PrefixBranch> plan_shared_prefixes(const TrialPlan& plan, const Resolver& resolver);

}  // namespace lrlab
