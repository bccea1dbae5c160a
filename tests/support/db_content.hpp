#pragma once
// What a sweep stored, as one text: every row of trials, steps, evals, events and lineage, without the
// columns that legitimately differ between two runs of the same spec (timing, run, host and rank,
// surrogate keys). Two databases with the same content hold bit-identical results.
#include <filesystem>
#include <string>

#include "support/cli.hpp"

namespace lrlab::test {

inline std::string db_content(const std::filesystem::path& db) {
  std::string s;
  for (const char* q : {"SELECT trial_index, repeat, seed, trial_key, config_json, grid_json, status, error, steps_done, "
                        "final_train_loss, final_val_loss, best_val_loss, final_val_accuracy FROM trials ORDER BY trial_index",
                        "SELECT t.trial_index, s.step, s.epoch, s.lr, s.train_loss, s.beta_1 FROM steps s JOIN trials t "
                        "USING(trial_id) ORDER BY 1, 2",
                        "SELECT t.trial_index, e.step, e.epoch, e.metric, e.value FROM evals e JOIN trials t USING(trial_id) "
                        "ORDER BY 1, 2, 4",
                        "SELECT t.trial_index, v.step, v.epoch, v.source, v.kind, v.old_lr, v.new_lr, v.message FROM events v "
                        "JOIN trials t USING(trial_id) ORDER BY 1, v.event_id",
                        // PBT's lineage, by trial_index (trial_ids are surrogate keys)
                        "SELECT l.generation, l.member, l.step, t.trial_index, p.trial_index, r.trial_index, l.value, "
                        "l.values_json FROM lineage l JOIN trials t ON t.trial_id = l.trial_id LEFT JOIN trials p ON "
                        "p.trial_id = l.parent_trial_id LEFT JOIN trials r ON r.trial_id = l.replaced_trial_id ORDER BY 1, 2"}) {
    for (const auto& row : sql(db, q)) {
      for (const auto& c : row) s += c + "|";
      s += "\n";
    }
  }
  return s;
}

}  // namespace lrlab::test
