#include "engine/workload/spec_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <new>
#include <span>
#include <stdexcept>

#include "engine/core/error.h"
#include "engine/core/input_limits.h"
#include "engine/core/partitioned_rng.h"

namespace blis::workload {

namespace {

constexpr int64_t kMaxTokenId = 128000;
constexpr int64_t kDefaultPrefixLength = 50;

void draw_tokens(core::GoRand& rng, int64_t count, std::vector<kv::Token>& out, const std::string& client) {
  if (count < 0) {
    throw Error(fmt::format("client \"{}\": sampled token length {} is negative (the reference crashes: makeslice: "
                            "len out of range)", client, count));
  }
  // A length parameter's cap does not bound what a heavy-tailed sampler (pareto) may draw.
  if (count > core::limits::kMaxTokensPerRequest) {
    throw Error(fmt::format("client \"{}\": sampled token length {} is above the limit of {} tokens per request "
                            "(docs/safety.md)", client, count, core::limits::kMaxTokensPerRequest));
  }
  const size_t old_size = out.size();
  try {
    out.resize(old_size + static_cast<size_t>(count));
  } catch (const std::bad_alloc&) {  // the cap keeps this small; should memory still run out, say whose
    throw Error(fmt::format("client \"{}\": out of memory drawing {} tokens for a request", client, count));
  } catch (const std::length_error&) {
    throw Error(fmt::format("client \"{}\": {} tokens for a request are more than a vector can hold", client, count));
  }
  rng.fill_intn(kMaxTokenId, std::span<int64_t>(out).subspan(old_size));
}

std::unique_ptr<LengthSampler> sampler_for(const DistSpec& d, const std::string& what,
                                           const core::Corrections& corrections, SampleUse use) {
  try {
    return make_length_sampler(d, corrections, use);
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
}

bool in_windows(const std::vector<LifecycleWindow>& windows, Tick t) {
  for (const auto& w : windows) {
    if (w.start_us <= t && t < w.end_us) return true;
  }
  return false;
}

bool window_ahead(const std::vector<LifecycleWindow>& windows, Tick t) {
  for (const auto& w : windows) {
    if (t < w.end_us) return true;
  }
  return false;
}

}  // namespace

// One client's request stream (§D.4 step 9).
class SpecSource::Client {
 public:
  Client(const ClientSpec& spec, size_t index, int64_t seed, double rate, const std::vector<kv::Token>* prefix,
         Tick horizon, int64_t cap, const core::Corrections& corrections, const SessionRules& rules,
         const DiagnosticSink& log)
      : spec_(spec), index_(index), rng_(seed), prefix_(prefix), horizon_(horizon), cap_(cap),
        corrections_(corrections), rules_(rules) {
    arrivals_ = make_arrival_sampler(spec.arrival.process, rate, spec.arrival.cv, log);
    input_ = sampler_for(spec.input, fmt::format("client \"{}\" input distribution", spec.id), corrections_,
                         SampleUse::RequestLength);
    output_ = sampler_for(spec.output, fmt::format("client \"{}\" output distribution", spec.id), corrections_,
                          SampleUse::RequestLength);
    sessions_ = spec.reasoning && spec.reasoning->multi_turn;
    // NOTE (§D.10, NOTE 2): the reference ignores a reasoning block without multi_turn.
    // Corrected (reasoning_without_multi_turn): every request gets the sampled reason ratio.
    if (!sessions_ && rules_.reasoning_everywhere && spec.reasoning && !spec.reasoning->reason_ratio.type.empty()) {
      single_reason_ = sampler_for(spec.reasoning->reason_ratio,
                                   fmt::format("client \"{}\" reasoning: reason ratio distribution", spec.id),
                                   corrections_, SampleUse::Quantity);
    }
    if (sessions_ && spec.reasoning->multi_turn->max_rounds <= 0 && horizon >= kInfiniteHorizon) {
      throw Error(fmt::format("client \"{}\": multi_turn.max_rounds {} produces no requests, and without a horizon "
                              "generation would never end (the reference hangs here)",
                              spec.id, spec.reasoning->multi_turn->max_rounds));
    }
    if (sessions_ && spec.reasoning->multi_turn->think_time_us < 0) {
      // The reference accepts it and places later rounds before their session starts; a time
      // running backwards is not a workload (docs/deviations.md).
      throw Error(fmt::format("client \"{}\": multi_turn.think_time_us must be >= 0, got {}", spec.id,
                              spec.reasoning->multi_turn->think_time_us));
    }
  }

  size_t index() const { return index_; }

  // The client's next request in arrival order, or null when it has no more.
  const GeneratedRequest* head() {
    if (!has_head_) has_head_ = sessions_ ? next_from_sessions() : next_single();
    return has_head_ ? &head_ : nullptr;
  }
  void pop(GeneratedRequest& out) {
    out = std::move(head_);
    has_head_ = false;
  }

 private:
  struct Pending {
    Tick arrival;
    int64_t seq;
    GeneratedRequest request;
  };
  struct Later {
    bool operator()(const Pending& a, const Pending& b) const {
      return a.arrival != b.arrival ? a.arrival > b.arrival : a.seq > b.seq;
    }
  };

  void stamp(GeneratedRequest& r, Tick arrival) const {
    r.arrival = arrival;
    r.slo_class = spec_.slo_class;
    r.tenant_id = spec_.tenant_id;
    r.labels.client_id = spec_.id;
  }

  // Plain and multimodal clients: arrivals strictly increase, one request per in-window arrival.
  bool next_single() {
    while (true) {
      if (cap_ > 0 && count_ >= cap_) return false;
      t_ = wrap_add(t_, arrivals_->next(rng_));
      if (t_ >= horizon_) return false;
      if (spec_.lifecycle && !in_windows(*spec_.lifecycle, t_)) {
        // Deliberate deviation: with no window ahead the reference keeps drawing until the
        // horizon (forever without one); no request could follow, so stop here.
        if (!window_ahead(*spec_.lifecycle, t_)) return false;
        continue;
      }
      head_.reset();
      if (prefix_ != nullptr) {
        head_.input = *prefix_;
        head_.labels.prefix_group = spec_.prefix_group;
        head_.sharing.group = spec_.prefix_group;
        head_.sharing.group_tokens = static_cast<int64_t>(prefix_->size());
      }
      head_.labels.streaming = spec_.streaming;  // multi-turn rounds never stream (§D.10 step 4)
      if (spec_.multimodal) {
        multimodal_tokens(head_.input, head_.labels);
        draw_tokens(rng_, output_->sample(rng_), head_.output, spec_.id);
      } else {
        const int64_t il = input_->sample(rng_);
        const int64_t ol = output_->sample(rng_);
        draw_tokens(rng_, il, head_.input, spec_.id);
        draw_tokens(rng_, ol, head_.output, spec_.id);
      }
      if (single_reason_) head_.labels.reason_ratio = ratio_of(*single_reason_);
      stamp(head_, t_);
      ++count_;
      return true;
    }
  }

  // §D.10 step 3: a percentage, as a fraction in [0, 1].
  double ratio_of(LengthSampler& sampler) {
    return std::clamp(static_cast<double>(sampler.sample(rng_)) / 100.0, 0.0, 1.0);
  }

  // §D.9: text, then image, audio, video (count, then that many sizes); all tokens in one block.
  void multimodal_tokens(std::vector<kv::Token>& out, RequestLabels& labels) {
    const MultimodalSpec& m = *spec_.multimodal;
    const std::string where = fmt::format("client \"{}\" multimodal", spec_.id);
    int64_t total = 0;
    if (!m.text.type.empty()) {
      labels.text_tokens = sampler_for(m.text, where + ": text distribution", corrections_, SampleUse::Quantity)
                              ->sample(rng_);
      if (labels.text_tokens > core::limits::kMaxTokensPerRequest) {
        throw Error(fmt::format("{}: sampled text length {} is above the limit of {} tokens per request "
                                "(docs/safety.md)", where, labels.text_tokens, core::limits::kMaxTokensPerRequest));
      }
      total += labels.text_tokens;
    }
    const struct { const DistSpec& tokens; const DistSpec& count; const char* name; int64_t& label; } modalities[] = {
        {m.image, m.image_count, "image", labels.image_tokens},
        {m.audio, m.audio_count, "audio", labels.audio_tokens},
        {m.video, m.video_count, "video", labels.video_tokens}};
    for (const auto& mod : modalities) {
      if (mod.tokens.type.empty() || mod.count.type.empty()) continue;
      auto count_sampler = sampler_for(mod.count, fmt::format("{}: {} count distribution", where, mod.name),
                                       corrections_, SampleUse::Quantity);
      auto token_sampler = sampler_for(mod.tokens, fmt::format("{}: {} distribution", where, mod.name), corrections_,
                                       SampleUse::Quantity);
      const int64_t count = count_sampler->sample(rng_);
      if (count > core::limits::kMaxTokensPerRequest) {  // each item adds at least one token
        throw Error(fmt::format("{}: sampled {} count {} is above the limit of {} tokens per request (docs/safety.md)",
                                where, mod.name, count, core::limits::kMaxTokensPerRequest));
      }
      for (int64_t i = 0; i < count; ++i) {
        const int64_t tokens = token_sampler->sample(rng_);
        if (tokens > core::limits::kMaxTokensPerRequest - mod.label) {  // compared so the sum cannot overflow
          throw Error(fmt::format("{}: {} tokens exceed the limit of {} tokens per request (docs/safety.md)", where,
                                  mod.name, core::limits::kMaxTokensPerRequest));
        }
        mod.label += tokens;
      }
      total += mod.label;
    }
    if (total == 0) total = 1;
    draw_tokens(rng_, total, out, spec_.id);
  }

  // Multi-turn clients (§D.10): sessions start at the arrival process's times; their rounds
  // wait in `pending_` until no later session can start before them.
  bool next_from_sessions() {
    while (!exhausted_ && (pending_.empty() || pending_.top().arrival > last_session_start_)) generate_session();
    if (pending_.empty()) return false;
    head_ = std::move(const_cast<Pending&>(pending_.top()).request);
    pending_.pop();
    return true;
  }

  void generate_session() {
    if (cap_ > 0 && count_ >= cap_) {
      exhausted_ = true;
      return;
    }
    t_ = wrap_add(t_, arrivals_->next(rng_));
    if (t_ >= horizon_) {
      exhausted_ = true;
      return;
    }
    last_session_start_ = t_;
    // NOTE (§D.10): the reference starts sessions whatever the lifecycle windows say.
    // Corrected (multi_turn_respects_windows): like single requests, out-of-window starts are
    // skipped and not counted, and no session starts once every window has ended.
    if (rules_.respect_windows && spec_.lifecycle && !in_windows(*spec_.lifecycle, t_)) {
      if (!window_ahead(*spec_.lifecycle, t_)) exhausted_ = true;
      return;
    }
    const MultiTurnSpec& mt = *spec_.reasoning->multi_turn;
    if (mt.max_rounds <= 0) return;
    std::unique_ptr<LengthSampler> reason;
    if (!spec_.reasoning->reason_ratio.type.empty()) {
      reason = sampler_for(spec_.reasoning->reason_ratio,
                           fmt::format("client \"{}\" reasoning: reason ratio distribution", spec_.id),
                           corrections_, SampleUse::Quantity);
    }
    const std::string session_id = fmt::format("sess_{}", rng_.int63());
    const int64_t session_key = (static_cast<int64_t>(index_) << 40) | sessions_started_++;  // unique in the source
    const bool accumulate = mt.context_growth == "accumulate";
    std::vector<kv::Token> context;
    Tick rt = t_;
    for (int64_t round = 0; round < mt.max_rounds; ++round) {
      // NOTE (§D.10): the reference checks the client's cap (2 x num_requests) once per session,
      // so its last session overshoots it by up to max_rounds - 1 rounds. Corrected
      // (multi_turn_cap_per_round): the session is cut when the cap is reached.
      if (rules_.cap_per_round && cap_ > 0 && count_ >= cap_) break;
      // NOTE (§D.10): the reference generates every round, even after the horizon (the cluster
      // never serves those) or outside the windows. Corrected: the session ends there; rounds
      // only get later, so none after it could count.
      if (rules_.respect_horizon && rt >= horizon_) break;
      if (rules_.respect_windows && spec_.lifecycle && !in_windows(*spec_.lifecycle, rt)) break;
      GeneratedRequest r;
      std::vector<kv::Token> fresh, out;
      // NOTE (§D.10, NOTE 19): the reference drops the multimodal block, the prefix and the
      // streaming flag of multi-turn clients. Corrected (multi_turn_keeps_client_fields): a
      // round's new input is the client's multimodal input, and it keeps prefix and streaming.
      int64_t ol = 0;
      if (rules_.keep_client_fields && spec_.multimodal) {
        multimodal_tokens(fresh, r.labels);
        ol = output_->sample(rng_);
        draw_tokens(rng_, ol, out, spec_.id);
      } else {
        const int64_t il = input_->sample(rng_);
        ol = output_->sample(rng_);
        draw_tokens(rng_, il, fresh, spec_.id);
        draw_tokens(rng_, ol, out, spec_.id);
      }
      if (reason) r.labels.reason_ratio = ratio_of(*reason);
      r.labels.session_id = session_id;
      r.labels.round_index = round;
      r.sharing.session = session_key;
      // The client's prefix (corrected mode only: the reference never passes it), then the
      // context, then the new tokens.
      const size_t prefix_size = prefix_ != nullptr ? prefix_->size() : 0;
      if (prefix_ != nullptr) {
        r.input = *prefix_;
        r.labels.prefix_group = spec_.prefix_group;
        r.sharing.group = spec_.prefix_group;
        r.sharing.group_tokens = static_cast<int64_t>(prefix_size);
      }
      if (rules_.keep_client_fields) r.labels.streaming = spec_.streaming;
      if (accumulate && round > 0) {
        if (static_cast<int64_t>(prefix_size + context.size() + fresh.size()) > core::limits::kMaxTokensPerRequest) {
          throw Error(fmt::format("client \"{}\": round {} of a multi-turn session accumulates {} tokens of context, "
                                  "above the limit of {} tokens per request (docs/safety.md)", spec_.id, round,
                                  prefix_size + context.size() + fresh.size(), core::limits::kMaxTokensPerRequest));
        }
        r.input.insert(r.input.end(), context.begin(), context.end());
        r.input.insert(r.input.end(), fresh.begin(), fresh.end());
        // The previous round's whole sequence: prefix, its context and new tokens, its output.
        r.sharing.session_tokens = static_cast<int64_t>(prefix_size + context.size());
      } else {
        r.input.insert(r.input.end(), fresh.begin(), fresh.end());
      }
      r.output = out;
      stamp(r, rt);
      pending_.push(Pending{rt, seq_++, std::move(r)});
      if (accumulate) {
        context.insert(context.end(), fresh.begin(), fresh.end());
        context.insert(context.end(), out.begin(), out.end());
      }
      rt = wrap_add(rt, wrap_add(mt.think_time_us, ol));
      // Counted per round for the corrected check above; the reference adds a session's rounds at
      // its end, which is the same, as it only reads the count before the next session.
      ++count_;
    }
  }

  const ClientSpec& spec_;
  size_t index_;
  core::GoRand rng_;
  const std::vector<kv::Token>* prefix_;
  Tick horizon_;
  int64_t cap_;
  core::Corrections corrections_;
  SessionRules rules_;
  std::unique_ptr<ArrivalSampler> arrivals_;
  std::unique_ptr<LengthSampler> input_, output_;
  std::unique_ptr<LengthSampler> single_reason_;  // reasoning_without_multi_turn
  bool sessions_ = false;

  Tick t_ = 0;
  int64_t count_ = 0;
  bool has_head_ = false;
  GeneratedRequest head_;
  // sessions
  bool exhausted_ = false;
  Tick last_session_start_ = 0;
  int64_t seq_ = 0;
  int64_t sessions_started_ = 0;
  std::priority_queue<Pending, std::vector<Pending>, Later> pending_;
};

SpecSource::SpecSource(const WorkloadSpecFile& spec, int64_t seed, Tick horizon, int64_t max_requests,
                       const core::Corrections& corrections, const DiagnosticSink& log)
    : max_requests_(max_requests) {
  SessionRules rules;
  rules.respect_horizon = corrections.multi_turn_respects_horizon;
  rules.respect_windows = corrections.multi_turn_respects_windows;
  rules.keep_client_fields = corrections.multi_turn_keeps_client_fields;
  rules.reasoning_everywhere = corrections.reasoning_without_multi_turn;
  rules.cap_per_round = corrections.multi_turn_cap_per_round;
  // The order matters (§D.4 step 1): a horizon <= 0 yields no requests before the cap is checked.
  if (horizon <= 0) return;
  if (max_requests < 0) throw Error(fmt::format("maxRequests must be non-negative, got {}", max_requests));
  core::PartitionedRng partitioned(seed);
  core::GoRand& spec_rng = partitioned.for_subsystem("workload-gen");
  double fraction_sum = 0;
  for (const auto& c : spec.clients) fraction_sum += c.rate_fraction;
  // Prefixes: one per group, drawn in client order from the spec-level stream.
  for (const auto& c : spec.clients) {
    if (c.prefix_group.empty() || prefixes_.count(c.prefix_group) != 0) continue;
    std::vector<kv::Token>& p = prefixes_[c.prefix_group];
    draw_tokens(spec_rng, c.prefix_length > 0 ? c.prefix_length : kDefaultPrefixLength, p, c.id);
  }
  int64_t cap = 0;  // per client: 2 x max_requests, saturating; 0 = unlimited
  if (max_requests > 0) cap = max_requests > INT64_MAX / 2 ? INT64_MAX : 2 * max_requests;
  for (size_t i = 0; i < spec.clients.size(); ++i) {
    const ClientSpec& c = spec.clients[i];
    // Only an exact zero sum short-circuits, as in the reference: a NaN sum gives NaN rates (NOTE 18).
    const double fraction = fraction_sum == 0 ? 0.0 : c.rate_fraction / fraction_sum;
    const double rate = spec.aggregate_rate * fraction / 1e6;
    if (rate <= 0) continue;  // no draw for this client
    const int64_t client_seed = spec_rng.int63();
    // Multi-turn clients get no prefix in the reference (their group still drew one above).
    const bool sessions = c.reasoning && c.reasoning->multi_turn;
    const bool prefixed = !c.prefix_group.empty() && (!sessions || rules.keep_client_fields);
    const std::vector<kv::Token>* prefix = prefixed ? &prefixes_[c.prefix_group] : nullptr;
    clients_.push_back(
        std::make_unique<Client>(c, i, client_seed, rate, prefix, horizon, cap, corrections, rules, log));
  }
}

SpecSource::~SpecSource() = default;

bool SpecSource::next(GeneratedRequest& out) {
  if (max_requests_ > 0 && emitted_ >= max_requests_) return false;
  Client* best = nullptr;
  Tick best_arrival = 0;
  for (auto& c : clients_) {  // client order: ties keep it (the reference's stable sort)
    const GeneratedRequest* h = c->head();
    if (h != nullptr && (best == nullptr || h->arrival < best_arrival)) {
      best = c.get();
      best_arrival = h->arrival;
    }
  }
  if (best == nullptr) return false;
  best->pop(out);
  out.id = emitted_++;
  return true;
}

}  // namespace blis::workload
