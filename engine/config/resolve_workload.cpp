#include "engine/config/resolve_workload.h"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <new>
#include <stdexcept>

#include "engine/config/defaults_registry.h"
#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/core/input_limits.h"
#include "engine/metrics/go_json.h"
#include "engine/workload/inference_perf/config_file.h"
#include "engine/workload/inference_perf/harness_source.h"
#include "engine/workload/spec_expansion.h"
#include "engine/workload/spec_source.h"
#include "engine/workload/trace_replay.h"

namespace blis::config {

namespace {

void check_length_range(const ScenarioSpec& spec, const workload::LengthDistribution& d, const char* what,
                        const char* key, const char* max_flag, const core::Corrections& corrections) {
  // NOTE (§8.4 item 2): the stdev is range-checked against min/max as if it were a length.
  // Corrected (stdev_range_check): the mean lies in [min, max]; the stdev only needs to be >= 0.
  if (corrections.stdev_range_check) {
    if (d.mean < d.min || d.mean > d.max || d.stdev < 0) {
      reject(spec, key,
             fmt::format("{} mean ({}) must lie within [min, max] = [{}, {}] and stdev ({}) must be >= 0", what,
                         d.mean, d.min, d.max, d.stdev),
             fmt::format("needs mean ({}) within [min, max] = [{}, {}] and std ({}) >= 0", d.mean, d.min, d.max,
                         d.stdev));
    }
  } else if (d.mean < d.min || d.mean > d.max || d.stdev < d.min || d.stdev > d.max) {
    reject(spec, key,
           fmt::format("{} mean ({}) and stdev ({}) must both lie within [min, max] = [{}, {}]", what, d.mean, d.stdev,
                       d.min, d.max),
           fmt::format("needs mean ({}) and std ({}) both within [min, max] = [{}, {}]", d.mean, d.stdev, d.min,
                       d.max));
  }
  // Both front ends: a token count beyond any model's context (docs/safety.md).
  if (d.max > core::limits::kMaxTokensPerRequest) {
    reject(spec, key,
           fmt::format("{} must be at most {} (tokens per request; docs/safety.md), got {}", max_flag,
                       core::limits::kMaxTokensPerRequest, d.max),
           fmt::format("max must be at most {} (tokens per request; docs/safety.md), got {}",
                       core::limits::kMaxTokensPerRequest, d.max));
  }
}

workload::LengthDistribution length_from(const LengthSpec& s, int64_t mean, int64_t stdev, int64_t min, int64_t max) {
  return {s.mean.value_or(mean), s.stdev.value_or(stdev), s.min.value_or(min), s.max.value_or(max)};
}

// NOTE (§D.4, NOTE 24): the reference builds a client's multimodal samplers at each of its
// arrivals and its reason-ratio sampler at each session, so a bad distribution there surfaces
// only when (and if) the client's first request is drawn. Corrected (early_sampler_errors): every
// client's are built once before the run, with the messages the lazy path would give.
void check_client_samplers(const workload::WorkloadSpecFile& spec, const core::Corrections& corrections) {
  for (const workload::ClientSpec& client : spec.clients) {
    const auto build = [&](const workload::DistSpec& d, const std::string& what) {
      try {
        workload::make_length_sampler(d, corrections, workload::SampleUse::Quantity);  // only validated
      } catch (const Error& e) {
        throw Error(fmt::format("client \"{}\" {}: {}", client.id, what, e.what()));
      }
    };
    if (client.multimodal) {
      const workload::MultimodalSpec& m = *client.multimodal;
      if (!m.text.type.empty()) build(m.text, "multimodal: text distribution");
      const struct { const workload::DistSpec& tokens; const workload::DistSpec& count; const char* name; } modalities[] = {
          {m.image, m.image_count, "image"}, {m.audio, m.audio_count, "audio"}, {m.video, m.video_count, "video"}};
      for (const auto& mod : modalities) {
        if (mod.tokens.type.empty() || mod.count.type.empty()) continue;  // the modality is off
        build(mod.count, fmt::format("multimodal: {} count distribution", mod.name));
        build(mod.tokens, fmt::format("multimodal: {} distribution", mod.name));
      }
    }
    if (client.reasoning && !client.reasoning->reason_ratio.type.empty()) {
      build(client.reasoning->reason_ratio, "reasoning: reason ratio distribution");
    }
  }
}

// §D.3: load and validate the spec, then its seed, horizon and request cap, each overridden
// only by an explicit scenario value (flag).
void resolve_workload_spec(const ScenarioSpec& spec, RunConfig& c, const DiagnosticSink& log) {
  auto loaded = std::make_shared<workload::WorkloadSpecFile>();
  bool from_inference_perf = false;
  if (spec.workload.inline_spec) {
    *loaded = *spec.workload.inline_spec;
  } else {
    try {
      *loaded = workload::load_workload_spec(spec.workload.path);
    } catch (const Error& e) {
      reject(spec, "workload.path", std::string("Failed to load workload spec: ") + e.what(),
             std::string("names a workload spec that cannot be loaded: ") + e.what());
    }
  }
  // Validate as loaded, then expand (inference-perf, ServeGen) and validate what expansion made,
  // as the reference's generator does. A spec given only as inference-perf passes the first
  // check here (a deliberate deviation: the reference rejects it, NOTE 1).
  try {
    if (!(loaded->clients.empty() && loaded->inference_perf)) workload::validate_workload_spec(*loaded);
  } catch (const Error& e) {
    reject(spec, "workload", std::string("Invalid workload spec: ") + e.what(),
           std::string("is an invalid workload spec: ") + e.what());
  }
  from_inference_perf = loaded->clients.empty() && loaded->inference_perf.has_value();
  c.workload = WorkloadKind::Spec;
  c.workload_spec_seed = spec.seed ? *spec.seed : loaded->seed;
  if (loaded->horizon > 0 && !spec.horizon_us) c.horizon = loaded->horizon;
  c.workload_spec_max_requests = spec.workload.requests ? *spec.workload.requests : loaded->num_requests;
  c.workload_spec_generation_horizon = c.horizon;
  // The one place that reads inference_perf_faithful: a spec made only of the compact block is
  // sent as the inference-perf harness sends it (engine/workload/inference_perf), not expanded
  // into the reference's N x M clients (§D.15 NOTE a-d). Its stages bound it: no cap is needed.
  if (from_inference_perf && c.corrections.inference_perf_faithful) {
    try {
      try {
        workload::validate_inference_perf(*loaded->inference_perf);
      } catch (const Error& e) {
        throw Error(std::string("validating inference-perf spec: ") + e.what());
      }
      workload::inference_perf::check_faithful(*loaded->inference_perf);
    } catch (const Error& e) {
      reject(spec, "workload", std::string("Failed to generate workload: expanding inference-perf spec: ") + e.what(),
             std::string("cannot generate its workload: expanding inference-perf spec: ") + e.what());
    }
    if (loaded->inference_perf->shared_prefix->enable_multi_turn_chat) {
      log(LogLevel::Warning,
          "inference_perf.shared_prefix.enable_multi_turn_chat is ignored, as the inference-perf release that "
          "measured such profiles ignored it: every request is a single-turn prompt (docs/workloads.md)");
    }
    c.workload = WorkloadKind::InferencePerf;
    c.workload_spec = loaded;
    return;
  }
  if (c.workload_spec_max_requests <= 0 && c.horizon == kInfiniteHorizon && from_inference_perf) {
    // An inference-perf spec is bounded by its stages: no arrivals after the last one ends.
    int64_t seconds = 0;
    for (const auto& stage : loaded->inference_perf->stages) seconds += stage.duration;
    c.workload_spec_generation_horizon = seconds * 1'000'000;
  }
  if (c.workload_spec_max_requests <= 0 && c.workload_spec_generation_horizon == kInfiniteHorizon) {
    reject(spec, "workload",
           "--workload-spec requires either num_requests (in YAML or --num-requests) or --horizon to bound generation",
           "needs num_requests (in the spec, or workload.requests) or horizon_us to bound generation");
  }
  c.workload_spec = loaded;
  const bool early_sampler_errors = c.corrections.early_sampler_errors;
  const auto check_samplers = [&] {
    if (!early_sampler_errors) return;
    try {
      check_client_samplers(*loaded, c.corrections);
    } catch (const Error& e) {
      reject(spec, "workload", std::string("Failed to generate workload: ") + e.what(),
             std::string("cannot generate its workload: ") + e.what());
    }
  };
  // Generation with a horizon <= 0 returns no requests before it expands or re-validates
  // anything (§D.4 step 1), so a ServeGen directory is not even read then.
  if (c.workload_spec_generation_horizon <= 0) {
    check_samplers();  // a wrong spec is wrong even when it makes no requests
    return;
  }
  try {
    workload::expand_workload_sources(*loaded, c.corrections, log);
  } catch (const Error& e) {
    reject(spec, "workload", std::string("Failed to generate workload: ") + e.what(),
           std::string("cannot generate its workload: ") + e.what());
  }
  try {
    workload::validate_workload_spec(*loaded);
  } catch (const Error& e) {
    reject(spec, "workload", std::string("Failed to generate workload: invalid workload spec: ") + e.what(),
           std::string("cannot generate its workload: invalid workload spec: ") + e.what());
  }
  check_samplers();
  // Building the generator checks every client's samplers now, before the run (the reference
  // generates everything here). Quietly: the run builds it again and says its warnings then.
  try {
    const DiagnosticSink quiet = [](LogLevel, const std::string&) {};
    workload::SpecSource probe(*loaded, c.workload_spec_seed, c.workload_spec_generation_horizon,
                               c.workload_spec_max_requests, c.corrections, quiet);
    // The first request makes every client draw its first arrival, which is where the
    // per-request samplers (multimodal, reason ratio) are built and can fail.
    workload::GeneratedRequest first;
    probe.next(first);
  } catch (const Error& e) {
    reject(spec, "workload", std::string("Failed to generate workload: ") + e.what(),
           std::string("cannot generate its workload: ") + e.what());
  } catch (const std::bad_alloc&) {
    reject(spec, "workload", "Failed to generate workload: out of memory building the first request of each client",
           "cannot generate its workload: out of memory building the first request of each client");
  } catch (const std::length_error&) {
    reject(spec, "workload", "Failed to generate workload: a client's first request is too large to build",
           "cannot generate its workload: a client's first request is too large to build");
  }
}
}  // namespace

void resolve_workload(const ScenarioSpec& spec, const DefaultsFile& defaults_file, RunConfig& c,
                      const DiagnosticSink& log) {
  const WorkloadSpec& w = spec.workload;
  const double rate = w.rate.value_or(1.0);
  const int64_t requests = w.requests.value_or(int64_t{100});
  if (w.kind == "distribution" || w.kind == "preset") {
    if (!std::isfinite(rate) || rate <= 0) {
      reject(spec, "workload.rate", fmt::format("--rate must be a finite value > 0, got {}", metrics::go_format_g(rate)),
             fmt::format("must be a finite number > 0 (requests per second), got {}", metrics::go_format_g(rate)));
    }
    c.distribution.rate_per_second = rate;
    c.distribution.num_requests = requests;
    c.distribution.horizon = c.horizon;
  }
  if (w.kind == "distribution") {
    c.workload = WorkloadKind::Distribution;
    c.distribution.prefix_tokens = w.prefix_tokens.value_or(int64_t{0});
    c.distribution.prompt = length_from(w.prompt_tokens, 512, 256, 2, 7000);
    c.distribution.output = length_from(w.output_tokens, 512, 256, 2, 7000);
    check_length_range(spec, c.distribution.prompt, "prompt tokens", "workload.prompt_tokens",
                       "--prompt-tokens-max", c.corrections);
    check_length_range(spec, c.distribution.output, "output tokens", "workload.output_tokens",
                       "--output-tokens-max", c.corrections);
    if (c.distribution.prefix_tokens > core::limits::kMaxTokensPerRequest) {
      reject(spec, "workload.prefix_tokens",
             fmt::format("--prefix-tokens must be at most {} (tokens per request; docs/safety.md), got {}",
                         core::limits::kMaxTokensPerRequest, c.distribution.prefix_tokens),
             fmt::format("must be at most {} (tokens per request; docs/safety.md), got {}",
                         core::limits::kMaxTokensPerRequest, c.distribution.prefix_tokens));
    }
  } else if (w.kind == "preset") {
    c.workload = WorkloadKind::Distribution;
    const DefaultsRegistry registry = DefaultsRegistry::load(defaults_file.path, defaults_file.missing_note);
    const PresetWorkload* p = registry.preset(w.preset);
    if (p == nullptr) {
      reject(spec, "workload.name",
             fmt::format("Undefined workload \"{}\". Use one among (chatbot, summarization, contentgen, multidoc)",
                         w.preset),
             fmt::format("must be one of chatbot, summarization, contentgen, multidoc, got \"{}\"{}", w.preset,
                         did_you_mean(w.preset, {"chatbot", "summarization", "contentgen", "multidoc"})));
    }
    c.workload_provenance = "preset:" + w.preset;
    c.distribution.prefix_tokens = p->prefix_tokens;
    c.distribution.prompt = {p->prompt_tokens, p->prompt_tokens_stdev, p->prompt_tokens_min, p->prompt_tokens_max};
    c.distribution.output = {p->output_tokens, p->output_tokens_stdev, p->output_tokens_min, p->output_tokens_max};
  } else if (w.kind == "csv_trace") {
    c.workload = WorkloadKind::CsvTrace;
    if (w.path.empty()) reject(spec, "workload.path", "--workload traces requires --workload-traces-filepath", "is required");
    c.trace_path = w.path;
  } else if (w.kind == "spec") {
    resolve_workload_spec(spec, c, log);
    c.workload_provenance = w.path;  // "" for an inline spec
  } else if (w.kind == "inference_perf") {
    // An inference-perf config file is a new input, not a reference behaviour: it runs as the
    // harness runs it in both compat modes (inference_perf_faithful governs only the compact block).
    if (w.path.empty()) reject(spec, "workload.path", "--workload-inference-perf needs a config file", "is required");
    auto loaded = std::make_shared<workload::WorkloadSpecFile>();
    try {
      *loaded = workload::inference_perf::load_config_file(w.path);
    } catch (const Error& e) {
      reject(spec, "workload.path", e.what(), std::string("names an inference-perf config that cannot be run: ") + e.what());
    }
    c.workload = WorkloadKind::InferencePerf;
    c.workload_spec = loaded;
    c.workload_spec_seed = spec.seed ? *spec.seed : c.seed;
    c.workload_spec_max_requests = w.requests.value_or(int64_t{0});
    c.workload_spec_generation_horizon = c.horizon;
    c.workload_provenance = w.path;
  } else if (w.kind == "generator") {
    if (!w.generator) throw Error("a generator workload needs its generator");
    c.workload = WorkloadKind::Generator;
    c.generator = w.generator;
  } else if (w.kind == "trace_v2") {
    c.workload = WorkloadKind::TraceV2;
    if (w.path.empty()) reject(spec, "workload.path", "a trace v2 workload needs the header file's path", "is required");
    const std::string data = w.data_path.empty() ? workload::trace_data_path_for(w.path) : w.data_path;
    try {
      auto trace = std::make_shared<workload::TraceV2>(workload::load_trace_v2(w.path, data));
      workload::check_replayable(*trace);
      c.trace_v2 = std::move(trace);
    } catch (const Error& e) {
      reject(spec, "workload.path", std::string("Failed to load trace v2: ") + e.what(),
             std::string("names a trace v2 that cannot be replayed: ") + e.what());
    }
    c.workload_provenance = c.trace_v2->header.workload_spec;
  } else {
    throw Error(fmt::format("unknown workload kind \"{}\"", w.kind));
  }
}

}  // namespace blis::config
