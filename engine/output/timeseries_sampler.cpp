#include "engine/output/timeseries_sampler.h"

#include <limits>
#include <utility>

namespace blis::output {

const std::string_view kTimeseriesHeader =
    "time_ms,instance,queue_depth,running,kv_blocks_used,kv_blocks_total,cache_hit_blocks,prefill_tokens,"
    "output_tokens,tokens_per_s,completed,dropped,arrivals,admitted,rejected";

namespace {

constexpr Tick kNever = std::numeric_limits<Tick>::max();

void cell(std::string& out, int64_t v) {
  append_int(out, v);
  out.push_back(',');
}

}  // namespace

TimeseriesSampler::TimeseriesSampler(const std::string& path, Tick interval, size_t instances, SampleSource source)
    : file_(path, "time series"),
      interval_(interval),
      next_boundary_(interval),
      source_(std::move(source)),
      now_(instances),
      before_(instances) {
  file_.buffer().append(kTimeseriesHeader);
  file_.end_row();
}

// The boundary after this one; a grid that would pass the largest time ends there.
void TimeseriesSampler::advance() {
  next_boundary_ = next_boundary_ > kNever - interval_ ? kNever : next_boundary_ + interval_;
}

void TimeseriesSampler::write_through(Tick t) {
  // One event may pass several boundaries: nothing happened in between, so the later ones show
  // the same state and zero counts.
  while (t >= next_boundary_ && next_boundary_ != kNever) {
    write_rows(next_boundary_);
    advance();
  }
}

void TimeseriesSampler::finish(Tick end) {
  // Boundaries before the end show the state then (nothing happened since the last event); the
  // interval the run ended in is written at its own boundary, the first one not yet written at
  // or after the end.
  if (end > std::numeric_limits<Tick>::min()) write_through(end - 1);
  if (next_boundary_ != kNever) write_rows(next_boundary_);
}

void TimeseriesSampler::write_rows(Tick at) {
  source_(now_);
  std::string& out = file_.buffer();
  const double seconds = static_cast<double>(interval_) / 1e6;
  // time_ms, instance: then the columns every row has.
  const auto row_start = [&](std::string_view instance, int64_t index) {
    append_ms(out, at);
    out.push_back(',');
    out.append(instance);
    if (index >= 0) append_int(out, index);
    out.push_back(',');
  };
  const auto common = [&](const InstanceSample& gauges, const InstanceSample& d) {
    cell(out, gauges.queue_depth);
    cell(out, gauges.running);
    cell(out, gauges.kv_blocks_used);
    cell(out, gauges.kv_blocks_total);
    cell(out, d.cache_hit_blocks);
    cell(out, d.prefill_tokens);
    cell(out, d.output_tokens);
    append_fixed(out, static_cast<double>(d.prefill_tokens + d.output_tokens) / seconds, 1);
    out.push_back(',');
    cell(out, d.completed);
    append_int(out, d.dropped);
  };
  InstanceSample cluster;  // gauges summed, deltas summed
  for (size_t i = 0; i < now_.size(); ++i) {
    const InstanceSample& s = now_[i];
    const InstanceSample& p = before_[i];
    InstanceSample d = s;
    d.cache_hit_blocks = s.cache_hit_blocks - p.cache_hit_blocks;
    d.prefill_tokens = s.prefill_tokens - p.prefill_tokens;
    d.output_tokens = s.output_tokens - p.output_tokens;
    d.completed = s.completed - p.completed;
    d.dropped = s.dropped - p.dropped;
    row_start("instance_", static_cast<int64_t>(i));
    common(s, d);
    out.append(",,,");  // arrivals, admitted, rejected: the cluster's alone
    file_.end_row();
    cluster.queue_depth += s.queue_depth;
    cluster.running += s.running;
    cluster.kv_blocks_used += s.kv_blocks_used;
    cluster.kv_blocks_total += s.kv_blocks_total;
    cluster.cache_hit_blocks += d.cache_hit_blocks;
    cluster.prefill_tokens += d.prefill_tokens;
    cluster.output_tokens += d.output_tokens;
    cluster.completed += d.completed;
    cluster.dropped += d.dropped;
  }
  row_start("cluster", -1);
  common(cluster, cluster);
  out.push_back(',');
  cell(out, arrivals_ - counted_.arrivals);
  cell(out, admitted_ - counted_.admitted);
  append_int(out, rejected_ - counted_.rejected);
  file_.end_row();
  counted_ = {arrivals_, admitted_, rejected_};
  std::swap(now_, before_);
}

}  // namespace blis::output
