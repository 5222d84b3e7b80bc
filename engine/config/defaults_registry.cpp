// defaults.yaml (engine-core §4.4). The reference decodes it with gopkg.in/yaml.v3 and
// KnownFields(true), so this reader is strict in the same places: an unknown or repeated key
// anywhere, or a value that yaml.v3 cannot convert to the Go field type, is an error. Like
// yaml.v3, all such problems are collected and reported together.
#include "engine/config/defaults_registry.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/ticks.h"
#include "engine/config/strict_yaml.h"

namespace blis::config {
namespace {

using strict_yaml::SchemaReader;
using strict_yaml::has_document;

DefaultDeployment read_deployment(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  DefaultDeployment d;
  if (!r.expect_mapping(node, "DefaultConfig", path)) return d;
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    if (key == "GPU") {
      d.gpu = r.read_string(v, p);
    } else if (key == "tensor_parallelism") {
      d.tensor_parallelism = r.read_int(v, p);
    } else if (key == "vllm_version") {
      d.vllm_version = r.read_string(v, p);
    } else {
      return false;
    }
    return true;
  });
  return d;
}

PresetWorkload read_workload(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  PresetWorkload w;
  if (!r.expect_mapping(node, "Workload", path)) return w;
  // prefix_tokens is optional (multidoc omits it): the zero default is the Go zero value.
  const std::map<std::string, int64_t PresetWorkload::*> fields = {
      {"prefix_tokens", &PresetWorkload::prefix_tokens},
      {"prompt_tokens", &PresetWorkload::prompt_tokens},
      {"prompt_tokens_stdev", &PresetWorkload::prompt_tokens_stdev},
      {"prompt_tokens_min", &PresetWorkload::prompt_tokens_min},
      {"prompt_tokens_max", &PresetWorkload::prompt_tokens_max},
      {"output_tokens", &PresetWorkload::output_tokens},
      {"output_tokens_stdev", &PresetWorkload::output_tokens_stdev},
      {"output_tokens_min", &PresetWorkload::output_tokens_min},
      {"output_tokens_max", &PresetWorkload::output_tokens_max},
  };
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    const auto f = fields.find(key);
    if (f == fields.end()) return false;
    w.*(f->second) = r.read_int(v, p);
    return true;
  });
  return w;
}

CoefficientRow read_row(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  CoefficientRow row;
  if (!r.expect_mapping(node, "Model", path)) return row;
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    if (key == "GPU") {
      row.gpu = r.read_string(v, p);
    } else if (key == "alpha_coeffs") {
      row.alpha = r.read_float_list(v, p);
    } else if (key == "beta_coeffs") {
      row.beta = r.read_float_list(v, p);
    } else if (key == "best_loss") {
      row.best_loss = r.read_float(v, p);  // informational only
    } else if (key == "id") {
      row.id = r.read_string(v, p);
    } else if (key == "tensor_parallelism") {
      row.tensor_parallelism = r.read_int(v, p);
    } else if (key == "total_kv_blocks") {
      row.total_kv_blocks = r.read_int(v, p);
    } else if (key == "vllm_version") {
      row.vllm_version = r.read_string(v, p);
    } else {
      return false;
    }
    return true;
  });
  return row;
}

}  // namespace

DefaultsRegistry DefaultsRegistry::load(const std::string& path, const std::string& missing_note) {
  const std::string where = "defaults file \"" + path + "\"";
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("failed to read " + where + missing_note);
  std::ostringstream buf;
  buf << file.rdbuf();
  const std::string text = buf.str();

  YAML::Node root;
  try {
    root = YAML::Load(text);  // first document only, as yaml.v3's Decoder.Decode
    if (root.IsNull() && !has_document(text)) {
      throw Error("failed to parse " + where + ": the file contains no YAML document");
    }
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("failed to parse {}: line {}: {}", where, e.mark.line + 1, e.msg));
  }

  DefaultsRegistry registry;
  SchemaReader r;
  if (r.expect_mapping(root, "Config", "top level")) {
    r.for_each_member(root, "", [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      if (key == "version") {
        registry.version_ = r.read_string(v, p);
      } else if (key == "defaults") {
        if (r.expect_mapping(v, "map[string]DefaultConfig", p)) {
          r.for_each_member(v, p, [&](const std::string& model, const YAML::Node& e, const std::string& ep) {
            registry.defaults_[model] = read_deployment(r, e, ep);
            return true;
          });
        }
      } else if (key == "workloads") {
        if (r.expect_mapping(v, "map[string]Workload", p)) {
          r.for_each_member(v, p, [&](const std::string& name, const YAML::Node& e, const std::string& ep) {
            registry.workloads_[name] = read_workload(r, e, ep);
            return true;
          });
        }
      } else if (key == "models") {
        if (v.IsSequence()) {
          for (size_t i = 0; i < v.size(); ++i) {
            if (v[i].IsNull()) continue;  // yaml.v3 drops null items of a struct sequence
            registry.rows_.push_back(read_row(r, v[i], fmt::format("models[{}]", i)));
          }
        } else if (!v.IsNull()) {
          r.type_error(v, "[]Model", p);
        }
      } else {
        return false;
      }
      return true;
    });
  }
  if (!r.problems().empty()) {
    std::string joined;
    for (const std::string& p : r.problems()) joined += (joined.empty() ? "" : "; ") + p;
    throw Error("failed to parse " + where + ": " + joined);
  }
  return registry;
}

const DefaultDeployment* DefaultsRegistry::deployment(const std::string& model) const {
  const auto it = defaults_.find(model);
  return it == defaults_.end() ? nullptr : &it->second;
}

// Rows are kept in file order; the reference returns the first full match, which matters for
// the keys that appear twice with different coefficients (§4.4).
const CoefficientRow* DefaultsRegistry::coefficients(const std::string& model, int64_t tp,
                                                     const std::string& gpu,
                                                     const std::string& vllm_version) const {
  for (const CoefficientRow& row : rows_) {
    if (row.id == model && row.tensor_parallelism == tp && row.gpu == gpu &&
        row.vllm_version == vllm_version) {
      return &row;
    }
  }
  return nullptr;
}

const PresetWorkload* DefaultsRegistry::preset(const std::string& name) const {
  const auto it = workloads_.find(name);
  return it == workloads_.end() ? nullptr : &it->second;
}

}  // namespace blis::config
