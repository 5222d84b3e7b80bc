#include "engine/latency/profiled/skew_fit.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fmt/format.h>
#include <sstream>

#include "engine/core/error.h"
#include "engine/latency/profiled/csv_table.h"

namespace blis::latency::profiled {

namespace fs = std::filesystem;

std::size_t SkewAxis::bucket(double v) const {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (v <= edges[i + 1]) return i;
  }
  return labels.empty() ? 0 : labels.size() - 1;
}

double SkewFit::alpha(double prefill_chunk, double n_decode, double rate, double kv_decode_max,
                      double kv_prefill) const {
  const double pc = std::floor(prefill_chunk);
  if (pc != prefill_chunk) return alpha_default;  // only a measured chunk size has buckets
  const std::array<int64_t, 5> key{static_cast<int64_t>(pc), static_cast<int64_t>(n.bucket(n_decode)),
                                   static_cast<int64_t>(skew_rate.bucket(std::clamp(rate, 0.0, 1.0))),
                                   static_cast<int64_t>(kv_big.bucket(kv_decode_max)),
                                   static_cast<int64_t>(kp.bucket(kv_prefill))};
  const auto it = alpha_by_bucket.find(key);
  return it == alpha_by_bucket.end() ? alpha_default : it->second;
}

namespace {

// LLMServingSim's _DEFAULT_SKEW_AXES: the axes of a meta.yaml that predates bucket_axes.
SkewFit default_axes() {
  SkewFit f;
  f.n = {{0, 2, 4, 8, 16, 32, 64, 128, 1e6}, {"n<=2", "n<=4", "n<=8", "n<=16", "n<=32", "n<=64", "n<=128", "n>128"}};
  f.kv_big = {{0, 1024, 4096, 16384, 1e9}, {"kvB<=1k", "kvB<=4k", "kvB<=16k", "kvB>16k"}};
  f.skew_rate = {{-0.01, 0.05, 0.15, 0.40, 0.70, 1.01}, {"sr<=5%", "sr<=15%", "sr<=40%", "sr<=70%", "sr>70%"}};
  f.kp = {{-1, 0, 2048, 1e9}, {"kp=0", "kp<=2k", "kp>2k"}};
  return f;
}

SkewAxis read_axis(const YAML::Node& axes, const std::string& name, const std::string& meta) {
  SkewAxis a;
  try {
    const YAML::Node bins = axes[name + "_bins"], labels = axes[name + "_labels"];
    if (!bins.IsDefined() || !labels.IsDefined() || !bins.IsSequence() || !labels.IsSequence()) {
      throw Error(fmt::format("{}: skew_fit.bucket_axes needs the lists {}_bins and {}_labels", meta, name, name));
    }
    for (const auto& b : bins) a.edges.push_back(b.as<double>());
    for (const auto& l : labels) a.labels.push_back(l.as<std::string>());
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}: skew_fit.bucket_axes.{}: {}", meta, name, e.what()));
  }
  if (a.labels.empty() || a.edges.size() != a.labels.size() + 1) {
    throw Error(fmt::format("{}: skew_fit.bucket_axes.{}_bins must have one value more than {}_labels", meta, name,
                            name));
  }
  return a;
}

std::size_t label_index(const SkewAxis& axis, const std::string& label, const std::string& where) {
  const auto it = std::find(axis.labels.begin(), axis.labels.end(), label);
  if (it == axis.labels.end()) throw Error(fmt::format("{}: unknown bucket label \"{}\"", where, label));
  return static_cast<std::size_t>(it - axis.labels.begin());
}

double parse_number(const std::string& s, const std::string& where) {
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    throw Error(fmt::format("{}: \"{}\" is not a number", where, s));
  }
  return v;
}

// pc,n_label,skew_rate_label,kv_big_label,kp_label,alpha,n_samples
void read_bucket_table(const std::string& path, SkewFit& fit) {
  std::istringstream in(read_maybe_gzipped(path));
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (line_no == 1) {
      if (line.rfind("pc,n_label,skew_rate_label,kv_big_label,kp_label,alpha", 0) != 0) {
        throw Error(fmt::format("{}:1:1: expected the header pc,n_label,skew_rate_label,kv_big_label,kp_label,alpha,"
                                "n_samples", path));
      }
      continue;
    }
    const std::string where = fmt::format("{}:{}", path, line_no);
    if (f.size() < 6) throw Error(fmt::format("{}:1: expected at least 6 fields, got {}", where, f.size()));
    const std::array<int64_t, 5> key{
        static_cast<int64_t>(parse_number(f[0], where + ":1")),
        static_cast<int64_t>(label_index(fit.n, f[1], where + ":2")),
        static_cast<int64_t>(label_index(fit.skew_rate, f[2], where + ":3")),
        static_cast<int64_t>(label_index(fit.kv_big, f[3], where + ":4")),
        static_cast<int64_t>(label_index(fit.kp, f[4], where + ":5"))};
    if (!fit.alpha_by_bucket.emplace(key, parse_number(f[5], where + ":6")).second) {
      throw Error(fmt::format("{}:1: this bucket is listed twice", where));
    }
  }
}

}  // namespace

std::optional<SkewFit> load_skew_fit(const std::string& tp_directory, int64_t tp) {
  const fs::path dir(tp_directory);
  const fs::path meta = dir.parent_path() / "meta.yaml";
  if (!fs::exists(meta)) return std::nullopt;
  const std::string meta_path = meta.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(meta_path);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}:{}:{}: {}", meta_path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) throw Error(fmt::format("{}: expected a mapping of keys (LLMServingSim's meta.yaml)", meta_path));
  const YAML::Node block = static_cast<const YAML::Node&>(root)["skew_fit"];
  if (!block.IsDefined() || !block.IsMap()) return std::nullopt;
  try {
    if (!block["enabled"].IsDefined() || !block["enabled"].as<bool>()) return std::nullopt;
  } catch (const YAML::Exception&) {
    throw Error(fmt::format("{}: skew_fit.enabled must be true or false", meta_path));
  }
  SkewFit fit = default_axes();
  if (const YAML::Node axes = block["bucket_axes"]; axes.IsDefined() && axes.IsMap()) {
    fit.n = read_axis(axes, "n", meta_path);
    fit.skew_rate = read_axis(axes, "skew_rate", meta_path);
    fit.kv_big = read_axis(axes, "kv_big", meta_path);
    fit.kp = read_axis(axes, "kp", meta_path);
  }
  // The pooled alpha of this TP's entry, else of the block. (yaml-cpp: a missing key is an
  // invalid node, so every read is checked with IsDefined first.)
  auto number = [&](const YAML::Node& n, const std::string& key) {
    try {
      return n.as<double>();
    } catch (const YAML::Exception&) {
      throw Error(fmt::format("{}: skew_fit.{} must be a number", meta_path, key));
    }
  };
  bool has_entry = false;
  if (block["alpha_default"].IsDefined()) fit.alpha_default = number(block["alpha_default"], "alpha_default");
  const YAML::Node per_tp = block["per_tp"];
  if (per_tp.IsDefined() && per_tp.IsMap()) {
    for (const auto& kv : per_tp) {
      if (kv.first.as<std::string>() != std::to_string(tp) || !kv.second.IsMap()) continue;
      has_entry = true;
      const YAML::Node a = kv.second["alpha_default"];
      if (a.IsDefined()) fit.alpha_default = number(a, "per_tp." + std::to_string(tp) + ".alpha_default");
    }
  }
  if (!has_entry) return fit;  // no fit for this TP: the pooled default only
  // The bucket table sits next to the other tables (the meta names it tp<N>/skew_fit.csv; the
  // published bundles gzip it).
  for (const char* name : {"skew_fit.csv.gz", "skew_fit.csv"}) {
    if (fs::exists(dir / name)) {
      read_bucket_table((dir / name).string(), fit);
      break;
    }
  }
  return fit;
}

}  // namespace blis::latency::profiled
