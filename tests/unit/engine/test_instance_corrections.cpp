// The step loop's reference defects (engine-core §1.4, §2.4, §3.1, §3.6, §3.7, §3.9, §7.1) and their
// corrections: each vector runs in reference mode, then with exactly one switch turned on.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/simulation.h"

namespace {

std::string write_trace(const std::string& name, const std::string& rows) {
  const auto path = std::filesystem::temp_directory_path() / ("blis_test_corr_" + name + ".csv");
  std::ofstream(path) << "arrival,a,b,input,output\n" << rows;
  return path.string();
}

// Runs the rows in reference mode with `correction` (if any) switched on.
std::string run(const std::string& name, const std::string& rows, const std::string& correction,
                void (*tweak)(blis::config::ScenarioSpec&) = nullptr) {
  blis::config::ScenarioSpec spec{};
  spec.compat_mode = "reference";
  spec.format = "reference";  // these tests read the reference's printed blocks
  if (!correction.empty()) spec.compat_overrides = {{correction, true}};
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.workload.kind = "csv_trace";
  spec.workload.path = write_trace(name + correction, rows);
  if (tweak) tweak(spec);
  const std::string out = blis::run_scenario(spec, [](blis::LogLevel, const std::string&) {}).stdout_text;
  std::filesystem::remove(spec.workload.path);
  return out;
}

bool has_line(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

// The final_token_without_kv vector on a 2-block cache, in reference mode with the switch on or
// off; the errors it logs go to `errors`.
std::string run_logging_errors(const std::string& rows, bool corrected, std::vector<std::string>& errors) {
  blis::config::ScenarioSpec spec{};
  spec.compat_mode.emplace("reference");
  spec.format = "reference";  // these tests read the reference's printed blocks
  if (corrected) spec.compat_overrides = {{"final_token_without_kv", true}};
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.kv_blocks = 2;
  spec.workload.kind = "csv_trace";
  spec.workload.path = write_trace(corrected ? "final_token_fixed" : "final_token", rows);
  const std::string out = blis::run_scenario(spec, [&](blis::LogLevel level, const std::string& m) {
    if (level == blis::LogLevel::Error) errors.push_back(m);
  }).stdout_text;
  std::filesystem::remove(spec.workload.path);
  return out;
}

const std::string kSingle = "0.0,x,y,\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\",\"[7, 8, 9]\"\n";

}  // namespace

TEST_CASE("single_completion_itl: E2E ends with the last token (§2.4, vector §11.1)") {
  // Reference: TTFT 1326 + ITL [1055, 1055] + the duplicated 1055 = 4491.
  CHECK(has_line(run("single", kSingle, ""), "  \"e2e_mean_ms\": 4.491,"));
  // Corrected: 1326 + 1055 + 1055 = 3436, the last token's time minus arrival.
  const std::string out = run("single", kSingle, "single_completion_itl");
  CHECK(has_line(out, "  \"e2e_mean_ms\": 3.436,"));
  CHECK(has_line(out, "  \"itl_mean_ms\": 1.055,"));
  CHECK(has_line(out, "  \"ttft_mean_ms\": 1.326,"));
}

TEST_CASE("final_token_without_kv: no KV slot for the final token, so a full cache logs no error (§3.7)") {
  // 16 prompt tokens fill block 1 and output tokens 16..31 block 2 of a 2-block cache; the final
  // token (position 32) would open a third block. The reference books it at completion and the
  // allocation fails; vLLM never feeds the last sampled token back, so corrected books nothing.
  std::string output = "[";
  for (int i = 1; i <= 17; ++i) output += (i > 1 ? "," : "") + std::to_string(i);
  output += "]";
  const std::string rows = "0.0,x,y,\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\",\"" + output + "\"\n";
  std::vector<std::string> reference_errors;
  const std::string reference = run_logging_errors(rows, false, reference_errors);
  CHECK(has_line(reference, "  \"completed_requests\": 1,"));
  CHECK(has_line(reference, "  \"kv_allocation_failures\": 1,"));
  REQUIRE(reference_errors.size() == 1);
  CHECK(reference_errors[0] == "KV allocation for the final token of request_0 failed");

  std::vector<std::string> corrected_errors;
  const std::string corrected = run_logging_errors(rows, true, corrected_errors);
  CHECK(has_line(corrected, "  \"completed_requests\": 1,"));
  CHECK(corrected.find("kv_allocation_failures") == std::string::npos);
  CHECK(corrected_errors.empty());
}

TEST_CASE("count_first_output_token: all three output tokens count (§7.1)") {
  CHECK(has_line(run("single", kSingle, ""), "  \"total_output_tokens\": 2,"));
  CHECK(has_line(run("single", kSingle, "count_first_output_token"), "  \"total_output_tokens\": 3,"));
}

TEST_CASE("no_step_after_drop: the drop schedules no Step (§3.9 test vector)") {
  std::string big = "[";
  for (int i = 0; i < 100; ++i) big += (i ? "," : "") + std::to_string(i);
  big += "]";
  const std::string rows =
      "0.0,x,y,\"" + big + "\",\"[1, 2]\"\n0.0,x,y,\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\",\"[1,2,3,4]\"\n";
  const auto tweak = [](blis::config::ScenarioSpec& s) {
    s.alpha = std::vector<double>{100, 0, 50};
    s.kv_blocks = 2;
  };
  CHECK(has_line(run("dropped", rows, "", tweak), "  \"vllm_estimated_duration_s\": 0.002265,"));
  // The value the spec gives for a drop that skips the Step push.
  CHECK(has_line(run("dropped", rows, "no_step_after_drop", tweak), "  \"vllm_estimated_duration_s\": 0.004275,"));
}

TEST_CASE("step_pending_on_queue: one step chain, so three requests take longer (§1.4, vector §11.3)") {
  const std::string rows =
      "0.0,x,y,\"[978, 883]\",\"[970, 869, 57, 93]\"\n0.0,x,y,\"[86, 369]\",\"[855, 173, 753, 828]\"\n"
      "0.0,x,y,\"[685, 874]\",\"[315, 257, 620, 217]\"\n";
  const auto tweak = [](blis::config::ScenarioSpec& s) {
    s.kv_blocks = 100;
    s.block_size_tokens = 2;
    s.max_batched_tokens = 2;
  };
  CHECK(has_line(run("chains", rows, "", tweak), "  \"vllm_estimated_duration_s\": 0.005157,"));
  // One chain: a 2-token budget prefills one request per step (3 steps, 1140 each at 116),
  // then the batch decodes 3 tokens per request, 3 steps of 1015 (1000 + 5·3), all back to back.
  const std::string out = run("chains", rows, "step_pending_on_queue", tweak);
  CHECK(has_line(out, "  \"completed_requests\": 3,"));
  CHECK_FALSE(has_line(out, "  \"vllm_estimated_duration_s\": 0.005157,"));
}

TEST_CASE("decode_needs_reservation: batch members the budget did not reach wait (§3.6)") {
  // A long decode keeps the instance busy; three prompts fully cached by the first request are
  // admitted with nothing to compute (§5.9 NOTE) and then all want a decode token, more than
  // the 2-token budget covers. The reference decodes the unreached ones anyway; corrected they
  // wait a step, so the run takes longer.
  const std::string prompt = "\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\"";
  std::string hundred = "\"[";
  for (int i = 1; i <= 100; ++i) hundred += (i > 1 ? "," : "") + std::to_string(i);
  hundred += "]\"";
  const std::string eight = "\"[1,2,3,4,5,6,7,8]\"";
  const std::string rows = "0.0,x,y," + prompt + ",\"[5]\"\n0.5,x,y,\"[500]\"," + hundred + "\n0.51,x,y," + prompt +
                           "," + eight + "\n0.511,x,y," + prompt + "," + eight + "\n0.512,x,y," + prompt + "," + eight + "\n";
  const auto tweak = [](blis::config::ScenarioSpec& s) { s.max_batched_tokens = 2; };
  CHECK(has_line(run("budget", rows, "", tweak), "  \"vllm_estimated_duration_s\": 0.600676,"));
  CHECK(has_line(run("budget", rows, "decode_needs_reservation", tweak), "  \"vllm_estimated_duration_s\": 0.600711,"));
}

TEST_CASE("drop_requests_that_never_fit: a request that can never fit livelocks the reference, corrected drops it") {
  // One request whose prompt fits (2 blocks of 16) but whose prompt + output (3 blocks) never do.
  const std::string rows = "0.0,x,y,\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]\",\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]\"\n";
  // Reference: preempted and re-admitted forever, until the no-progress watch stops it.
  CHECK_THROWS_WITH(run("never_fits", rows, "", [](blis::config::ScenarioSpec& s) { s.kv_blocks = 2; }),
                    doctest::Contains("no progress since t="));
  std::vector<std::string> warnings;
  blis::config::ScenarioSpec spec{};
  spec.compat_mode = "reference";
  spec.format = "reference";  // these tests read the reference's printed blocks
  spec.compat_overrides = {{"drop_requests_that_never_fit", true}};
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.kv_blocks = 2;
  spec.workload.kind = "csv_trace";
  spec.workload.path = write_trace("never_fits", rows);
  const std::string out = blis::run_scenario(spec, [&](blis::LogLevel level, const std::string& m) {
    if (level == blis::LogLevel::Warning) warnings.push_back(m);
  }).stdout_text;
  std::filesystem::remove(spec.workload.path);
  CHECK(out.find("Dropped Unservable: 1\n") != std::string::npos);
  REQUIRE(warnings.size() == 2);  // and "no requests completed"
  CHECK(warnings[0] == "dropping request request_0: its 20 prompt and 20 output tokens need 3 KV blocks but the cache has 2");
}

TEST_CASE("preempt_resumes_from_reached: a preempted request keeps what it generated (§3.2, §2.4)") {
  // Two 16-token prompts with 40 output tokens each need 4 blocks of 16 apiece; 6 blocks hold
  // both prompts but not both outputs, so the later one is preempted mid-decode.
  std::string forty = "\"[";
  for (int i = 1; i <= 40; ++i) forty += (i > 1 ? "," : "") + std::to_string(100 + i);
  forty += "]\"";
  const std::string rows = "0.0,x,y,\"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]\"," + forty +
                           "\n0.001,x,y,\"[21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36]\"," + forty + "\n";
  // Both runs also take kv_rollback_leak: the reference's block leak would otherwise stall this
  // KV-saturated pair before the difference shows.
  const auto tweak = [](blis::config::ScenarioSpec& s) {
    s.kv_blocks = 6;
    s.compat_overrides.emplace_back("kv_rollback_leak", true);
  };
  // Reference: the victim restarts, re-prefills its prompt and generates its tokens again, and
  // they are counted again (39 decode tokens a request without a preemption).
  const std::string ref = run("resume", rows, "", tweak);
  CHECK(has_line(ref, "  \"preemption_count\": 1,"));
  CHECK_FALSE(has_line(ref, "  \"total_output_tokens\": 78,"));
  // Corrected: it recomputes prompt + generated tokens in one prefill and carries on; every
  // output token is generated (and counted) once, its first token keeps its time, and the run
  // ends sooner.
  const std::string fixed = run("resume", rows, "preempt_resumes_from_reached", tweak);
  CHECK_FALSE(has_line(fixed, "  \"preemption_count\": 0,"));  // preempted (its recompute can be, too)
  CHECK(has_line(fixed, "  \"total_output_tokens\": 78,"));
  const auto duration = [](const std::string& out) {
    const auto at = out.find("\"vllm_estimated_duration_s\": ");
    return std::stod(out.substr(at + 29));
  };
  CHECK(duration(fixed) < duration(ref));
  CHECK(has_line(fixed, "  \"ttft_mean_ms\": 1.4085,"));
  CHECK(has_line(ref, "  \"ttft_mean_ms\": 18.0685,"));  // the victim's TTFT taken again after its restart
}
