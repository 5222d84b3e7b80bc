#include "engine/workload/trace_replay.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <span>

#include "engine/core/error.h"

namespace blis::workload {

namespace {

constexpr int64_t kMaxTokenId = 128000;
constexpr int64_t kReplayGroupPrefixTokens = 50;  // §D.17: one fixed-length prefix per group

void draw(core::GoRand& rng, int64_t count, std::vector<kv::Token>& out) {
  const size_t old = out.size();
  out.resize(old + static_cast<size_t>(count));
  rng.fill_intn(kMaxTokenId, std::span<int64_t>(out).subspan(old));
}

// NOTE (cluster-workload-trace §D.17, NOTE 11): the reference's replay puts the group prefix in
// front of the row's input tokens, although the row's count already is the whole prompt, so
// grouped requests replay 50 tokens longer than recorded. Corrected (replay_prefix_within_input):
// the prefix is the start of the recorded input (all of it when the input is shorter), and only
// the rest is drawn. Returns the input; `shared` is how many of its tokens are the prefix's.
std::vector<kv::Token> replay_input(const std::vector<kv::Token>* group_prefix, core::GoRand& rng,
                                    int64_t recorded_input_tokens, bool within_input, int64_t& shared) {
  std::vector<kv::Token> input;
  shared = 0;
  if (group_prefix != nullptr && within_input) {
    shared = std::min<int64_t>(recorded_input_tokens, static_cast<int64_t>(group_prefix->size()));
    input.assign(group_prefix->begin(), group_prefix->begin() + shared);
    draw(rng, recorded_input_tokens - shared, input);
    return input;
  }
  draw(rng, recorded_input_tokens, input);
  if (group_prefix != nullptr) {
    input.insert(input.begin(), group_prefix->begin(), group_prefix->end());
    shared = static_cast<int64_t>(group_prefix->size());
  }
  return input;
}

std::string at(const TraceV2& t, const TraceRecord& r) { return fmt::format("{}: line {}", t.data_path, r.line); }

}  // namespace

void check_replayable(const TraceV2& trace) {
  if (trace.records.empty()) throw Error(fmt::format("{}: the trace has no requests", trace.data_path));
  std::map<int64_t, size_t> row_of;
  for (size_t i = 0; i < trace.records.size(); ++i) {
    const TraceRecord& r = trace.records[i];
    if (r.request_id >= std::numeric_limits<int32_t>::max()) {
      throw Error(fmt::format("{}: request_id {} is too large (at most {})", at(trace, r), r.request_id,
                              std::numeric_limits<int32_t>::max() - 1));
    }
    const auto [it, fresh] = row_of.emplace(r.request_id, i);
    if (!fresh) {
      throw Error(fmt::format("{}: request_id {} repeats line {}", at(trace, r), r.request_id,
                              trace.records[it->second].line));
    }
    if (!trace.has_sharing_columns || r.prefix_source < 0) continue;
    const auto source = row_of.find(r.prefix_source);
    if (source == row_of.end() || source->second == i) {
      throw Error(fmt::format("{}: blis_prefix_source {} is not the request_id of an earlier row", at(trace, r),
                              r.prefix_source));
    }
    const TraceRecord& s = trace.records[source->second];
    const int64_t limit = std::min(r.input_tokens + r.output_tokens, s.input_tokens + s.output_tokens);
    if (r.prefix_tokens > limit) {
      throw Error(fmt::format("{}: blis_prefix_tokens {} is more than the {} tokens the two requests can share",
                              at(trace, r), r.prefix_tokens, limit));
    }
  }
}

TraceReplaySource::TraceReplaySource(std::shared_ptr<const TraceV2> trace, int64_t seed,
                                     const core::Corrections& corrections)
    : trace_(std::move(trace)), rng_(seed), prefix_within_input_(corrections.replay_prefix_within_input) {
  check_replayable(*trace_);
  const auto& records = trace_->records;
  const size_t n = records.size();
  earliest_from_.assign(n + 1, std::numeric_limits<Tick>::max());
  for (size_t i = n; i-- > 0;) earliest_from_[i] = std::min<Tick>(earliest_from_[i + 1], records[i].arrival_time_us);
  source_row_.assign(n, -1);
  uses_left_.assign(n, 0);
  if (trace_->has_sharing_columns) {
    std::unordered_map<int64_t, size_t> row_of;
    for (size_t i = 0; i < n; ++i) {
      const TraceRecord& r = records[i];
      if (r.prefix_source >= 0 && r.prefix_tokens > 0) {
        const size_t s = row_of.at(r.prefix_source);
        source_row_[i] = static_cast<int64_t>(s);
        ++uses_left_[s];
      }
      row_of.emplace(r.request_id, i);
    }
  } else {
    // §D.17: the group prefixes are drawn first, in order of each group's first row.
    for (const TraceRecord& r : records) {
      if (r.prefix_group.empty() || group_prefixes_.count(r.prefix_group) != 0) continue;
      draw(rng_, kReplayGroupPrefixTokens, group_prefixes_[r.prefix_group]);
    }
  }
}

void TraceReplaySource::generate(size_t row, GeneratedRequest& out) {
  const TraceRecord& r = trace_->records[row];
  out.reset();
  out.id = r.request_id;
  out.arrival = r.arrival_time_us;
  out.slo_class = r.slo_class;
  out.tenant_id = r.tenant_id;
  out.labels = RequestLabels{r.client_id, r.session_id, r.prefix_group, r.round_index, r.streaming,
                             r.text_tokens, r.image_tokens, r.audio_tokens, r.video_tokens, r.reason_ratio};
  if (!trace_->has_sharing_columns) {
    const auto group = group_prefixes_.find(r.prefix_group);
    int64_t shared = 0;
    out.input = replay_input(group == group_prefixes_.end() ? nullptr : &group->second, rng_, r.input_tokens,
                             prefix_within_input_, shared);
    if (shared > 0) {
      out.sharing.group = r.prefix_group;
      out.sharing.group_tokens = shared;
    }
    draw(rng_, r.output_tokens, out.output);
    return;
  }
  // The whole sequence: the shared tokens, then fresh ones; input first, output after.
  std::vector<kv::Token> sequence;
  const int64_t length = r.input_tokens + r.output_tokens;
  sequence.reserve(static_cast<size_t>(length));
  const int64_t source = source_row_[row];
  if (source >= 0) {
    const auto s = static_cast<size_t>(source);
    const std::vector<kv::Token>& shared = kept_.at(s);
    sequence.assign(shared.begin(), shared.begin() + r.prefix_tokens);
    if (--uses_left_[s] == 0) kept_.erase(s);
    out.sharing.source_id = trace_->records[s].request_id;  // so a re-export keeps the structure
    out.sharing.source_tokens = r.prefix_tokens;
  }
  draw(rng_, length - static_cast<int64_t>(sequence.size()), sequence);
  if (uses_left_[row] > 0) kept_.emplace(row, sequence);
  out.input.assign(sequence.begin(), sequence.begin() + r.input_tokens);
  out.output.assign(sequence.begin() + r.input_tokens, sequence.end());
}

bool TraceReplaySource::next(GeneratedRequest& out) {
  const size_t n = trace_->records.size();
  // A generated row may go once no row still to generate arrives before it.
  while (next_row_ < n && (ready_.empty() || ready_.top().arrival > earliest_from_[next_row_])) {
    Ready ready{trace_->records[next_row_].arrival_time_us, next_row_, {}};
    generate(next_row_, ready.request);
    ready_.push(std::move(ready));
    ++next_row_;
  }
  if (ready_.empty()) return false;
  out = std::move(const_cast<Ready&>(ready_.top()).request);
  ready_.pop();
  return true;
}

}  // namespace blis::workload
