// The HTML report of whole runs: every plot is there, the same seed writes the same bytes, the
// report on stdout does not change with it, and an unwritable path fails before the run.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/core/error.h"
#include "engine/simulation.h"
#include "tests/unit/scratch_dir.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

blis::config::ScenarioSpec spec_for(const std::string& html) {
  blis::config::ScenarioSpec spec;
  spec.model = "foo";
  spec.alpha = std::vector<double>{100, 1, 50};
  spec.beta = std::vector<double>{1000, 10, 5};
  spec.instances = 2;
  spec.routing_policy = "least-loaded";
  spec.workload.rate = 40.0;
  spec.workload.requests = 300;
  if (!html.empty()) spec.export_html = html;
  return spec;
}

const auto quiet = [](blis::LogLevel, const std::string&) {};

}  // namespace

TEST_CASE("html report: a run's page has every plot and is reproducible") {
  const std::string dir = blis::testing::scratch_subdir("html_run");
  const auto plain = blis::run_scenario(spec_for(""), quiet);
  const auto first = blis::run_scenario(spec_for(dir + "/a.html"), quiet);
  const auto second = blis::run_scenario(spec_for(dir + "/b.html"), quiet);
  REQUIRE(first.file_errors.empty());
  CHECK(first.stdout_text == plain.stdout_text);
  const std::string page = read_file(dir + "/a.html");
  CHECK(page == read_file(dir + "/b.html"));
  for (const char* id : {"cdf-ttft", "cdf-itl", "cdf-e2e", "ts-queue", "ts-running", "ts-kv", "ts-throughput",
                         "ts-completions"}) {
    CHECK_MESSAGE(page.find(std::string("id=\"") + id + "\"") != std::string::npos, id);
  }
  CHECK(page.find("<table class=\"facts\">") != std::string::npos);
  CHECK(page.find("instance_1") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
}

TEST_CASE("html report: an unwritable path fails before the run") {
  const std::string dir = blis::testing::scratch_subdir("html_bad");
  CHECK_THROWS_WITH_AS(blis::run_scenario(spec_for(dir + "/missing/r.html"), quiet),
                       doctest::Contains("cannot write HTML report"), blis::Error);
}
