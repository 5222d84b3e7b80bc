// Reading a physics coefficient file with the project's strict YAML reader: unknown and repeated
// keys, wrong types, missing or negative values are all reported at once, each as FILE:LINE.
#include "engine/latency/physics/physics_coefficients.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "engine/config/scenario_where.h"
#include "engine/config/strict_yaml.h"
#include "engine/core/error.h"

namespace blis::latency::physics {
namespace {

using config::strict_yaml::SchemaReader;

constexpr const char* kTopKeys[] = {"source", "fitted_on", "terms", "host"};

struct HostKey {
  const char* key;
  double PhysicsCoefficients::*member;
  bool optional = false;  // absent: 0 (keys added after files were fitted without them)
};
constexpr HostKey kHostKeys[] = {
    {"queueing_us", &PhysicsCoefficients::queueing_us},
    {"queueing_us_tp", &PhysicsCoefficients::queueing_us_tp, true},
    {"queueing_us_per_input_token", &PhysicsCoefficients::queueing_us_per_input_token},
    {"output_token_us", &PhysicsCoefficients::output_token_us},
    {"post_decode_us", &PhysicsCoefficients::post_decode_us},
};

class CoefficientReader {
 public:
  CoefficientReader(SchemaReader& r, PhysicsCoefficients& out) : r_(r), out_(out) {}

  void read(const YAML::Node& root) {
    std::set<std::string> seen;
    r_.for_each_member(root, "", [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      seen.insert(key);
      if (key == "source") {
        out_.source = text(v, p);
        if (out_.source.empty()) r_.problem(v, "source must say where the numbers come from");
      } else if (key == "fitted_on") {
        out_.fitted_on = text(v, p);
      } else if (key == "terms") {
        read_terms(v, p);
      } else if (key == "host") {
        read_host(v, p);
      } else {
        return unknown(key, p, std::vector<std::string>(std::begin(kTopKeys), std::end(kTopKeys)));
      }
      return true;
    });
    std::vector<std::string> missing;
    for (const char* key : kTopKeys) {
      if (seen.count(key) == 0) missing.emplace_back(key);
    }
    if (!missing.empty()) r_.problem(root, fmt::format("missing {}", fmt::join(missing, ", ")));
  }

  const std::map<std::string, std::string>& hints() const { return hints_; }

 private:
  std::string text(const YAML::Node& v, const std::string& path) {
    if (v.IsNull()) return "";
    return r_.read_string(v, path);
  }

  double value(const YAML::Node& v, const std::string& path) {
    if (v.IsNull()) {
      r_.problem(v, fmt::format("{} has no value", path));
      return 0;
    }
    const size_t before = r_.problems().size();
    const double x = r_.read_float(v, path);
    if (r_.problems().size() == before && !(std::isfinite(x) && x >= 0)) {
      r_.problem(v, fmt::format("{} must be a finite number >= 0, got {}", path, v.Scalar()));
    }
    return x;
  }

  bool unknown(const std::string& key, const std::string& path, const std::vector<std::string>& known) {
    if (std::string hint = config::did_you_mean(key, known); !hint.empty()) {
      hints_.emplace(fmt::format("unknown key \"{}\" (at {})", key, path), std::move(hint));
    }
    return false;
  }

  void read_terms(const YAML::Node& node, const std::string& path) {
    if (!r_.expect_mapping(node, "map[string]float64", path)) {
      if (node.IsNull()) r_.problem(node, fmt::format("{} is empty: it needs a coefficient per term", path));
      return;
    }
    const std::vector<std::string> names(kTermNames.begin(), kTermNames.end());
    std::set<std::string> seen;
    r_.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      for (int i = 0; i < kTermCount; ++i) {
        if (key == kTermNames[i]) {
          out_.terms[i] = value(v, p);
          seen.insert(key);
          return true;
        }
      }
      return unknown(key, p, names);
    });
    std::vector<std::string> missing;
    for (const std::string& name : names) {
      if (seen.count(name) == 0) missing.push_back(name);
    }
    if (!missing.empty()) r_.problem(node, fmt::format("{} is missing {}", path, fmt::join(missing, ", ")));
  }

  void read_host(const YAML::Node& node, const std::string& path) {
    if (!r_.expect_mapping(node, "map[string]float64", path)) {
      if (node.IsNull()) r_.problem(node, fmt::format("{} is empty: it needs the host overheads", path));
      return;
    }
    std::vector<std::string> names;
    for (const HostKey& h : kHostKeys) names.emplace_back(h.key);
    std::set<std::string> seen;
    r_.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      for (const HostKey& h : kHostKeys) {
        if (key == h.key) {
          out_.*(h.member) = value(v, p);
          seen.insert(key);
          return true;
        }
      }
      return unknown(key, p, names);
    });
    std::vector<std::string> missing;
    for (const HostKey& h : kHostKeys) {
      if (!h.optional && seen.count(h.key) == 0) missing.emplace_back(h.key);
    }
    if (!missing.empty()) r_.problem(node, fmt::format("{} is missing {}", path, fmt::join(missing, ", ")));
  }

  SchemaReader& r_;
  PhysicsCoefficients& out_;
  std::map<std::string, std::string> hints_;
};

// "line N: message" (the strict reader's form) becomes "FILE:N: message", with the did-you-mean
// hint of an unknown key appended.
std::string located(const std::string& path, const std::string& problem,
                    const std::map<std::string, std::string>& hints) {
  static const std::string kLine = "line ";
  std::string line, message = problem;
  if (problem.rfind(kLine, 0) == 0) {
    const size_t colon = problem.find(": ");
    if (colon != std::string::npos) {
      line = problem.substr(kLine.size(), colon - kLine.size());
      message = problem.substr(colon + 2);
    }
  }
  if (const auto hint = hints.find(message); hint != hints.end()) message += hint->second;
  return line.empty() ? fmt::format("{}: {}", path, message) : fmt::format("{}:{}: {}", path, line, message);
}

}  // namespace

PhysicsCoefficients load_physics_coefficients(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("cannot read physics coefficients {}: no such file or not readable", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) throw Error(fmt::format("cannot read physics coefficients {}", path));
  return parse_physics_coefficients(text.str(), path);
}

PhysicsCoefficients parse_physics_coefficients(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}:{}: YAML syntax error: {}", path, e.mark.line + 1, e.msg));
  }
  if (root.IsNull()) throw Error(fmt::format("{}: the coefficient file is empty", path));
  PhysicsCoefficients out;
  out.path = path;
  SchemaReader r;
  CoefficientReader reader(r, out);
  if (r.expect_mapping(root, "PhysicsCoefficients", "top level")) reader.read(root);
  if (!r.problems().empty()) {
    std::string message;
    for (const std::string& p : r.problems()) message += (message.empty() ? "" : "\n") + located(path, p, reader.hints());
    throw Error(message);
  }
  return out;
}

}  // namespace blis::latency::physics
