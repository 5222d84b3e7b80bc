// Hand-checkable runs from the reference (engine-core §3.9, §11.1–11.3), through the same entry
// point the front ends use. They pin the event order rules: Go heap ties, duplicate step chains,
// the step pushed after a drop, the fully cached admission.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/simulation.h"
#include "tests/unit/scratch_dir.h"

namespace {

std::string write_trace(const std::string& name, const std::string& rows) {
  const auto path = std::filesystem::path(blis::testing::scratch_dir()) / ("reference_vector_" + name + ".csv");
  std::ofstream(path) << "arrival,a,b,input,output\n" << rows;
  return path.string();
}

std::string run_trace(const std::string& name, const std::string& rows, void (*tweak)(blis::config::ScenarioSpec&) = nullptr) {
  blis::config::ScenarioSpec spec;
  spec.compat_mode = "reference";  // the reference's own numbers
  spec.format = "reference";  // these tests read the reference's printed blocks
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.workload.kind = "csv_trace";
  spec.workload.path = write_trace(name, rows);
  if (tweak) tweak(spec);
  return blis::run_scenario(spec, [](blis::LogLevel, const std::string&) {}).stdout_text;
}

bool has_line(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

}  // namespace

TEST_CASE("one request, hand-checkable timings (§11.1)") {
  const std::string out = run_trace("single", "0.0,x,y,\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\",\"[7, 8, 9]\"\n");
  CHECK(has_line(out, "  \"vllm_estimated_duration_s\": 0.003286,"));
  CHECK(has_line(out, "  \"responses_per_sec\": 304.32136335970785,"));
  CHECK(has_line(out, "  \"e2e_mean_ms\": 4.491,"));
  CHECK(has_line(out, "  \"ttft_mean_ms\": 1.326,"));
  CHECK(has_line(out, "  \"itl_mean_ms\": 1.055,"));
  CHECK(has_line(out, "  \"scheduling_delay_p99_ms\": 0.116,"));
  CHECK(has_line(out, "  \"total_output_tokens\": 2,"));
}

TEST_CASE("identical prompts at the same tick: prefix hit and fully cached admission (§11.2)") {
  const std::string row = "0.0,x,y,\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\",";
  const std::string out = run_trace("identical", row + "\"[]\"\n" + row + "\"[5]\"\n");
  CHECK(has_line(out, "  \"completed_requests\": 2,"));
  CHECK(has_line(out, "  \"vllm_estimated_duration_s\": 0.001276,"));
  CHECK(has_line(out, "  \"e2e_mean_ms\": 2.536,"));
  CHECK(has_line(out, "  \"itl_mean_ms\": 1.21,"));
  CHECK(out.find("KV Cache Metrics") == std::string::npos);
}

TEST_CASE("duplicate step chains follow Go's heap tie order (§11.3)") {
  const std::string out = run_trace(
      "chains",
      "0.0,x,y,\"[978, 883]\",\"[970, 869, 57, 93]\"\n0.0,x,y,\"[86, 369]\",\"[855, 173, 753, 828]\"\n"
      "0.0,x,y,\"[685, 874]\",\"[315, 257, 620, 217]\"\n",
      [](blis::config::ScenarioSpec& s) {
        s.kv_blocks = 100;
        s.block_size_tokens = 2;
        s.max_batched_tokens = 2;
      });
  CHECK(has_line(out, "  \"vllm_estimated_duration_s\": 0.005157,"));
  CHECK(has_line(out, "  \"total_output_tokens\": 9,"));
}

TEST_CASE("a request dropped as unservable still starts a step chain (§3.9)") {
  std::string big = "[";
  for (int i = 0; i < 100; ++i) big += (i ? "," : "") + std::to_string(i);
  big += "]";
  const std::string out = run_trace(
      "dropped", "0.0,x,y,\"" + big + "\",\"[1, 2]\"\n0.0,x,y,\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\",\"[1,2,3,4]\"\n",
      [](blis::config::ScenarioSpec& s) {
        s.alpha = std::vector<double>{100, 0, 50};
        s.kv_blocks = 2;
      });
  CHECK(has_line(out, "  \"vllm_estimated_duration_s\": 0.002265,"));
  CHECK(has_line(out, "Dropped Unservable: 1"));
}
