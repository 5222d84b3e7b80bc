#include "engine/workload/spec_expansion.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <new>
#include <stdexcept>

#include "engine/core/error.h"
#include "engine/core/input_limits.h"
#include "engine/metrics/go_json.h"
#include "engine/workload/empirical_file.h"
#include "engine/workload/servegen_loader.h"

namespace blis::workload {

void validate_inference_perf(const InferencePerfSpec& ip) {
  if (ip.stages.empty()) throw Error("at least one stage is required");
  for (size_t i = 0; i < ip.stages.size(); ++i) {
    const InferencePerfStage& s = ip.stages[i];
    if (s.duration <= 0) {
      throw Error(fmt::format("stage[{}]: duration must be positive, got {}", i, s.duration));
    }
    if (!std::isfinite(s.rate) || s.rate <= 0) {
      throw Error(fmt::format("stage[{}]: rate must be a finite positive number, got {}", i,
                              metrics::go_format_g(s.rate)));
    }
  }
  if (!ip.shared_prefix) throw Error("shared_prefix is required");
  const SharedPrefixSpec& p = *ip.shared_prefix;
  if (p.num_unique_system_prompts <= 0) {
    throw Error(fmt::format("num_unique_system_prompts must be positive, got {}", p.num_unique_system_prompts));
  }
  if (p.num_users_per_system_prompt <= 0) {
    throw Error(fmt::format("num_users_per_system_prompt must be positive, got {}", p.num_users_per_system_prompt));
  }
  if (p.system_prompt_len < 0) throw Error(fmt::format("system_prompt_len must be non-negative, got {}", p.system_prompt_len));
  if (p.question_len < 0) throw Error(fmt::format("question_len must be non-negative, got {}", p.question_len));
  if (p.output_len < 0) throw Error(fmt::format("output_len must be non-negative, got {}", p.output_len));
}

namespace {

DistSpec constant(int64_t value) { return DistSpec{"constant", {{"value", static_cast<double>(value)}}, ""}; }

void expand_inference_perf(WorkloadSpecFile& spec) {
  const InferencePerfSpec& ip = *spec.inference_perf;
  try {
    validate_inference_perf(ip);
  } catch (const Error& e) {
    throw Error(std::string("expanding inference-perf spec: validating inference-perf spec: ") + e.what());
  }
  const SharedPrefixSpec& p = *ip.shared_prefix;
  // NOTE (a): every stage runs at the average rate; windows only end arrivals after the last stage.
  double weighted = 0;
  int64_t duration = 0;
  for (const auto& s : ip.stages) {
    weighted += s.rate * static_cast<double>(s.duration);
    duration += s.duration;
  }
  std::optional<std::vector<LifecycleWindow>> windows;
  if (ip.stages.size() >= 2) {
    windows.emplace();
    int64_t offset = 0;
    for (const auto& s : ip.stages) {
      const int64_t start = offset;
      offset += s.duration * 1'000'000;
      windows->push_back({start, offset});
    }
  }
  const int64_t n = p.num_unique_system_prompts, m = p.num_users_per_system_prompt;
  // The reader reports this with its line; checked again here, before anything is built.
  if (static_cast<double>(n) * static_cast<double>(m) > static_cast<double>(core::limits::kMaxSpecClients)) {
    throw Error(fmt::format("expanding inference-perf spec: num_unique_system_prompts * num_users_per_system_prompt "
                            "= {} clients; at most {} (docs/safety.md)",
                            metrics::go_format_g(static_cast<double>(n) * static_cast<double>(m)),
                            core::limits::kMaxSpecClients));
  }
  spec.clients.reserve(static_cast<size_t>(n * m));
  for (int64_t prompt = 0; prompt < n; ++prompt) {
    for (int64_t user = 0; user < m; ++user) {
      ClientSpec c;
      c.id = fmt::format("prompt-{}-user-{}", prompt, user);
      c.tenant_id = fmt::format("prompt-{}", prompt);
      c.slo_class = "batch";
      c.rate_fraction = 1.0 / static_cast<double>(n * m);
      c.arrival.process = "poisson";
      c.input = constant(p.question_len);
      c.output = constant(p.output_len);
      c.prefix_group = fmt::format("prompt-{}", prompt);
      c.prefix_length = p.system_prompt_len;
      c.lifecycle = windows;
      if (p.enable_multi_turn_chat) {
        ReasoningSpec r;
        r.reason_ratio = constant(0);
        r.multi_turn = MultiTurnSpec{5, 500000, "accumulate"};
        c.reasoning = r;
      }
      spec.clients.push_back(std::move(c));
    }
  }
  if (spec.category.empty()) spec.category = p.enable_multi_turn_chat ? "reasoning" : "language";
  if (spec.aggregate_rate <= 0) spec.aggregate_rate = weighted / static_cast<double>(duration);
}

// One distribution's file, when it is empirical and names one: its rows become the bins.
void read_distribution_file(DistSpec& d, const std::string& base_dir, const std::string& where) {
  if (d.type != "empirical" || d.file.empty()) return;
  if (!d.params.empty()) {
    throw Error(fmt::format("{}: an empirical distribution takes its bins from params or from a file, not both",
                            where));
  }
  const std::filesystem::path file(d.file);
  const std::string path = file.is_absolute() || base_dir.empty() ? d.file : (std::filesystem::path(base_dir) / file).string();
  try {
    d.params = read_empirical_file(path);
  } catch (const Error& e) {
    throw Error(fmt::format("{}.file: {}", where, e.what()));
  }
}

// NOTE (cluster-workload-trace §D.6, NOTE 4): the reference accepts `file` and never reads it, so
// a file-only empirical distribution fails at generation. Corrected (empirical_file_read): read.
void read_distribution_files(WorkloadSpecFile& spec, const core::Corrections& corrections) {
  if (!corrections.empirical_file_read) return;
  for (size_t i = 0; i < spec.clients.size(); ++i) {
    ClientSpec& c = spec.clients[i];
    const std::string where = fmt::format("client[{}]", i);
    read_distribution_file(c.input, spec.base_dir, where + ".input_distribution");
    read_distribution_file(c.output, spec.base_dir, where + ".output_distribution");
    if (c.multimodal) {
      MultimodalSpec& m = *c.multimodal;
      const struct { DistSpec& d; const char* key; } parts[] = {
          {m.text, "text_distribution"},   {m.image, "image_distribution"}, {m.image_count, "image_count_distribution"},
          {m.audio, "audio_distribution"}, {m.audio_count, "audio_count_distribution"},
          {m.video, "video_distribution"}, {m.video_count, "video_count_distribution"}};
      for (const auto& part : parts) read_distribution_file(part.d, spec.base_dir, where + ".multimodal." + part.key);
    }
    if (c.reasoning) {
      read_distribution_file(c.reasoning->reason_ratio, spec.base_dir, where + ".reasoning.reason_ratio_distribution");
    }
  }
}

}  // namespace

void expand_workload_sources(WorkloadSpecFile& spec, const core::Corrections& corrections, const DiagnosticSink& log) {
  try {
    if (spec.clients.empty() && spec.inference_perf) expand_inference_perf(spec);
  } catch (const std::bad_alloc&) {
    throw Error("expanding inference-perf spec: out of memory building its clients (inference_perf.shared_prefix)");
  } catch (const std::length_error&) {
    throw Error("expanding inference-perf spec: too many clients to build (inference_perf.shared_prefix)");
  }
  if (spec.clients.empty() && spec.servegen_data) {
    try {
      spec.clients = load_servegen_clients(*spec.servegen_data, corrections, log);
    } catch (const Error& e) {
      throw Error(std::string("loading ServeGen data: ") + e.what());
    } catch (const std::bad_alloc&) {
      throw Error(fmt::format("loading ServeGen data: out of memory reading {} (servegen_data.path)",
                              spec.servegen_data->path));
    }
    if (static_cast<int64_t>(spec.clients.size()) > core::limits::kMaxSpecClients) {
      throw Error(fmt::format("loading ServeGen data: {} (servegen_data.path) makes {} clients; at most {} "
                              "(docs/safety.md)", spec.servegen_data->path, spec.clients.size(),
                              core::limits::kMaxSpecClients));
    }
  }
  read_distribution_files(spec, corrections);
}

}  // namespace blis::workload
