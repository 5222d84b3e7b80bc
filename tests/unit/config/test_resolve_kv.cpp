// A run's KV block count derived as vLLM sizes it (engine/config/resolve_kv.h): physics and
// profiled runs without engine.kv_blocks, checked against the counts blis model-info prints and
// the one real vLLM count there is; the reference's models keep their default; the errors vLLM
// would refuse to start with.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/config/scenario_spec.h"
#include "engine/core/error.h"
#include "engine/simulation.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

using blis::config::ScenarioSpec;
namespace fs = std::filesystem;

namespace {

// The catalogs are found from the working directory (engine/catalog/data_dir.h).
class InSourceTree {
 public:
  InSourceTree() : before_(fs::current_path()) { fs::current_path(BLIS_SOURCE_DIR); }
  ~InSourceTree() { fs::current_path(before_); }
  InSourceTree(const InSourceTree&) = delete;
  InSourceTree& operator=(const InSourceTree&) = delete;

 private:
  fs::path before_;
};

ScenarioSpec physics_run(const std::string& model, const std::string& gpu) {
  ScenarioSpec s;
  s.origin = "blis run";
  s.compat_mode = "reference";
  s.model = model;
  s.gpu = gpu;
  s.latency_model = "physics";
  s.workload.rate = 1;
  s.workload.requests = 1;
  return s;
}

struct Resolved {
  int64_t kv_blocks = 0;
  std::vector<std::string> info;
};

Resolved resolve(const ScenarioSpec& s) {
  const InSourceTree here;
  Resolved out;
  const blis::DiagnosticSink log = [&out](blis::LogLevel level, const std::string& line) {
    if (level == blis::LogLevel::Info) out.info.push_back(line);
  };
  out.kv_blocks = blis::config::resolve(s, log).kv_blocks;
  return out;
}

std::string resolve_error(const ScenarioSpec& s) {
  try {
    resolve(s);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("derived KV blocks: Llama-2-7B on one H100 is the count of tests/accuracy/experiments.json") {
  // experiments.json A/llama-2-7b-tp1-*: 7474, from `blis model-info model_configs/hf/llama-2-7b-hf/
  // config.json --tp 1 --gpu-memory-gib 79.19 --gpu-memory-utilization 0.9 --block-size 16
  // --max-num-seqs 128 --max-num-batched-tokens 2048 --max-model-len 4096`.
  ScenarioSpec s = physics_run("meta-llama/Llama-2-7b-hf", "H100");
  s.max_running = 128;
  s.max_batched_tokens = 2048;
  s.max_model_len = 4096;
  const Resolved r = resolve(s);
  CHECK(r.kv_blocks == 7474);
  // Every term is logged at info, the count first.
  REQUIRE(r.info.size() >= 9);
  CHECK(contains(r.info[1], "KV cache: 7474 blocks, derived as vLLM sizes it"));
  CHECK(contains(r.info[2], "79.19 GiB x gpu_memory_utilization 0.9 = 71.27 GiB"));
  CHECK(contains(r.info[3], "- weights on the GPU"));
  CHECK(contains(r.info[4], "- activation peak"));
  CHECK(contains(r.info[5], "- outside PyTorch              0.09 GiB"));
  CHECK(contains(r.info[8], "blocks                         7474 (119584 tokens)"));
}

TEST_CASE("derived KV blocks: Llama-3.1-8B on the RTX 4090 gives 2568 against vLLM's real 2588 (-0.77%)") {
  ScenarioSpec s = physics_run("meta-llama/Llama-3.1-8B", "RTX4090");  // max_num_seqs 256, as the run
  s.max_model_len = 32768;
  CHECK(resolve(s).kv_blocks == 2568);
  // --gpu-memory-utilization 0.95: 0.05 x 25,250,627,584 bytes more, 602 more 2 MiB blocks.
  s.gpu_memory_utilization = 0.95;
  CHECK(resolve(s).kv_blocks == 2568 + 602);
}

TEST_CASE("derived KV blocks: the profiled model sizes from --hardware and the model catalog") {
  ScenarioSpec s = physics_run("meta-llama/Llama-3.1-8B", "RTX4090");
  s.latency_model = "profiled";
  s.latency_profile = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/profiled/rtx4090_llama31_8b_subset/tp1";
  CHECK(resolve(s).kv_blocks == 2568);
  s.gpu.reset();
  CHECK(contains(resolve_error(s), "give --hardware NAME (blis gpus lists them) or --total-kv-blocks N"));
}

TEST_CASE("derived KV blocks: cpu offload gives its GiB back to the KV cache") {
  ScenarioSpec s = physics_run("meta-llama/Llama-3.1-8B", "RTX4090");
  const int64_t without = resolve(s).kv_blocks;
  s.cpu_offload_gb = 4;  // 4 GiB = 2,048 blocks of 2 MiB
  CHECK(resolve(s).kv_blocks == without + 2048);
  s.cpu_offload_gb = 15;  // the GPU holds 14.96 GiB of weights
  CHECK(contains(resolve_error(s), "--cpu-offload-gb 15 GiB is more than the 14.96 GiB of weights on one GPU"));
  s.cpu_offload_gb = -1;
  CHECK(resolve_error(s) == "--cpu-offload-gb must be >= 0, got -1");
}

TEST_CASE("derived KV blocks: a model that leaves nothing for the KV cache is an error naming GPU and TP") {
  ScenarioSpec s = physics_run("meta-llama/Llama-2-70b-hf", "RTX4090");
  const std::string error = resolve_error(s);
  CHECK(contains(error, "cannot derive the KV block count (--total-kv-blocks not given) of "));
  CHECK(contains(error, "on RTX-4090 with TP 1: no GPU memory is left for the KV cache: 21.16 GiB requested"));
  CHECK(contains(error, "use more GPUs (tp), a larger utilization or a larger GPU"));
}

TEST_CASE("derived KV blocks: a max_model_len one request cannot fill is vLLM's start-up error") {
  ScenarioSpec s = physics_run("meta-llama/Llama-3.1-8B", "RTX4090");
  s.max_model_len = 131072;  // 2568 blocks hold 41,088 tokens
  const std::string error = resolve_error(s);
  CHECK(contains(error, "--max-model-len 131072: one request of 131072 tokens needs 8192 KV blocks (16.00 GiB), more "
                        "than the 2568 blocks (5.02 GiB) left for the KV cache of "));
  CHECK(contains(error, "the longest request that fits is 41088 tokens. vLLM refuses to start here"));
}

TEST_CASE("--gpu-memory-utilization: (0, 1], and only where a KV cache is derived") {
  ScenarioSpec s = physics_run("meta-llama/Llama-3.1-8B", "RTX4090");
  for (const double bad : {0.0, -0.5, 1.5}) {
    s.gpu_memory_utilization = bad;
    CHECK(contains(resolve_error(s), "--gpu-memory-utilization must be in (0, 1], got "));
  }
  s.gpu_memory_utilization = 1;
  CHECK(resolve(s).kv_blocks > 2568);
  s.kv_blocks = 1000;
  CHECK(contains(resolve_error(s), "--gpu-memory-utilization does nothing with --total-kv-blocks"));
  s.kv_blocks.reset();
  s.latency_model.reset();  // blackbox
  s.alpha = std::vector<double>{1, 1, 1};
  s.beta = std::vector<double>{1, 1, 1};
  CHECK(contains(resolve_error(s), "--gpu-memory-utilization needs --latency-model physics or profiled"));
}

TEST_CASE("the reference's models never derive: blackbox without kv_blocks keeps 1,000,000") {
  ScenarioSpec s;
  s.origin = "blis run";
  s.compat_mode = "reference";
  s.model = "foo";
  s.alpha = std::vector<double>{1, 1, 1};
  s.beta = std::vector<double>{1, 1, 1};
  s.defaults_file = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/reference/defaults.yaml";
  s.workload.rate = 1;
  s.workload.requests = 1;
  CHECK(resolve(s).kv_blocks == 1000000);
  s.cpu_offload_gb = 1;
  CHECK(contains(resolve_error(s), "--cpu-offload-gb needs --latency-model physics"));
}
