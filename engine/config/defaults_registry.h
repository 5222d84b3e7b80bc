// defaults.yaml: default deployments per model, preset workload shapes, and the trained
// coefficient rows (engine-core §4.4). Parsing is strict: an unknown key anywhere is an error
// naming the key and its line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace blis::config {

struct DefaultDeployment {
  std::string gpu;
  int64_t tensor_parallelism = 0;
  std::string vllm_version;
};

struct CoefficientRow {
  std::string id;
  std::string gpu;
  int64_t tensor_parallelism = 0;
  std::string vllm_version;
  std::vector<double> alpha;
  std::vector<double> beta;
  int64_t total_kv_blocks = 0;
  double best_loss = 0;
};

struct PresetWorkload {
  int64_t prefix_tokens = 0;
  int64_t prompt_tokens = 0, prompt_tokens_stdev = 0, prompt_tokens_min = 0, prompt_tokens_max = 0;
  int64_t output_tokens = 0, output_tokens_stdev = 0, output_tokens_min = 0, output_tokens_max = 0;
};

class DefaultsRegistry {
 public:
  // Throws blis::Error (naming the file, and the key and line for schema errors). `missing_note`
  // ends the message when the file cannot be read (DefaultsFile: where else blis looked).
  static DefaultsRegistry load(const std::string& path, const std::string& missing_note = "");

  // `model` is compared as given (callers lower-case it first, as the reference does).
  const DefaultDeployment* deployment(const std::string& model) const;
  // First row in file order whose id, TP, GPU and vLLM version all match exactly.
  const CoefficientRow* coefficients(const std::string& model, int64_t tp, const std::string& gpu,
                                     const std::string& vllm_version) const;
  const PresetWorkload* preset(const std::string& name) const;

  const std::vector<CoefficientRow>& rows() const { return rows_; }

 private:
  std::map<std::string, DefaultDeployment> defaults_;
  std::map<std::string, PresetWorkload> workloads_;
  std::vector<CoefficientRow> rows_;
  std::string version_;
};

}  // namespace blis::config
