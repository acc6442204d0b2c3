// Subcommand bodies: progress output, files, exit codes.
#include "predict/commands.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "predict/dataset.hpp"
#include "predict/service.hpp"
#include "predict/specs.hpp"
#include "predict/symptoms.hpp"
#include "predict/training.hpp"

namespace vitalis::predict {

int run_train(const std::filesystem::path& datasets, const std::filesystem::path& out,
              const TriageRules& triage) {
  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  TrainOptions options;
  options.datasets = datasets;
  options.progress = [&elapsed](const std::string& line) {
    std::fprintf(stderr, "%6.1fs %s\n", elapsed(), line.c_str());
  };
  if (!std::filesystem::is_directory(datasets)) {
    std::cerr << "vitalis: datasets directory " << datasets
              << " not found (set --datasets or VITALIS_DATASETS)\n";
    return 2;
  }
  std::string summary;
  for (const ModelSpec& spec : model_specs()) {
    auto model = train_model(spec, options);
    if (!model.ok()) {
      std::cerr << "vitalis: training " << spec.name << " failed: " << model.error().message
                << "\n";
      return 1;
    }
    if (auto written = write_model(*model, out); !written.ok()) {
      std::cerr << "vitalis: " << written.error().message << "\n";
      return 1;
    }
    char line[200];
    std::snprintf(line, sizeof line,
                  "  %-9s %-8s ROC-AUC %.3f ± %.3f (other booster %.3f)  Brier %.4f  %.1fs\n",
                  spec.name.c_str(), model->booster.c_str(), model->cv_roc_auc,
                  model->cv_roc_auc_sd, model->baseline_roc_auc, model->cv_brier, model->seconds);
    summary += line;
  }
  // The symptom checker is fitted at serve time (counting, milliseconds); here it is evaluated
  // for its model card.
  auto checker = SymptomChecker::load(datasets);
  if (!checker.ok()) {
    std::cerr << "vitalis: symptom checker: " << checker.error().message << "\n";
    return 1;
  }
  SymptomEvaluation evaluation = (*checker)->evaluate(options.seed);
  std::filesystem::create_directories(out / "symptoms");
  std::ofstream card(out / "symptoms" / "MODEL_CARD.md", std::ios::binary | std::ios::trunc);
  card << symptom_model_card(evaluation, triage.red_flags);
  if (!card) {
    std::cerr << "vitalis: cannot write " << (out / "symptoms" / "MODEL_CARD.md") << "\n";
    return 1;
  }
  char line[200];
  std::snprintf(line, sizeof line,
                "  symptoms  %d distinct rows of %d; half the symptoms given: top-1 %.1f %%, "
                "top-3 %.1f %%\n",
                evaluation.distinct_rows, evaluation.rows, 100 * evaluation.top1_half,
                100 * evaluation.top3_half);
  summary += line;
  std::fprintf(stderr, "trained %zu models into %s in %.1fs\n%s", model_specs().size() + 1,
               out.string().c_str(), elapsed(), summary.c_str());
  return 0;
}

int run_batch_predict(const std::filesystem::path& models_dir, const std::string& model,
                      const std::filesystem::path& input, const std::string& output) {
  if (model.empty() || input.empty() || output.empty()) {
    std::cerr << "vitalis: predict needs --model, --input and --output\n";
    return 2;
  }
  if (find_model_spec(model) == nullptr) {
    std::cerr << "vitalis: unknown model '" << model << "' (diabetes, heart or stroke)\n";
    return 2;
  }
  std::vector<std::string> problems;
  auto service = PredictionService::load(models_dir, &problems);
  if (!service->has_model(model)) {
    for (const auto& problem : problems) std::cerr << "vitalis: " << problem << "\n";
    return 1;
  }
  auto text = read_file(input);
  if (!text.ok()) {
    std::cerr << "vitalis: " << text.error().message << "\n";
    return 2;
  }
  auto scored = service->score_csv(model, *text);
  if (!scored.ok()) {
    std::cerr << "vitalis: " << input.string() << ": " << scored.error().message << "\n";
    return 2;
  }
  if (output == "-") {
    std::cout << *scored;
    return std::cout ? 0 : 1;
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file << *scored;
  if (!file) {
    std::cerr << "vitalis: cannot write " << output << "\n";
    return 1;
  }
  return 0;
}

}  // namespace vitalis::predict
