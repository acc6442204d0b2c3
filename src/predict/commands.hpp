// The `vitalis train` and `vitalis predict` subcommands (main only dispatches to these).
#pragma once

#include <filesystem>
#include <string>

#include "predict/triage.hpp"

namespace vitalis::predict {

// Trains every model from `datasets` into `out`, printing progress to stderr. Exit code.
// `triage`: the monitoring rules' red flags, for the symptom checker's card.
int run_train(const std::filesystem::path& datasets, const std::filesystem::path& out,
              const TriageRules& triage);

// Scores `input` (a CSV in the dataset's layout) with the model `model` from `models_dir` and
// writes "row,probability,risk_class" to `output` ("-" = stdout). Exit code.
int run_batch_predict(const std::filesystem::path& models_dir, const std::string& model,
                      const std::filesystem::path& input, const std::string& output);

}  // namespace vitalis::predict
