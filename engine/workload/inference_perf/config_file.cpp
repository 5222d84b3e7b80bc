#include "engine/workload/inference_perf/config_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "engine/config/scenario_where.h"
#include "engine/config/strict_yaml.h"
#include "engine/core/error.h"
#include "engine/core/input_limits.h"
#include "engine/core/os_error.h"
#include "engine/metrics/go_json.h"

namespace blis::workload::inference_perf {

namespace {

using config::strict_yaml::Scalar;
using config::strict_yaml::SchemaReader;
using Visit = std::function<void(const std::string& key, const YAML::Node& value, const std::string& path)>;

// Names the later inference-perf releases use (4f57a0b, 4ec6bfd) that the release blis follows
// did not know: pydantic dropped them without a word, so the A_ runs that wrote them ran the
// defaults. Said plainly instead of a bare "unknown key"; likewise a blis WorkloadSpec given here.
std::string later_release_hint(const std::string& key) {
  if (key == "num_unique_system_prompts") {
    return ": inference-perf b81afa4 (the release blis follows) calls it num_groups and ignored this name, running "
           "the default 10 groups";
  }
  if (key == "num_users_per_system_prompt") {
    return ": inference-perf b81afa4 (the release blis follows) calls it num_prompts_per_group and ignored this "
           "name, running the default 10 prompts per group";
  }
  if (key == "inference_perf") {
    return ": that is blis's compact block of a WorkloadSpec; run such a file with --workload-spec "
           "(blis.workload.spec)";
  }
  if (key == "enable_multi_turn_chat") {
    return ": inference-perf b81afa4 (the release blis follows) has no multi-turn chat and ignored this key; remove "
           "it";
  }
  return "";
}

// Visits a mapping whose keys must be among `known`; anything else is a problem that names the
// key, its path and the closest known name.
void members(SchemaReader& r, const YAML::Node& node, const std::string& path, const std::vector<std::string>& known,
             const Visit& visit) {
  if (!r.expect_mapping(node, "a mapping", path.empty() ? "top level" : path)) return;
  r.for_each_member(
      node, path,
      [&](const std::string& key, const YAML::Node& v, const std::string& p) {
        if (std::find(known.begin(), known.end(), key) == known.end()) return false;
        visit(key, v, p);
        return true;
      },
      [&](const std::string& key) {
        const std::string hint = later_release_hint(key);
        return hint.empty() ? config::did_you_mean(key, known) : hint;
      });
}

// pydantic's int: an integer, or a float with no fractional part.
int64_t read_whole(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) {
    const Scalar s = config::strict_yaml::resolve(node);
    if (s.kind == Scalar::Kind::Int) return s.i;
    if (s.kind == Scalar::Kind::Float && std::isfinite(s.f) && s.f == std::trunc(s.f) && std::fabs(s.f) < 9.0e18) {
      return static_cast<int64_t>(s.f);
    }
  }
  std::string got = "a collection";
  if (node.IsScalar()) {
    got = config::strict_yaml::resolve(node).kind == Scalar::Kind::String ? fmt::format("the string \"{}\"", node.Scalar())
                                                                          : node.Scalar();
  }
  r.problem(node, fmt::format("{} must be a whole number (600 or 600.0), got {}", path, got));
  return -1;
}

void read_load(SchemaReader& r, const YAML::Node& node, const std::string& path, InferencePerfSpec& ip) {
  members(r, node, path,
          {"type", "interval", "stages", "sweep", "num_workers", "worker_max_concurrency",
           "worker_max_tcp_connections", "circuit_breakers", "request_timeout"},
          [&](const std::string& key, const YAML::Node& v, const std::string& p) {
            if (key == "type") {
              const std::string type = r.read_string(v, p);
              if (type == "poisson") {
                ip.poisson = true;  // poisson_timer.h
              } else if (type != "constant") {
                r.problem(v, fmt::format("{} must be constant or poisson, got \"{}\"{}", p, type,
                                         config::did_you_mean(type, {"constant", "poisson"})));
              }
            } else if (key == "interval") {
              const size_t problems_before = r.problems().size();
              const double s = r.read_float(v, p);
              if (r.problems().size() > problems_before) return;
              if (!std::isfinite(s) || s < 0 || s > static_cast<double>(core::limits::kMaxStageDurationSeconds)) {
                r.problem(v, fmt::format("{} must be between 0 and {} seconds, got {}", p,
                                         core::limits::kMaxStageDurationSeconds, metrics::go_format_g(s)));
              } else {
                ip.interval_us = std::llround(s * 1e6);
              }
            } else if (key == "stages") {
              if (v.IsNull()) return;
              if (!v.IsSequence()) {
                r.problem(v, p + " must be a list of {rate, duration}");
                return;
              }
              if (v.size() > static_cast<size_t>(core::limits::kMaxInferencePerfStages)) {
                r.problem(v, fmt::format("{} must have at most {} stages (docs/safety.md), got {}", p,
                                         core::limits::kMaxInferencePerfStages, v.size()));
                return;
              }
              for (size_t i = 0; i < v.size(); ++i) {
                const std::string item = fmt::format("{}[{}]", p, i);
                InferencePerfStage stage;
                bool has_rate = false, has_duration = false;
                members(r, v[i], item, {"rate", "duration"}, [&](const std::string& k, const YAML::Node& x,
                                                                  const std::string& xp) {
                  const size_t problems_before = r.problems().size();
                  if (k == "rate") {
                    has_rate = true;
                    stage.rate = r.read_float(x, xp);
                    if (r.problems().size() > problems_before) return;  // not a number: said
                    if (!std::isfinite(stage.rate) || stage.rate <= 0) {
                      r.problem(x, fmt::format("{} must be a finite number > 0 (requests per second), got {}", xp,
                                               metrics::go_format_g(stage.rate)));
                    }
                  } else {
                    has_duration = true;
                    stage.duration = read_whole(r, x, xp);
                    if (r.problems().size() > problems_before) return;
                    if (stage.duration <= 0 || stage.duration > core::limits::kMaxStageDurationSeconds) {
                      r.problem(x, fmt::format("{} must be between 1 and {} seconds, got {}", xp,
                                               core::limits::kMaxStageDurationSeconds, stage.duration));
                    }
                  }
                });
                if (v[i].IsMap() && (!has_rate || !has_duration)) {
                  r.problem(v[i], fmt::format("{} needs both rate and duration (the harness has no default for them)", item));
                }
                if (stage.rate * static_cast<double>(stage.duration) >= 9.0e18) {
                  r.problem(v[i], fmt::format("{}: rate x duration must be below 9e18 requests", item));
                }
                ip.stages.push_back(stage);
              }
            } else if (key == "sweep") {
              if (!v.IsNull()) {
                r.problem(v, p + ": a sweep (stages chosen by probing the server) is not supported; give load.stages");
              }
            }
            // num_workers, worker_max_*, circuit_breakers, request_timeout: how the harness sends,
            // not what (header comment).
          });
}

void read_shared_prefix(SchemaReader& r, const YAML::Node& node, const std::string& path, SharedPrefixSpec& sp) {
  const size_t problems_before = r.problems().size();
  members(r, node, path, {"num_groups", "num_prompts_per_group", "system_prompt_len", "question_len", "output_len"},
          [&](const std::string& key, const YAML::Node& v, const std::string& p) {
            int64_t& field = key == "num_groups"              ? sp.num_unique_system_prompts
                             : key == "num_prompts_per_group" ? sp.num_users_per_system_prompt
                             : key == "system_prompt_len"     ? sp.system_prompt_len
                             : key == "question_len"          ? sp.question_len
                                                              : sp.output_len;
            const size_t problems_before = r.problems().size();
            field = read_whole(r, v, p);
            if (r.problems().size() > problems_before) return;  // not a whole number: said
            const bool count = key == "num_groups" || key == "num_prompts_per_group";
            const int64_t least = count || key == "output_len" ? 1 : 0;
            if (field < least || field > core::limits::kMaxTokensPerRequest) {
              r.problem(v, fmt::format("{} must be between {} and {}{}, got {}", p, least,
                                       core::limits::kMaxTokensPerRequest,
                                       key == "output_len" ? " (the server rejects max_tokens 0)" : "", field));
            }
          });
  if (r.problems().size() > problems_before) return;  // the totals below would repeat them
  const double prompts = static_cast<double>(sp.num_unique_system_prompts) *
                         static_cast<double>(sp.num_users_per_system_prompt);
  if (prompts > static_cast<double>(core::limits::kMaxSpecClients)) {
    r.problem(node, fmt::format("{}: num_groups x num_prompts_per_group = {} prompts; at most {} (docs/safety.md)",
                                path, metrics::go_format_g(prompts), core::limits::kMaxSpecClients));
  }
  if (sp.system_prompt_len + sp.question_len <= 0) {
    r.problem(node, path + ": system_prompt_len + question_len must be at least 1 (a request needs a prompt)");
  }
}

void read_data(SchemaReader& r, const YAML::Node& node, const std::string& path, InferencePerfSpec& ip,
               std::string& type) {
  const YAML::Node* shared_prefix = nullptr;
  YAML::Node shared_prefix_node;
  members(r, node, path, {"type", "path", "input_distribution", "output_distribution", "shared_prefix"},
          [&](const std::string& key, const YAML::Node& v, const std::string& p) {
            if (key == "type") {
              type = r.read_string(v, p);
              static const std::vector<std::string> kTypes = {
                  "mock", "shareGPT", "synthetic", "random", "shared_prefix", "cnn_dailymail", "infinity_instruct",
                  "billsum_conversations"};
              if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) {
                r.problem(v, fmt::format("{} must be one of the harness's types (shared_prefix, random, synthetic, "
                                         "shareGPT, mock, cnn_dailymail, infinity_instruct, billsum_conversations), "
                                         "got \"{}\"{}", p, type, config::did_you_mean(type, kTypes)));
              } else if (type != "shared_prefix") {
                r.problem(v, fmt::format("{}: \"{}\" is not supported by blis; supported: shared_prefix", p, type));
              }
            } else if (key == "shared_prefix" && !v.IsNull()) {
              shared_prefix_node = v;
              shared_prefix = &shared_prefix_node;
            }
            // path, input/output_distribution: read only by other data types.
          });
  if (shared_prefix != nullptr) {
    SharedPrefixSpec sp{10, 10, 100, 50, 50, false};  // config.py SharedPrefix defaults
    read_shared_prefix(r, *shared_prefix, path + ".shared_prefix", sp);
    ip.shared_prefix = sp;
  }
}

}  // namespace

WorkloadSpecFile parse_config_file(const std::string& text, const std::string& origin) {
  const std::string prefix = fmt::format("reading inference-perf config {}:", origin);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{} line {}: {}", prefix, e.mark.line + 1, e.msg));
  }
  if (!config::strict_yaml::has_document(text) || root.IsNull()) {
    throw Error(prefix + " the file is empty (it needs at least load.stages and data)");
  }
  SchemaReader r;
  InferencePerfSpec ip;
  std::string data_type = "mock";  // config.py DataConfig default
  bool has_data = false;
  members(r, root, "",
          {"api", "data", "load", "metrics", "report", "storage", "server", "tokenizer", "circuit_breakers"},
          [&](const std::string& key, const YAML::Node& v, const std::string& p) {
            if (key == "load") {
              read_load(r, v, p, ip);
            } else if (key == "data") {
              has_data = true;
              read_data(r, v, p, ip, data_type);
            } else if (key == "api") {
              members(r, v, p, {"type", "streaming", "headers"},
                      [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
                        if (k == "type") {
                          const std::string type = r.read_string(x, xp);
                          if (type == "chat") {
                            r.problem(x, xp + ": chat is not supported with shared_prefix data (the harness's "
                                              "generator supports only completion)");
                          } else if (type != "completion") {
                            r.problem(x, fmt::format("{} must be completion or chat, got \"{}\"{}", xp, type,
                                                     config::did_you_mean(type, {"completion", "chat"})));
                          }
                        } else if (k == "streaming") {
                          r.read_bool(x, xp);  // checked; blis measures TTFT either way
                        }
                      });
            } else if (key == "server") {
              if (v.IsNull()) return;
              members(r, v, p, {"type", "model_name", "base_url", "ignore_eos", "api_key"},
                      [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
                        if (k == "ignore_eos" && !x.IsNull() && !r.read_bool(x, xp)) {
                          r.problem(x, xp + ": false is not supported: without ignore_eos the model decides the "
                                            "output lengths; blis sends exactly output_len");
                        }
                      });
            }
            // metrics, report, storage, tokenizer, circuit_breakers: where results go and how the
            // server is watched, nothing that is sent (header comment).
          });
  if (r.problems().empty()) {
    if (ip.stages.empty()) r.problem(root, "load.stages: at least one stage is required");
    if (data_type == "mock" && !has_data) r.problem(root, "data: missing; blis needs data.type: shared_prefix");
    else if (data_type == "mock") r.problem(root, "data.type: the default \"mock\" is not supported; supported: shared_prefix");
    else if (data_type == "shared_prefix" && !ip.shared_prefix) {
      r.problem(root, "data.shared_prefix is required for data.type shared_prefix (the harness refuses to run without it)");
    }
  }
  if (!r.problems().empty()) {
    std::string message = prefix;
    for (const std::string& problem : r.problems()) message += (r.problems().size() > 1 ? "\n  " : " ") + problem;
    throw Error(message);
  }
  WorkloadSpecFile spec;
  spec.inference_perf = ip;
  return spec;
}

WorkloadSpecFile load_config_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("reading inference-perf config: open {}: {}", path, core::os_error_text(errno)));
  std::ostringstream buffer;
  buffer << file.rdbuf();
  return parse_config_file(buffer.str(), path);
}

}  // namespace blis::workload::inference_perf
