// model_configs/gpus.yaml (docs/catalogs.md). Read with the project's strict YAML reader, which
// reports unknown and repeated keys and values of the wrong type; this file adds the catalog's
// own rules (required fields, positive finite figures, unique names) and turns every problem
// into "FILE:LINE: message", all of them at once, so one run shows everything to fix.
#include "engine/catalog/gpu_catalog.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "engine/config/scenario_where.h"
#include "engine/config/strict_yaml.h"
#include "engine/core/error.h"

namespace blis::catalog {
namespace {

using config::strict_yaml::SchemaReader;

// A figure of the datasheet: its key, where it goes, and whether 0 is meaningful.
struct Figure {
  const char* key;
  double GpuSpec::*member;
  const char* unit;
  bool zero_means_none;  // fp8_tflops: 0 = no FP8 tensor cores
};

constexpr Figure kFigures[] = {
    {"memory_gib", &GpuSpec::memory_gib, "GiB", false},
    {"cuda_memory_gib", &GpuSpec::cuda_memory_gib, "GiB", false},
    {"bf16_tflops", &GpuSpec::bf16_tflops, "dense TFLOP/s", false},
    {"fp8_tflops", &GpuSpec::fp8_tflops, "dense TFLOP/s", true},
    {"memory_bandwidth_tbs", &GpuSpec::memory_bandwidth_tbs, "TB/s", false},
    {"interconnect_gbs", &GpuSpec::interconnect_gbs, "GB/s per direction", false},
    {"host_link_gbs", &GpuSpec::host_link_gbs, "GB/s per direction", false},
    {"collective_gbs", &GpuSpec::collective_gbs, "GB/s per direction", false},
    {"link_latency_us", &GpuSpec::link_latency_us, "µs per message", false},
    {"usd_per_hour", &GpuSpec::usd_per_hour, "US$ per GPU-hour", false},  // optional (kRequired)
};

// Every key an entry must have (aliases may be left out).
constexpr const char* kRequired[] = {"name",          "memory_gib",       "cuda_memory_gib",
                                     "bf16_tflops",   "fp8_tflops",       "memory_bandwidth_tbs",
                                     "interconnect_gbs", "host_link_gbs", "collective_gbs", "link_latency_us",
                                     "source"};

// A name or alias as read, with the node that gave it (for the line of a duplicate).
struct Spelling {
  std::string text;
  YAML::Node node;
  std::string key_path;
};

struct Entry {
  GpuSpec gpu;
  std::vector<Spelling> spellings;  // the name first, then the aliases
};

class CatalogReader {
 public:
  explicit CatalogReader(SchemaReader& r) : r_(r) {}

  // The strict reader's "unknown key" messages, each with the did-you-mean hint to append.
  const std::map<std::string, std::string>& hints() const { return hints_; }

  // `list` is the gpus sequence: an empty item has no line of its own (yaml-cpp places it at the
  // next token), so it is reported at the list's start, its index naming it.
  std::optional<Entry> read_entry(const YAML::Node& node, const std::string& path, const YAML::Node& list) {
    if (node.IsNull()) {
      r_.problem(list, fmt::format("{} is empty: each item of gpus is one GPU", path));
      return std::nullopt;
    }
    if (!r_.expect_mapping(node, "GpuSpec", path)) return std::nullopt;
    Entry e;
    std::set<std::string> seen;
    // yaml-cpp places an empty value at the next token, often the next line: empty values are
    // reported at their key's line instead.
    key_lines_.clear();
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar()) key_lines_.emplace(it->first.Scalar(), it->first);
    }
    r_.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      seen.insert(key);
      if (key == "name") {
        e.gpu.name = read_text(v, p, true);
        e.spellings.insert(e.spellings.begin(), Spelling{e.gpu.name, v, p});
      } else if (key == "aliases") {
        read_aliases(v, p, e);
      } else if (key == "source") {
        e.gpu.source = read_text(v, p, false);
      } else if (const Figure* f = figure(key)) {
        e.gpu.*(f->member) = read_figure(*f, v, p);
      } else {
        // The strict reader reports the key; the hint is added to its message in parse().
        std::vector<std::string> known(std::begin(kRequired), std::end(kRequired));
        known.emplace_back("aliases");
        known.emplace_back("usd_per_hour");
        if (std::string hint = config::did_you_mean(key, known); !hint.empty()) {
          hints_.emplace(fmt::format("unknown key \"{}\" (at {})", key, p), std::move(hint));
        }
        return false;
      }
      return true;
    });
    std::vector<std::string> missing;
    for (const char* key : kRequired) {
      if (seen.count(key) == 0) missing.emplace_back(key);
    }
    if (!missing.empty()) {
      r_.problem(node, fmt::format("{}{} is missing {}", path, about(e.gpu), fmt::join(missing, ", ")));
    }
    // CUDA reports the memory the driver leaves to processes: never more than the chips hold.
    if (e.gpu.cuda_memory_gib > e.gpu.memory_gib && e.gpu.memory_gib > 0 && key_lines_.count("cuda_memory_gib")) {
      r_.problem(key_lines_.at("cuda_memory_gib"),
                 fmt::format("{}.cuda_memory_gib ({}) must not exceed memory_gib ({}): CUDA reports at most the "
                             "memory the GPU has",
                             path, e.gpu.cuda_memory_gib, e.gpu.memory_gib));
    }
    return e;
  }

 private:
  static const Figure* figure(const std::string& key) {
    for (const Figure& f : kFigures) {
      if (key == f.key) return &f;
    }
    return nullptr;
  }

  static std::string about(const GpuSpec& gpu) {
    return gpu.name.empty() ? "" : fmt::format(" (GPU '{}')", gpu.name);
  }

  // A non-empty string (the strict reader reports a mapping or sequence given instead). A name
  // or alias must keep something once normalized, or it could never be looked up.
  std::string read_text(const YAML::Node& v, const std::string& path, bool is_name) {
    if (v.IsNull()) {
      r_.problem(empty_site(v, path), fmt::format("{} has no value", path));
      return "";
    }
    const size_t before = r_.problems().size();
    std::string text = r_.read_string(v, path);
    if (r_.problems().size() != before) return text;
    if (text.empty()) {
      r_.problem(v, fmt::format("{} must not be empty", path));
    } else if (is_name && normalized_gpu_name(text).empty()) {
      r_.problem(v, fmt::format("{} must contain a letter or digit, got \"{}\"", path, text));
    }
    return text;
  }

  void read_aliases(const YAML::Node& v, const std::string& path, Entry& e) {
    if (v.IsNull()) return;  // "aliases:" with nothing: none
    if (!v.IsSequence()) {
      r_.type_error(v, "[]string", path);
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string item_path = fmt::format("{}[{}]", path, i);
      const std::string alias = read_text(v[i], item_path, true);
      e.gpu.aliases.push_back(alias);
      e.spellings.push_back(Spelling{alias, v[i], item_path});
    }
  }

  double read_figure(const Figure& f, const YAML::Node& v, const std::string& path) {
    if (v.IsNull()) {
      r_.problem(empty_site(v, path), fmt::format("{} has no value (a number of {})", path, f.unit));
      return 0;
    }
    const size_t before = r_.problems().size();
    const double value = r_.read_float(v, path);
    if (r_.problems().size() != before) return 0;  // not a number: already reported
    const bool ok = std::isfinite(value) && (value > 0 || (f.zero_means_none && value == 0));
    if (!ok) {
      r_.problem(v, fmt::format("{} must be a {} number of {}{}, got {}", path,
                                f.zero_means_none ? "finite non-negative" : "positive finite", f.unit,
                                f.zero_means_none ? " (0: none)" : "", v.Scalar()));
    }
    return value;
  }

  // Where an empty value is reported: its key when the key is the entry's own, else the value.
  YAML::Node empty_site(const YAML::Node& v, const std::string& path) const {
    const size_t dot = path.rfind('.');
    const std::string key = dot == std::string::npos ? path : path.substr(dot + 1);
    const auto it = key_lines_.find(key);
    return it == key_lines_.end() ? v : it->second;
  }

  SchemaReader& r_;
  std::map<std::string, YAML::Node> key_lines_;
  std::map<std::string, std::string> hints_;
};

// Two entries may not claim one spelling: --hardware would be ambiguous.
void check_unique(SchemaReader& r, const std::vector<Entry>& entries) {
  struct Claim {
    std::string gpu;
    int line;
  };
  std::map<std::string, Claim> claimed;
  for (const Entry& e : entries) {
    for (const Spelling& s : e.spellings) {
      const std::string key = normalized_gpu_name(s.text);
      if (key.empty()) continue;  // reported when read
      const int line = s.node.Mark().is_null() ? 0 : s.node.Mark().line + 1;
      const auto [it, fresh] = claimed.emplace(key, Claim{e.gpu.name, line});
      if (!fresh) {
        r.problem(s.node, fmt::format("{} \"{}\" is already a name of GPU '{}' (line {}); names match ignoring case, "
                                      "spaces, '-' and '_'",
                                      s.key_path, s.text, it->second.gpu, it->second.line));
      }
    }
  }
}

// "line N: message" (the strict reader's form) becomes "FILE:N: message", with the hint for an
// unknown key appended.
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

std::string normalized_gpu_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    if (c == ' ' || c == '-' || c == '_') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

GpuCatalog GpuCatalog::load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("cannot read GPU catalog {}: no such file or not readable", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) throw Error(fmt::format("cannot read GPU catalog {}", path));
  return parse(text.str(), path);
}

GpuCatalog GpuCatalog::parse(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}:{}: YAML syntax error: {}", path, e.mark.line + 1, e.msg));
  }
  SchemaReader r;
  CatalogReader reader(r);
  std::vector<Entry> entries;
  bool has_list = false;
  if (root.IsNull()) {
    throw Error(fmt::format("{}: the GPU catalog is empty: it needs a 'gpus' list", path));
  }
  if (r.expect_mapping(root, "GpuCatalog", "top level")) {
    r.for_each_member(root, "", [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      if (key != "gpus") return false;
      has_list = true;
      if (!v.IsSequence()) {
        r.type_error(v, "[]GpuSpec", p);
        return true;
      }
      if (v.size() == 0) r.problem(v, "gpus lists no GPUs");
      for (size_t i = 0; i < v.size(); ++i) {
        if (auto e = reader.read_entry(v[i], fmt::format("gpus[{}]", i), v)) entries.push_back(std::move(*e));
      }
      return true;
    });
    if (!has_list && r.problems().empty()) r.problem(root, "the GPU catalog has no 'gpus' list");
  }
  check_unique(r, entries);
  if (!r.problems().empty()) {
    std::string message;
    for (const std::string& p : r.problems()) message += (message.empty() ? "" : "\n") + located(path, p, reader.hints());
    throw Error(message);
  }
  GpuCatalog catalog;
  catalog.path_ = path;
  for (Entry& e : entries) catalog.gpus_.push_back(std::move(e.gpu));
  return catalog;
}

const GpuSpec* GpuCatalog::find(std::string_view name) const {
  const std::string key = normalized_gpu_name(name);
  if (key.empty()) return nullptr;
  for (const GpuSpec& gpu : gpus_) {
    if (normalized_gpu_name(gpu.name) == key) return &gpu;
    for (const std::string& alias : gpu.aliases) {
      if (normalized_gpu_name(alias) == key) return &gpu;
    }
  }
  return nullptr;
}

const GpuSpec& GpuCatalog::get(std::string_view name) const {
  if (const GpuSpec* gpu = find(name)) return *gpu;
  // The hint compares normalized spellings and shows the one the user nearly typed.
  std::vector<std::string> keys;
  std::map<std::string, std::string> spelling_of;
  std::vector<std::string> names;
  for (const GpuSpec& gpu : gpus_) {
    names.push_back(gpu.name);
    std::vector<std::string> spellings = gpu.aliases;
    spellings.insert(spellings.begin(), gpu.name);
    for (const std::string& spelling : spellings) {
      keys.push_back(normalized_gpu_name(spelling));
      spelling_of.emplace(keys.back(), spelling);
    }
  }
  std::string hint;
  if (const auto best = config::closest_name(normalized_gpu_name(name), keys)) {
    hint = fmt::format(" (did you mean '{}'?)", spelling_of.at(*best));
  }
  throw Error(fmt::format("unknown GPU '{}' in {}{}; known GPUs: {} (blis gpus lists them with their aliases)", name,
                          path_, hint, fmt::join(names, ", ")));
}

}  // namespace blis::catalog
