#include "engine/config/policy_bundle.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/config/strict_yaml.h"
#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/core/os_error.h"
#include "engine/metrics/go_json.h"

namespace blis::config {

namespace {

using strict_yaml::SchemaReader;

// A string field: absent, null and "" all mean "not set".
std::optional<std::string> read_name(SchemaReader& r, const YAML::Node& v, const std::string& path) {
  std::string s = r.read_string(v, path);
  if (s.empty()) return std::nullopt;
  return s;
}

// A float field whose presence is tracked: null means absent.
std::optional<double> read_optional_float(SchemaReader& r, const YAML::Node& v, const std::string& path) {
  if (v.IsNull()) return std::nullopt;
  return r.read_float(v, path);
}

void read_scorers(SchemaReader& r, const YAML::Node& node, const std::string& path, PolicyBundle& b) {
  if (node.IsNull()) return;
  if (!node.IsSequence()) {
    r.type_error(node, "[]sim.ScorerConfig", path);
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    if (node[i].IsNull()) continue;  // yaml.v3 drops null items of a struct sequence
    const std::string item_path = fmt::format("{}[{}]", path, i);
    cluster::ScorerWeight w;
    if (r.expect_mapping(node[i], "sim.ScorerConfig", item_path)) {
      r.for_each_member(node[i], item_path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
        if (key == "name") w.name = r.read_string(v, p);
        else if (key == "weight") w.weight = r.read_float(v, p);
        else return false;
        return true;
      });
    }
    b.scorers.push_back(w);
  }
}

std::string valid_options(std::initializer_list<const char*> names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

bool one_of(const std::optional<std::string>& v, std::initializer_list<const char*> names) {
  if (!v) return true;
  for (const char* n : names) {
    if (*v == n) return true;
  }
  return false;
}

void check_float(const char* name, const std::optional<double>& v) {
  if (!v) return;
  if (std::isnan(*v) || std::isinf(*v)) {
    throw Error(fmt::format("{} must be a finite number, got {}", name, metrics::go_format_fixed(*v, 6)));
  }
  if (*v < 0) throw Error(fmt::format("{} must be non-negative, got {}", name, metrics::go_format_fixed(*v, 6)));
}

}  // namespace

PolicyBundle load_policy_bundle(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("reading policy config: open {}: {}", path, core::os_error_text(errno)));
  std::ostringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();

  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("parsing policy config: {}: line {}: {}", path, e.mark.line + 1, e.msg));
  }
  if (root.IsNull() && !strict_yaml::has_document(text)) {
    throw Error(fmt::format("parsing policy config: EOF ({} holds no YAML document)", path));
  }

  PolicyBundle b;
  SchemaReader r;
  if (r.expect_mapping(root, "sim.PolicyBundle", "top level")) {
    r.for_each_member(root, "", [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      if (key == "admission") {
        if (r.expect_mapping(v, "sim.AdmissionConfig", p)) {
          r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& kp) {
            if (k == "policy") b.admission_policy = read_name(r, x, kp);
            else if (k == "token_bucket_capacity") b.token_bucket_capacity = read_optional_float(r, x, kp);
            else if (k == "token_bucket_refill_rate") b.token_bucket_refill_rate = read_optional_float(r, x, kp);
            else return false;
            return true;
          });
        }
      } else if (key == "routing") {
        if (r.expect_mapping(v, "sim.RoutingConfig", p)) {
          r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& kp) {
            if (k == "policy") b.routing_policy = read_name(r, x, kp);
            else if (k == "scorers") read_scorers(r, x, kp, b);
            else return false;
            return true;
          });
        }
      } else if (key == "priority") {
        if (r.expect_mapping(v, "sim.PriorityConfig", p)) {
          r.for_each_member(v, p, [&](const std::string& k, const YAML::Node& x, const std::string& kp) {
            if (k != "policy") return false;
            b.priority_policy = read_name(r, x, kp);
            return true;
          });
        }
      } else if (key == "scheduler") {
        b.scheduler = read_name(r, v, p);
      } else {
        return false;
      }
      return true;
    });
  }
  if (!r.problems().empty()) {
    std::string message = fmt::format("parsing policy config: {}:", path);
    for (const std::string& problem : r.problems()) message += (r.problems().size() > 1 ? "\n  " : " ") + problem;
    throw Error(message);
  }
  return b;
}

void validate_policy_bundle(const PolicyBundle& b) {
  using core::go::quote;
  if (!one_of(b.admission_policy, {"always-admit", "reject-all", "token-bucket"})) {
    throw Error(fmt::format("unknown admission policy {}; valid options: {}", quote(*b.admission_policy),
                            valid_options({"always-admit", "reject-all", "token-bucket"})));
  }
  static const std::initializer_list<const char*> kRouting = {"always-busiest", "least-loaded", "prefix-affinity",
                                                              "round-robin", "weighted"};
  if (!one_of(b.routing_policy, kRouting)) {
    throw Error(fmt::format("unknown routing policy {}; valid options: {}", quote(*b.routing_policy),
                            valid_options(kRouting)));
  }
  if (!one_of(b.priority_policy, {"constant", "inverted-slo", "slo-based"})) {
    throw Error(fmt::format("unknown priority policy {}; valid options: {}", quote(*b.priority_policy),
                            valid_options({"constant", "inverted-slo", "slo-based"})));
  }
  static const std::initializer_list<const char*> kSchedulers = {"fcfs", "priority-fcfs", "reverse-priority", "sjf"};
  if (!one_of(b.scheduler, kSchedulers)) {
    throw Error(fmt::format("unknown scheduler {}; valid options: {}", quote(*b.scheduler), valid_options(kSchedulers)));
  }
  check_float("token_bucket_capacity", b.token_bucket_capacity);
  check_float("token_bucket_refill_rate", b.token_bucket_refill_rate);
  for (size_t i = 0; i < b.scorers.size(); ++i) {
    const cluster::ScorerWeight& s = b.scorers[i];
    if (!cluster::is_known_scorer(s.name)) {
      throw Error(fmt::format("routing scorer[{}]: unknown scorer {}; valid: {}", i, quote(s.name),
                              cluster::known_scorer_list()));
    }
    for (size_t j = 0; j < i; ++j) {
      if (b.scorers[j].name == s.name) {
        throw Error(fmt::format("routing scorer[{}]: duplicate scorer {}; each scorer may appear at most once", i,
                                quote(s.name)));
      }
    }
    if (!(s.weight > 0) || std::isinf(s.weight)) {
      throw Error(fmt::format("routing scorer[{}] {}: weight must be a finite positive number, got {}", i,
                              quote(s.name), metrics::go_format_g(s.weight)));
    }
  }
}

}  // namespace blis::config
