// The experiment list of blis fit (bindings/fit_list.h): what it reads, the defaults, the paths it
// makes relative to the list's folder, and the messages for what it refuses.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "tests/unit/scratch_dir.h"
#include "bindings/fit_list.h"
#include "bindings/fit_list_args.h"
#include "engine/core/error.h"
#include "engine/fit/fit_parameters.h"

namespace {

namespace fs = std::filesystem;
using blis::bindings::FitList;

std::string write_list(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(blis::testing::scratch_dir()) / "fit_lists";
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

FitList load(const std::string& name, const std::string& text) {
  blis::bindings::LuaVm vm;
  return blis::bindings::load_fit_list(vm, write_list(name, text));
}

std::string error_of(const std::string& name, const std::string& text) {
  try {
    load(name, text);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kOne = R"(return { experiments = { { name = "a", args = { "--model", "m", "--workload-spec", "w.yaml",
  "--defaults-filepath=/abs/d.yaml", "--tp", 2 }, observed = { summary = { e2e_mean = 10, ttft_p99 = 2.5 },
  stages = { [1] = { itl_mean = 3 }, [0] = { e2e_mean = 9 } } } } } })";

}  // namespace

TEST_CASE("fit list: a minimal list gets the documented defaults and folder-relative paths") {
  const FitList list = load("one.lua", kOne);
  REQUIRE(list.experiments.size() == 1);
  const auto& e = list.experiments[0];
  CHECK(e.name == "a");
  CHECK(e.group == "a");
  CHECK(e.weight == 1);
  const std::string folder = (fs::path(blis::testing::scratch_dir()) / "fit_lists").string();
  CHECK(e.args == std::vector<std::string>{"--model", "m", "--workload-spec", (fs::path(folder) / "w.yaml").string(),
                                           "--defaults-filepath=/abs/d.yaml", "--tp", "2"});
  // Whole-run metrics, then stages in stage order, each in the measurement names' order.
  REQUIRE(e.observed.metrics.size() == 4);
  CHECK(e.observed.metrics[0].stage == blis::fit::kWholeRun);
  CHECK(e.observed.metrics[0].name == "e2e_mean");
  CHECK(e.observed.metrics[1].name == "ttft_p99");
  CHECK(e.observed.metrics[1].ms == 2.5);
  CHECK(e.observed.metrics[2].stage == 0);
  CHECK(e.observed.metrics[3].stage == 1);
  CHECK(e.observed.metrics[3].name == "itl_mean");
  CHECK(list.fit == blis::fit::default_fit_names());
  CHECK(list.metrics == blis::bindings::default_fit_metrics());
  CHECK(list.start == "model_configs/physics/default.yaml");
  const auto flags = blis::bindings::fit_run_flags(e, list.start);
  CHECK(std::vector<std::string>(flags.end() - 6, flags.end()) ==
        std::vector<std::string>{"--latency-model", "physics", "--compat", "corrected", "--coefficients",
                                 "model_configs/physics/default.yaml"});
}

TEST_CASE("fit list: per-request observations") {
  const FitList list = load("requests.lua", R"(return { experiments = { { name = "r", group = "g", weight = 2,
    args = {}, observed = { requests = { { id = "request_0", ttft = 5, e2e = 50, tpot = 1.5 }, { id = 1, ttft = 6, e2e = 60 } } } } },
    fit = { "per_step" }, metrics = { "e2e_mean", "ttft_p90" }, start = "s.yaml" })");
  const auto& e = list.experiments[0];
  CHECK(e.group == "g");
  CHECK(e.weight == 2);
  REQUIRE(e.observed.requests.size() == 2);
  CHECK(e.observed.requests[0].id == "request_0");
  CHECK(e.observed.requests[0].tpot_ms == 1.5);
  CHECK(e.observed.requests[1].id == "1");
  CHECK(std::isnan(e.observed.requests[1].tpot_ms));
  CHECK(list.fit == std::vector<std::string>{"per_step"});
  CHECK(fs::path(list.start).filename() == "s.yaml");
  CHECK(fs::path(list.start).is_absolute());
}

TEST_CASE("fit list: every problem names the file and the key path") {
  const std::string base = R"(return { experiments = { { name = "a", args = { "--model", "m" }, observed = %s } }%s })";
  const auto list = [&](const std::string& observed, const std::string& rest = "") {
    std::string text = base;
    text.replace(text.find("%s"), 2, observed);
    text.replace(text.find("%s"), 2, rest);
    return text;
  };
  CHECK(error_of("e1.lua", list("{ summary = { e2e_maen = 3 } }"))
            .find("e1.lua: experiments[1].observed.summary.e2e_maen is not a known key (did you mean 'e2e_mean'?)") !=
        std::string::npos);
  CHECK(error_of("e2.lua", list("{ summary = { e2e_mean = 0 } }")).find("e2e_mean must be a finite number > 0") !=
        std::string::npos);
  CHECK(error_of("e3.lua", list("{ summary = { e2e_mean = 0/0 } }")).find("must be a finite number > 0") !=
        std::string::npos);
  CHECK(error_of("e4.lua", list("{ sumary = { e2e_mean = 3 } }")).find("did you mean 'summary'") != std::string::npos);
  CHECK(error_of("e5.lua", list("{ summary = { e2e_mean = 3 } }", ", metrics = { \"itl_p99\" }"))
            .find("metrics[1] \"itl_p99\": ITL percentiles cannot be compared") != std::string::npos);
  CHECK(error_of("e6.lua", list("{ summary = { e2e_mean = 3 } }", ", fit = { \"weigths\" }"))
            .find("fit[1] \"weigths\" is not a coefficient (did you mean 'weights'?)") != std::string::npos);
  CHECK(error_of("e7.lua", list("{ summary = { tpot_p90 = 3 } }"))
            .find("experiments[1].observed has none of the metrics the fit compares") != std::string::npos);
  CHECK(error_of("e8.lua", list("{ requests = { { id = 1, ttft = 1, e2e = 2 }, { id = 1, ttft = 1, e2e = 2 } } }"))
            .find("requests[2].id repeats the id \"1\"") != std::string::npos);
  CHECK(error_of("e9.lua", "return { experiments = {} }").find("e9.lua: experiments is empty") != std::string::npos);
  CHECK(error_of("e10.lua", "return 3").find("must return a table") != std::string::npos);
  CHECK(error_of("e11.lua", "return { experiments = { { name = 'a', args = {}, observed = { summary = { e2e_mean = 1 } } },"
                            " { name = 'a', args = {}, observed = { summary = { e2e_mean = 1 } } } } }")
            .find("experiments[2].name repeats \"a\"") != std::string::npos);
  CHECK(error_of("e12.lua", "return { experiments = { [2] = {} } }").find("holes") != std::string::npos);
  CHECK(error_of("e13.lua", "error('boom')").find("e13.lua:1: boom") != std::string::npos);
}

TEST_CASE("fit list args: flags blis fit owns or that write files are refused") {
  using blis::bindings::checked_fit_args;
  const auto refused = [](std::vector<std::string> args) {
    try {
      checked_fit_args(args, "", "experiments[1]");
    } catch (const blis::Error& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(refused({"--latency-model", "roofline"}).find("experiments[1].args[1]: blis fit runs every experiment with "
                                                       "--latency-model physics") != std::string::npos);
  CHECK(refused({"--latency-model=physics"}) == "(accepted)");
  CHECK(refused({"--compat", "reference"}).find("--compat corrected") != std::string::npos);
  CHECK(refused({"--coefficients", "x.yaml"}).find("set by blis fit") != std::string::npos);
  CHECK(refused({"--tp", "1", "--results-path", "r.json"}).find("args[3]: --results-path is not allowed") !=
        std::string::npos);
  CHECK(refused({"--print-scenario"}).find("stop before simulating") != std::string::npos);
  CHECK(checked_fit_args({"--workload-spec=w.yaml", "--model-config-folder", "/abs"}, "lists", "e") ==
        std::vector<std::string>{"--workload-spec=lists/w.yaml", "--model-config-folder", "/abs"});
}

// The file sources of docs/fit-inputs.md, named in a list: an inference-perf result folder as a
// whole experiment, an aggregate table's rows and a real trace as `observed`.
TEST_CASE("fit list: inference_perf = DIR gives the run's flags and measurements; table and trace sources") {
  const std::string fixtures = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/fit";
  const FitList list = load("sources.lua", R"(return { experiments = {
    { name = "ip", inference_perf = ")" + fixtures + R"(/a_llama2_7b_codegen", args = { "--hardware", "H100" } },
    { name = "table", args = { "--model", "m" }, observed = { table = { file = ")" + fixtures +
                                          R"(/trainval13_excerpt.csv", experiment = "60-llama-3-1-70b-tp4-general-lite-4-1" } } },
    { name = "trace", args = { "--model", "m" }, observed = { trace = ")" + fixtures + R"(/trace_real.yaml" } } } })");
  REQUIRE(list.experiments.size() == 3);
  const auto& ip = list.experiments[0];
  // The folder's flags come first (exp-config.yaml, results/config.yaml), then the list's args.
  REQUIRE(ip.args.size() >= 4);
  CHECK(ip.args[0] == "--model");
  CHECK(ip.args[1] == "meta-llama/Llama-2-7b-hf");
  CHECK(ip.args[ip.args.size() - 2] == "--hardware");
  CHECK(std::find(ip.args.begin(), ip.args.end(), "--workload-inference-perf") != ip.args.end());
  bool whole_run_e2e = false;
  for (const auto& m : ip.observed.metrics) {
    if (m.stage == blis::fit::kWholeRun && m.name == "e2e_mean") whole_run_e2e = std::abs(m.ms - 2080.7397430955557) < 1e-6;
  }
  CHECK(whole_run_e2e);
  CHECK_FALSE(list.experiments[1].observed.metrics.empty());
  CHECK_FALSE(list.experiments[2].observed.requests.empty());
}

TEST_CASE("fit list: a file source that cannot be read names the key path and the reader's reason") {
  const std::string fixtures = std::string(BLIS_SOURCE_DIR) + "/tests/fixtures/fit";
  const std::string message = error_of("bad_table.lua", R"(return { experiments = { { name = "t", args = { "--model", "m" },
    observed = { table = { file = ")" + fixtures + R"(/trainval13_excerpt.csv", experiment = "nope" } } } } })");
  CHECK(message.find("experiments[1].observed.table could not be read: ") != std::string::npos);
  CHECK(message.find("no experiment nope") != std::string::npos);
  CHECK(error_of("no_args.lua", R"(return { experiments = { { name = "t", observed = { summary = { e2e_mean = 1 } } } } })")
            .find("needs args") != std::string::npos);
}

TEST_CASE("fit list: objective chooses the loss; anything else is refused by name") {
  const char* body = R"(experiments = { { name = "a", args = { "--model", "m" }, observed = { summary = { e2e_mean = 1 } } } })";
  CHECK(load("obj_default.lua", std::string("return { ") + body + " }").objective == "squared");
  CHECK(load("obj_abs.lua", std::string("return { objective = \"absolute\", ") + body + " }").objective == "absolute");
  const std::string message = error_of("obj_bad.lua", std::string("return { objective = \"absolut\", ") + body + " }");
  CHECK(message.find("objective \"absolut\" is not an objective; known: squared, absolute") != std::string::npos);
  CHECK(message.find("did you mean") != std::string::npos);
}
