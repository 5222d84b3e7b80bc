// The progress line (engine/progress/progress_meter.h): what it says, when it is written, and
// that it erases itself — with a test clock, so the timing is exact.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "engine/progress/progress_meter.h"

namespace {

using blis::progress::ProgressMeter;
using blis::progress::ProgressPlan;

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buffer[512];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  return text;
}

void events(ProgressMeter& m, int count, blis::Tick t) {
  for (int i = 0; i < count; ++i) m.before_event(t);
}

}  // namespace

TEST_CASE("progress line: simulated time, requests, rate and ETA") {
  ProgressPlan counted;
  counted.total_requests = 10000;
  CHECK(ProgressMeter::line(12'500'000, 4000, 2.0, counted) ==
        "simulated 12.5 s | 4,000 of 10,000 requests done | 2,000 req/s | ETA 3 s");
  ProgressPlan horizon;
  horizon.horizon = 100'000'000;
  CHECK(ProgressMeter::line(25'000'000, 300, 90.0, horizon) ==
        "simulated 25.0 s | 300 requests done | 3 req/s | ETA 4m30s");
  CHECK(ProgressMeter::line(5'000'000, 10, 3.0, ProgressPlan{}) == "simulated 5.0 s | 10 requests done | 3 req/s");
  CHECK(ProgressMeter::line(0, 0, 0.0, counted) == "simulated 0.0 s | 0 of 10,000 requests done");
}

TEST_CASE("progress meter: silent for a short run, then at most twice a second, erased at the end") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  double now = 100.0;
  ProgressPlan plan;
  plan.total_requests = 8;
  {
    ProgressMeter m(f, plan, [&] { return now; });
    events(m, 5000, 1'000'000);  // 0 s of wall time: nothing
    now += 0.9;
    events(m, 5000, 2'000'000);  // before the first second: nothing
    CHECK(contents(f).empty());
    now += 0.2;  // 1.1 s
    m.on_instance_event({0, blis::instance::EventKind::RequestLeft, 0});
    m.on_instance_event({0, blis::instance::EventKind::Step, -1});
    events(m, 4096, 3'000'000);
    CHECK(m.shown());
    CHECK(contents(f) == "\r" + ProgressMeter::line(3'000'000, 1, 1.1, plan) + "\033[K");
    now += 0.1;  // 0.1 s after the last line: not yet
    events(m, 4096, 4'000'000);
    CHECK(contents(f).find("4.0 s") == std::string::npos);
    now += 0.5;
    events(m, 4096, 5'000'000);
    CHECK(contents(f).find("simulated 5.0 s") != std::string::npos);
    m.on_run_end(6'000'000);
    CHECK(!m.shown());
    const std::string text = contents(f);
    CHECK(text.substr(text.size() - 4) == "\r\033[K");
  }
  std::fclose(f);
}

TEST_CASE("progress meter: a run that fails (no on_run_end) is erased when the meter goes") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  double now = 0.0;
  {
    ProgressMeter m(f, ProgressPlan{}, [&] { return now; });
    now = 5.0;
    events(m, 4096, 7'000'000);
    CHECK(m.shown());
  }
  const std::string text = contents(f);
  CHECK(text.substr(text.size() - 4) == "\r\033[K");
  std::fclose(f);
}
