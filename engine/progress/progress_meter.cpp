#include "engine/progress/progress_meter.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/report/text_table.h"

namespace blis::progress {

namespace {

// The wall clock is read once every this many events: a clock read costs about as much as a
// cheap event, and 4096 events take well under a millisecond.
constexpr uint32_t kEventsPerClockRead = 4096;
constexpr double kFirstLineAfter_s = 1.0;  // short runs never show a line
constexpr double kLineEvery_s = 0.5;

double steady_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string duration_text(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const auto whole = static_cast<int64_t>(std::llround(s));
  if (whole < 60) return fmt::format("{} s", whole);
  if (whole < 3600) return fmt::format("{}m{:02}s", whole / 60, whole % 60);
  return fmt::format("{}h{:02}m", whole / 3600, (whole % 3600) / 60);
}

}  // namespace

ProgressMeter::ProgressMeter(std::FILE* out, ProgressPlan plan, WallClock clock)
    : out_(out), plan_(plan), clock_(clock ? std::move(clock) : WallClock(steady_seconds)) {
  started_ = clock_();
  last_print_ = started_;
}

std::string ProgressMeter::line(Tick simulated, int64_t completed, double wall_s, const ProgressPlan& plan) {
  std::string text = fmt::format("simulated {} s | {}", report::fixed(static_cast<double>(simulated) / 1e6, 1),
                                 report::grouped(completed));
  if (plan.total_requests) text += " of " + report::grouped(*plan.total_requests);
  text += " requests done";
  if (wall_s > 0) text += fmt::format(" | {} req/s", report::grouped(std::llround(static_cast<double>(completed) / wall_s)));
  // The share done: of the requests when their number is known, else of the horizon.
  std::optional<double> done;
  if (plan.total_requests && *plan.total_requests > 0) {
    done = static_cast<double>(completed) / static_cast<double>(*plan.total_requests);
  } else if (plan.horizon && *plan.horizon > 0) {
    done = static_cast<double>(simulated) / static_cast<double>(*plan.horizon);
  }
  if (done && *done > 0 && wall_s > 0) {
    text += " | ETA " + duration_text(wall_s * (1.0 - std::min(*done, 1.0)) / *done);
  }
  return text;
}

void ProgressMeter::before_event(Tick t) {
  if (++events_ % kEventsPerClockRead == 0) maybe_print(t);
}

void ProgressMeter::on_instance_event(const instance::InstanceEvent& e) {
  if (e.kind == instance::EventKind::RequestLeft) ++completed_;
}

void ProgressMeter::maybe_print(Tick t) {
  const double now = clock_();
  if (now - started_ < kFirstLineAfter_s || now - last_print_ < kLineEvery_s) return;
  last_print_ = now;
  // \r and "erase to end of line": the line is rewritten in place on the terminal.
  std::fprintf(out_, "\r%s\033[K", line(t, completed_, now - started_, plan_).c_str());
  std::fflush(out_);
  shown_ = true;
}

void ProgressMeter::on_run_end(Tick) { erase(); }

void ProgressMeter::erase() {
  if (!shown_) return;
  std::fputs("\r\033[K", out_);  // erased: the terminal reads as if no progress was shown
  std::fflush(out_);
  shown_ = false;
}

}  // namespace blis::progress
