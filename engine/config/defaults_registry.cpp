#include "engine/config/defaults_registry.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "engine/core/error.h"

namespace blis::config {

namespace {

// Reads one YAML node strictly: every key must be known, every value of the expected type;
// errors name the file, the key path and the line.
class StrictReader {
 public:
  explicit StrictReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& what) const {
    throw Error(fmt::format("{}:{}: {}: {}", file_, node.Mark().line + 1, path, what));
  }

  void expect_map(const YAML::Node& node, const std::string& path) const {
    if (!node.IsMap()) fail(node, path, "expected a mapping");
  }

  void only_keys(const YAML::Node& node, const std::string& path, const std::set<std::string>& allowed) const {
    expect_map(node, path);
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      if (allowed.count(key) == 0) fail(kv.first, path.empty() ? key : path + "." + key, "unknown key");
    }
  }

  template <class T>
  T scalar(const YAML::Node& parent, const std::string& key, const std::string& path, bool required,
           T fallback = T{}) const {
    const YAML::Node node = parent[key];
    if (!node) {
      if (required) fail(parent, path + "." + key, "missing key");
      return fallback;
    }
    if (!node.IsScalar()) fail(node, path + "." + key, "expected a scalar value");
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      fail(node, path + "." + key, "value has the wrong type");
    }
  }

  std::vector<double> numbers(const YAML::Node& parent, const std::string& key, const std::string& path) const {
    const YAML::Node node = parent[key];
    if (!node || !node.IsSequence()) fail(node ? node : parent, path + "." + key, "expected a list of numbers");
    std::vector<double> out;
    for (const auto& item : node) {
      try {
        out.push_back(item.as<double>());
      } catch (const YAML::Exception&) {
        fail(item, path + "." + key, "expected a number");
      }
    }
    return out;
  }

 private:
  std::string file_;
};

}  // namespace

DefaultsRegistry DefaultsRegistry::load(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw Error(fmt::format("cannot read defaults file {}", path));
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  const StrictReader reader(path);
  DefaultsRegistry registry;
  reader.only_keys(root, "", {"defaults", "workloads", "models", "version"});
  if (root["version"]) registry.version_ = reader.scalar<std::string>(root, "version", "", false);
  if (const YAML::Node defaults = root["defaults"]) {
    reader.expect_map(defaults, "defaults");
    for (const auto& kv : defaults) {
      const std::string model = kv.first.as<std::string>();
      const std::string p = "defaults." + model;
      reader.only_keys(kv.second, p, {"GPU", "tensor_parallelism", "vllm_version"});
      DefaultDeployment d;
      d.gpu = reader.scalar<std::string>(kv.second, "GPU", p, false);
      d.tensor_parallelism = reader.scalar<int64_t>(kv.second, "tensor_parallelism", p, false);
      d.vllm_version = reader.scalar<std::string>(kv.second, "vllm_version", p, false);
      registry.defaults_[model] = d;
    }
  }
  if (const YAML::Node workloads = root["workloads"]) {
    reader.expect_map(workloads, "workloads");
    for (const auto& kv : workloads) {
      const std::string name = kv.first.as<std::string>();
      const std::string p = "workloads." + name;
      reader.only_keys(kv.second, p,
                       {"prefix_tokens", "prompt_tokens", "prompt_tokens_stdev", "prompt_tokens_min", "prompt_tokens_max",
                        "output_tokens", "output_tokens_stdev", "output_tokens_min", "output_tokens_max"});
      PresetWorkload w;
      w.prefix_tokens = reader.scalar<int64_t>(kv.second, "prefix_tokens", p, false);
      w.prompt_tokens = reader.scalar<int64_t>(kv.second, "prompt_tokens", p, false);
      w.prompt_tokens_stdev = reader.scalar<int64_t>(kv.second, "prompt_tokens_stdev", p, false);
      w.prompt_tokens_min = reader.scalar<int64_t>(kv.second, "prompt_tokens_min", p, false);
      w.prompt_tokens_max = reader.scalar<int64_t>(kv.second, "prompt_tokens_max", p, false);
      w.output_tokens = reader.scalar<int64_t>(kv.second, "output_tokens", p, false);
      w.output_tokens_stdev = reader.scalar<int64_t>(kv.second, "output_tokens_stdev", p, false);
      w.output_tokens_min = reader.scalar<int64_t>(kv.second, "output_tokens_min", p, false);
      w.output_tokens_max = reader.scalar<int64_t>(kv.second, "output_tokens_max", p, false);
      registry.workloads_[name] = w;
    }
  }
  if (const YAML::Node models = root["models"]) {
    if (!models.IsSequence()) reader.fail(models, "models", "expected a list");
    size_t i = 0;
    for (const auto& row : models) {
      const std::string p = fmt::format("models[{}]", i++);
      reader.only_keys(row, p,
                       {"GPU", "alpha_coeffs", "beta_coeffs", "best_loss", "id", "tensor_parallelism",
                        "total_kv_blocks", "vllm_version"});
      CoefficientRow r;
      r.id = reader.scalar<std::string>(row, "id", p, false);
      r.gpu = reader.scalar<std::string>(row, "GPU", p, false);
      r.tensor_parallelism = reader.scalar<int64_t>(row, "tensor_parallelism", p, false);
      r.vllm_version = reader.scalar<std::string>(row, "vllm_version", p, false);
      r.alpha = row["alpha_coeffs"] ? reader.numbers(row, "alpha_coeffs", p) : std::vector<double>{};
      r.beta = row["beta_coeffs"] ? reader.numbers(row, "beta_coeffs", p) : std::vector<double>{};
      r.total_kv_blocks = reader.scalar<int64_t>(row, "total_kv_blocks", p, false);
      r.best_loss = reader.scalar<double>(row, "best_loss", p, false);
      registry.rows_.push_back(std::move(r));
    }
  }
  return registry;
}

const DefaultDeployment* DefaultsRegistry::deployment(const std::string& model) const {
  auto it = defaults_.find(model);
  return it == defaults_.end() ? nullptr : &it->second;
}

const CoefficientRow* DefaultsRegistry::coefficients(const std::string& model, int64_t tp, const std::string& gpu,
                                                     const std::string& vllm_version) const {
  for (const CoefficientRow& r : rows_) {
    if (r.id == model && r.tensor_parallelism == tp && r.gpu == gpu && r.vllm_version == vllm_version) return &r;
  }
  return nullptr;
}

const PresetWorkload* DefaultsRegistry::preset(const std::string& name) const {
  auto it = workloads_.find(name);
  return it == workloads_.end() ? nullptr : &it->second;
}

}  // namespace blis::config
