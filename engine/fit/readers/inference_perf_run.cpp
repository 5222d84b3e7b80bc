// An inference-perf experiment as `blis fit` simulates it (docs/fit-inputs.md): the measured
// lifecycle metrics plus the server settings of exp-config.yaml (the training repo's flat file:
// model, tensor_parallelism, max_model_len, max_num_batched_tokens, max_num_seqs, app) and the
// inference-perf config the harness ran (results/config.yaml), which `blis run
// --workload-inference-perf` reads as-is.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "engine/config/strict_yaml.h"
#include "engine/core/error.h"
#include "engine/fit/readers/reader_support.h"
#include "engine/fit/readers/readers.h"

namespace blis::fit {

namespace {

namespace fs = std::filesystem;
namespace strict_yaml = config::strict_yaml;

constexpr const char* kExperimentConfig = "exp-config.yaml";

// A server setting: a positive integer, or null (left unset).
std::optional<int64_t> positive_int(strict_yaml::SchemaReader& r, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar() && !node.IsNull()) {
    r.problem(node, fmt::format("{} must be a positive integer", key));
    return std::nullopt;
  }
  const strict_yaml::Scalar s = strict_yaml::resolve(node);
  if (s.kind == strict_yaml::Scalar::Kind::Null) return std::nullopt;
  if (s.kind != strict_yaml::Scalar::Kind::Int || s.i <= 0) {
    r.problem(node, fmt::format("{} must be a positive integer, got '{}'", key, node.Scalar()));
    return std::nullopt;
  }
  return s.i;
}

}  // namespace

void parse_experiment_config(const std::string& text, const std::string& origin, InferencePerfRun& run) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}: line {}: {}", origin, e.mark.line + 1, e.msg));
  }
  if (!root.IsMap()) throw Error(fmt::format("{}: expected a mapping of server settings (model: ..., ...)", origin));
  strict_yaml::SchemaReader r;
  r.for_each_member(root, "", [&](const std::string& key, const YAML::Node& v, const std::string&) {
    if (key == "model") {
      if (!v.IsScalar() || v.Scalar().empty()) r.problem(v, "model must be a model id such as meta-llama/Llama-2-7b-hf");
      else run.model = v.Scalar();
    } else if (key == "tensor_parallelism") {
      run.tensor_parallelism = positive_int(r, v, key);
    } else if (key == "max_model_len") {
      run.max_model_len = positive_int(r, v, key);
    } else if (key == "max_num_batched_tokens") {
      run.max_num_batched_tokens = positive_int(r, v, key);
    } else if (key == "max_num_seqs") {
      run.max_num_seqs = positive_int(r, v, key);
    }
    // Other keys (app, and whatever later campaigns record) describe the run, not the server
    // settings blis simulates: they are accepted and not read.
    return true;
  });
  if (r.problems().empty() && run.model.empty()) {
    throw Error(fmt::format("{}: no model (expected a key model: <HuggingFace id>)", origin));
  }
  if (!r.problems().empty()) {
    std::string message = origin + ":";
    for (const std::string& problem : r.problems()) message += (r.problems().size() > 1 ? "\n  " : " ") + problem;
    throw Error(message);
  }
}

InferencePerfRun read_inference_perf_run(const std::string& folder) {
  InferencePerfRun run;
  run.measurement = read_inference_perf_results(folder);
  // The experiment folder is the one holding results/: the folder given, or its parent when the
  // results folder itself was given.
  fs::path experiment(folder);
  std::error_code ec;
  if (!fs::is_directory(experiment / "results", ec)) {
    fs::path results = fs::absolute(experiment, ec).lexically_normal();
    if (results.filename().empty()) results = results.parent_path();  // "x/results/"
    experiment = results.parent_path();
  }
  run.experiment_folder = experiment.string();
  const std::string config_path = (experiment / kExperimentConfig).string();
  if (!fs::is_regular_file(config_path, ec)) {
    throw Error(fmt::format("{}: no {} (the server settings of the experiment: model, tensor_parallelism, ...); "
                            "expected {}",
                            folder, kExperimentConfig, config_path));
  }
  parse_experiment_config(readers::read_input_file(config_path, "experiment config"), config_path, run);
  run.workload_config = (experiment / "results" / "config.yaml").string();
  if (!fs::is_regular_file(run.workload_config, ec)) {
    throw Error(fmt::format("{}: no inference-perf config: expected {} (the config the harness ran)", folder,
                            run.workload_config));
  }
  return run;
}

std::vector<std::string> InferencePerfRun::blis_run_flags() const {
  std::vector<std::string> flags = {"--model", model};
  const auto add = [&](const char* flag, const std::optional<int64_t>& value) {
    if (!value) return;
    flags.push_back(flag);
    flags.push_back(std::to_string(*value));
  };
  add("--tp", tensor_parallelism);
  add("--max-num-running-reqs", max_num_seqs);
  add("--max-num-scheduled-tokens", max_num_batched_tokens);
  add("--max-model-len", max_model_len);
  flags.push_back("--workload-inference-perf");
  flags.push_back(workload_config);
  return flags;
}

}  // namespace blis::fit
