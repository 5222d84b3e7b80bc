#include "engine/workload/workload_spec.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/config/strict_yaml.h"
#include "engine/core/error.h"
#include "engine/core/input_limits.h"
#include "engine/core/go_strconv.h"
#include "engine/core/os_error.h"
#include "engine/metrics/go_json.h"

namespace blis::workload {

namespace {

using config::strict_yaml::SchemaReader;

// Where the reference reads a value without checking it, a "line N: <path> must ..." problem
// like a type error's (docs/deviations.md, "Input validation"; docs/safety.md, "Input limits").
void check_finite(SchemaReader& r, const YAML::Node& node, const std::string& path, double v) {
  if (!std::isfinite(v)) r.problem(node, fmt::format("{} must be a finite number, got {}", path, metrics::go_format_g(v)));
}

void check_at_most(SchemaReader& r, const YAML::Node& node, const std::string& path, double v, int64_t limit,
                   const char* what) {
  if (v > static_cast<double>(limit)) {
    r.problem(node, fmt::format("{} must be at most {} ({}; docs/safety.md), got {}", path, limit, what,
                                metrics::go_format_g(v)));
  }
}

// `finite`: the distribution is one the reference never validates (multimodal, reason ratio);
// input and output distributions keep the reference's own finiteness check and message.
void check_dist_values(SchemaReader& r, const DistSpec& d, const std::vector<std::pair<YAML::Node, std::string>>& at,
                       bool finite) {
  using core::limits::kMaxEmpiricalBins;
  using core::limits::kMaxTokensPerRequest;
  static const std::pair<const char*, const char*> kTokenParams[] = {
      {"constant", "value"}, {"gaussian", "mean"}, {"gaussian", "min"}, {"gaussian", "max"},
      {"exponential", "mean"}, {"pareto_lognormal", "xm"}};
  for (size_t i = 0; i < d.params.size(); ++i) {
    const auto& [name, value] = d.params[i];
    const auto& [node, path] = at[i];
    if (finite) check_finite(r, node, path, value);
    for (const auto& [type, param] : kTokenParams) {
      if (d.type == type && name == param) check_at_most(r, node, path, value, kMaxTokensPerRequest, "tokens per request");
    }
    if (d.type == "empirical") {
      // A key that is not an integer is reported when the sampler is built, as the reference does.
      int64_t tokens = 0;
      std::string why;
      if (scan_empirical_key(name, tokens, why) && tokens > kMaxTokensPerRequest) {
        r.problem(node, fmt::format("{}: empirical key {} must be at most {} (tokens per request; docs/safety.md)",
                                    path, tokens, kMaxTokensPerRequest));
      }
    }
  }
  if (d.type == "empirical" && static_cast<int64_t>(d.params.size()) > kMaxEmpiricalBins) {
    r.problem(at.front().first, fmt::format("{}: an empirical PDF may have at most {} bins (docs/safety.md), got {}",
                                            at.front().second, kMaxEmpiricalBins, d.params.size()));
  }
}

DistSpec read_dist(SchemaReader& r, const YAML::Node& node, const std::string& path, bool finite = false) {
  DistSpec d;
  if (!r.expect_mapping(node, "workload.DistSpec", path)) return d;
  std::vector<std::pair<YAML::Node, std::string>> param_at;  // per d.params entry
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    if (key == "type") {
      d.type = r.read_string(v, p);
    } else if (key == "file") {
      d.file = r.read_string(v, p);
    } else if (key == "params") {
      if (r.expect_mapping(v, "map[string]float64", p)) {
        r.for_each_member(v, p, [&](const std::string& name, const YAML::Node& x, const std::string& xp) {
          d.params.emplace_back(name, r.read_float(x, xp));
          param_at.emplace_back(x, xp);
          return true;
        });
      }
    } else {
      return false;
    }
    return true;
  });
  check_dist_values(r, d, param_at, finite);
  return d;
}

std::vector<LifecycleWindow> read_windows(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  std::vector<LifecycleWindow> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    r.type_error(node, "[]workload.ActiveWindow", path);
    return out;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    if (node[i].IsNull()) continue;  // yaml.v3 drops null items of a struct sequence
    const std::string item = fmt::format("{}[{}]", path, i);
    LifecycleWindow w;
    if (r.expect_mapping(node[i], "workload.ActiveWindow", item)) {
      r.for_each_member(node[i], item, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
        if (key == "start_us") w.start_us = r.read_int(v, p);
        else if (key == "end_us") w.end_us = r.read_int(v, p);
        else return false;
        return true;
      });
    }
    out.push_back(w);
  }
  return out;
}

ClientSpec read_client(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  ClientSpec c;
  if (!r.expect_mapping(node, "workload.ClientSpec", path)) return c;
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    if (key == "id") {
      c.id = r.read_string(v, p);
    } else if (key == "tenant_id") {
      c.tenant_id = r.read_string(v, p);
    } else if (key == "slo_class") {
      c.slo_class = r.read_string(v, p);
    } else if (key == "rate_fraction") {
      c.rate_fraction = r.read_float(v, p);
      check_finite(r, v, p, c.rate_fraction);
    } else if (key == "arrival") {
      if (r.expect_mapping(v, "workload.ArrivalSpec", p)) {
        r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
          if (k == "process") c.arrival.process = r.read_string(x, xp);
          else if (k == "cv") c.arrival.cv = x.IsNull() ? std::nullopt : std::optional(r.read_float(x, xp));
          else return false;
          return true;
        });
      }
    } else if (key == "input_distribution") {
      c.input = read_dist(r, v, p);
    } else if (key == "output_distribution") {
      c.output = read_dist(r, v, p);
    } else if (key == "prefix_group") {
      c.prefix_group = r.read_string(v, p);
    } else if (key == "prefix_length") {
      c.prefix_length = r.read_int(v, p);
      check_at_most(r, v, p, static_cast<double>(c.prefix_length), core::limits::kMaxTokensPerRequest,
                    "tokens per request");
    } else if (key == "streaming") {
      c.streaming = r.read_bool(v, p);
    } else if (key == "network") {
      if (r.expect_mapping(v, "workload.NetworkSpec", p)) {
        NetworkSpec n;
        r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
          if (k == "rtt_ms") n.rtt_ms = r.read_float(x, xp);
          else if (k == "bandwidth_mbps") n.bandwidth_mbps = r.read_float(x, xp);
          else return false;
          return true;
        });
        c.network = n;
      }
    } else if (key == "lifecycle") {
      if (r.expect_mapping(v, "workload.LifecycleSpec", p)) {
        std::vector<LifecycleWindow> windows;
        r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
          if (k != "windows") return false;
          windows = read_windows(r, x, xp);
          return true;
        });
        c.lifecycle = windows;
      }
    } else if (key == "multimodal") {
      if (r.expect_mapping(v, "workload.MultimodalSpec", p)) {
        MultimodalSpec m;
        r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
          if (k == "text_distribution") m.text = read_dist(r, x, xp, true);
          else if (k == "image_distribution") m.image = read_dist(r, x, xp, true);
          else if (k == "image_count_distribution") m.image_count = read_dist(r, x, xp, true);
          else if (k == "audio_distribution") m.audio = read_dist(r, x, xp, true);
          else if (k == "audio_count_distribution") m.audio_count = read_dist(r, x, xp, true);
          else if (k == "video_distribution") m.video = read_dist(r, x, xp, true);
          else if (k == "video_count_distribution") m.video_count = read_dist(r, x, xp, true);
          else return false;
          return true;
        });
        c.multimodal = m;
      }
    } else if (key == "reasoning") {
      if (r.expect_mapping(v, "workload.ReasoningSpec", p)) {
        ReasoningSpec rs;
        r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
          if (k == "reason_ratio_distribution") {
            rs.reason_ratio = read_dist(r, x, xp, true);
          } else if (k == "multi_turn") {
            if (r.expect_mapping(x, "workload.MultiTurnSpec", xp)) {
              MultiTurnSpec mt;
              r.for_each_member(x, xp, [&](const std::string& m, const YAML::Node& y, const std::string& yp) {
                if (m == "max_rounds") {
                  mt.max_rounds = r.read_int(y, yp);
                  check_at_most(r, y, yp, static_cast<double>(mt.max_rounds), core::limits::kMaxSessionRounds,
                                "rounds per session, all generated when the session starts");
                }
                else if (m == "think_time_us") mt.think_time_us = r.read_int(y, yp);
                else if (m == "context_growth") mt.context_growth = r.read_string(y, yp);
                else return false;
                return true;
              });
              rs.multi_turn = mt;
            }
          } else {
            return false;
          }
          return true;
        });
        c.reasoning = rs;
      }
    } else {
      return false;
    }
    return true;
  });
  return c;
}

InferencePerfSpec read_inference_perf(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  InferencePerfSpec ip;
  if (!r.expect_mapping(node, "workload.InferencePerfSpec", path)) return ip;
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    if (key == "stages") {
      if (v.IsNull()) return true;
      if (!v.IsSequence()) {
        r.type_error(v, "[]workload.StageSpec", p);
        return true;
      }
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i].IsNull()) continue;  // yaml.v3 drops null items of a struct sequence
        const std::string item = fmt::format("{}[{}]", p, i);
        InferencePerfStage s;
        if (r.expect_mapping(v[i], "workload.StageSpec", item)) {
          r.for_each_member(v[i], item, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
            if (k == "rate") {
              s.rate = r.read_float(x, xp);
            } else if (k == "duration") {
              s.duration = r.read_int(x, xp);
              check_at_most(r, x, xp, static_cast<double>(s.duration), core::limits::kMaxStageDurationSeconds,
                            "seconds per stage");
            } else {
              return false;
            }
            return true;
          });
        }
        ip.stages.push_back(s);
      }
      check_at_most(r, v, p, static_cast<double>(ip.stages.size()), core::limits::kMaxInferencePerfStages,
                    "stages");
    } else if (key == "shared_prefix") {
      if (r.expect_mapping(v, "workload.SharedPrefixSpec", p)) {
        SharedPrefixSpec sp;
        r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
          int64_t* length = nullptr;
          if (k == "num_unique_system_prompts") sp.num_unique_system_prompts = r.read_int(x, xp);
          else if (k == "num_users_per_system_prompt") sp.num_users_per_system_prompt = r.read_int(x, xp);
          else if (k == "system_prompt_len") length = &sp.system_prompt_len;
          else if (k == "question_len") length = &sp.question_len;
          else if (k == "output_len") length = &sp.output_len;
          else if (k == "enable_multi_turn_chat") sp.enable_multi_turn_chat = r.read_bool(x, xp);
          else return false;
          if (length != nullptr) {
            *length = r.read_int(x, xp);
            check_at_most(r, x, xp, static_cast<double>(*length), core::limits::kMaxTokensPerRequest,
                          "tokens per request");
          }
          return true;
        });
        // Expansion makes one client per user: the count is checked before anything is built.
        const double users = static_cast<double>(sp.num_unique_system_prompts) *
                             static_cast<double>(sp.num_users_per_system_prompt);
        if (sp.num_unique_system_prompts > 0 && sp.num_users_per_system_prompt > 0 &&
            users > static_cast<double>(core::limits::kMaxSpecClients)) {
          r.problem(v, fmt::format("{}: num_unique_system_prompts * num_users_per_system_prompt = {} clients; at most "
                                   "{} (docs/safety.md)", p, metrics::go_format_g(users), core::limits::kMaxSpecClients));
        }
        ip.shared_prefix = sp;
      }
    } else {
      return false;
    }
    return true;
  });
  return ip;
}

std::string f6(double v) { return metrics::go_format_fixed(v, 6); }

void validate_dist(const DistSpec& d, const std::string& where) {
  static const char* const kTypes[] = {"gaussian", "exponential", "pareto_lognormal", "empirical", "constant"};
  if (std::find(std::begin(kTypes), std::end(kTypes), d.type) == std::end(kTypes)) {
    throw Error(fmt::format("{}: unknown distribution type {}; valid: gaussian, exponential, pareto_lognormal, "
                            "empirical, constant", where, core::go::quote(d.type)));
  }
  for (const auto& [name, value] : d.params) {
    if (!std::isfinite(value)) throw Error(fmt::format("{}.params.{} must be a finite number, got {}", where, name, f6(value)));
  }
}

}  // namespace

WorkloadSpecFile parse_workload_spec(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("parsing workload spec: {}: line {}: {}", origin, e.mark.line + 1, e.msg));
  }
  if (root.IsNull() && !config::strict_yaml::has_document(text)) {
    throw Error(fmt::format("parsing workload spec: EOF ({} holds no YAML document)", origin));
  }
  return workload_spec_from_node(root, origin);
}

WorkloadSpecFile workload_spec_from_node(const YAML::Node& root, const std::string& origin) {
  WorkloadSpecFile spec;
  spec.origin = origin;
  SchemaReader r;
  if (r.expect_mapping(root, "workload.WorkloadSpec", "top level")) {
    r.for_each_member(root, "", [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      if (key == "version") {
        spec.version = r.read_string(v, p);
      } else if (key == "seed") {
        spec.seed = r.read_int(v, p);
      } else if (key == "category") {
        spec.category = r.read_string(v, p);
      } else if (key == "aggregate_rate") {
        spec.aggregate_rate = r.read_float(v, p);
        check_finite(r, v, p, spec.aggregate_rate);
      } else if (key == "horizon") {
        spec.horizon = r.read_int(v, p);
      } else if (key == "num_requests") {
        spec.num_requests = r.read_int(v, p);
      } else if (key == "clients") {
        if (!v.IsNull()) {
          if (!v.IsSequence()) {
            r.type_error(v, "[]workload.ClientSpec", p);
          } else {
            for (size_t i = 0; i < v.size(); ++i) {
              if (v[i].IsNull()) continue;  // yaml.v3 drops null items of a struct sequence
              spec.clients.push_back(read_client(r, v[i], fmt::format("{}[{}]", p, i)));
            }
          }
        }
      } else if (key == "servegen_data") {
        if (r.expect_mapping(v, "workload.ServeGenDataSpec", p)) {
          ServeGenSpec sg;
          r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& xp) {
            if (k == "path") sg.path = r.read_string(x, xp);
            else if (k == "span_start") sg.span_start = r.read_int(x, xp);
            else if (k == "span_end") sg.span_end = r.read_int(x, xp);
            else return false;
            return true;
          });
          spec.servegen_data = sg;
        }
      } else if (key == "inference_perf") {
        spec.inference_perf = read_inference_perf(r, v, p);
      } else {
        return false;
      }
      return true;
    });
  }
  if (!r.problems().empty()) {
    std::string message = fmt::format("parsing workload spec: {}:", origin);
    for (const std::string& problem : r.problems()) message += (r.problems().size() > 1 ? "\n  " : " ") + problem;
    throw Error(message);
  }
  return spec;
}

WorkloadSpecFile load_workload_spec(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("reading workload spec: open {}: {}", path, core::os_error_text(errno)));
  std::ostringstream buffer;
  buffer << file.rdbuf();
  WorkloadSpecFile spec = parse_workload_spec(buffer.str(), path);
  spec.base_dir = std::filesystem::path(path).parent_path().string();
  return spec;
}

void validate_workload_spec(const WorkloadSpecFile& spec) {
  using core::go::quote;
  if (!spec.category.empty() && spec.category != "language" && spec.category != "multimodal" &&
      spec.category != "reasoning") {
    throw Error(fmt::format("unknown category {}; valid: language, multimodal, reasoning", quote(spec.category)));
  }
  // NOTE 18: written as "<= 0" rejections, so NaN and +Inf pass, as in the reference (the reader
  // rejects non-finite rates and fractions first, with their lines: docs/deviations.md).
  if (spec.aggregate_rate <= 0) throw Error(fmt::format("aggregate_rate must be positive, got {}", f6(spec.aggregate_rate)));
  if (spec.clients.empty() && !spec.servegen_data) throw Error("at least one client or servegen_data path required");
  for (size_t i = 0; i < spec.clients.size(); ++i) {
    const ClientSpec& c = spec.clients[i];
    if (!c.slo_class.empty() && c.slo_class != "realtime" && c.slo_class != "interactive" && c.slo_class != "batch") {
      throw Error(fmt::format("client[{}]: unknown slo_class {}; valid: realtime, interactive, batch", i, quote(c.slo_class)));
    }
    if (c.rate_fraction <= 0) throw Error(fmt::format("client[{}]: rate_fraction must be positive, got {}", i, f6(c.rate_fraction)));
    if (c.arrival.process != "poisson" && c.arrival.process != "gamma" && c.arrival.process != "weibull") {
      throw Error(fmt::format("client[{}]: unknown arrival process {}; valid: poisson, gamma, weibull", i,
                              quote(c.arrival.process)));
    }
    if (c.arrival.cv) {
      const double cv = *c.arrival.cv;
      if (c.arrival.process == "weibull" && (cv < 0.01 || cv > 10.4)) {
        throw Error(fmt::format("client[{}]: weibull CV must be in [0.01, 10.4], got {}", i, f6(cv)));
      }
      if (!std::isfinite(cv)) throw Error(fmt::format("client[{}].cv must be a finite number, got {}", i, f6(cv)));
      if (cv <= 0) throw Error(fmt::format("client[{}].cv must be positive, got {}", i, f6(cv)));
    }
    if (c.prefix_length < 0) throw Error(fmt::format("client[{}]: prefix_length must be non-negative, got {}", i, c.prefix_length));
    validate_dist(c.input, fmt::format("client[{}].input_distribution", i));
    validate_dist(c.output, fmt::format("client[{}].output_distribution", i));
  }
}

}  // namespace blis::workload
