#include "engine/report/html/run_series.h"

#include <limits>
#include <utility>

namespace blis::report::html {

RunSeries::RunSeries(size_t instances, output::SampleSource source)
    : instances_(instances), source_(std::move(source)) {
  samples_.push_back({0, std::vector<output::InstanceSample>(instances_)});
}

void RunSeries::take(Tick at, bool final) {
  SeriesSample s{at, std::vector<output::InstanceSample>(instances_)};
  source_(s.instances);
  samples_.push_back(std::move(s));
  if (final || samples_.size() < kMaxSamples) return;  // the end's sample is always kept
  // Keep the samples on the doubled grid (time 0 and every even multiple of the interval).
  std::vector<SeriesSample> kept;
  kept.reserve(kMaxSamples / 2 + 1);
  for (SeriesSample& sample : samples_) {
    if ((sample.time / interval_) % 2 == 0) kept.push_back(std::move(sample));
  }
  samples_ = std::move(kept);
  interval_ *= 2;
  next_ = (samples_.back().time / interval_ + 1) * interval_;
}

void RunSeries::sample_through(Tick t) {
  // Nothing happened between the last event and `t`: the boundaries passed show the state now.
  constexpr Tick kLast = std::numeric_limits<Tick>::max() / 2;
  while (t >= next_ && next_ < kLast) {
    const Tick at = next_;
    next_ += interval_;
    take(at, false);
  }
}

void RunSeries::on_run_end(Tick end) {
  if (end > 0) sample_through(end - 1);
  if (samples_.back().time < end) take(end, true);
}

}  // namespace blis::report::html
