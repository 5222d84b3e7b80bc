#include "engine/latency/profiled/layer_profile.h"

#include <filesystem>
#include <fmt/format.h>
#include <vector>

#include "engine/core/error.h"

namespace blis::latency::profiled {

namespace {

// layer,<size>,time_us -> one curve per layer over <size>.
std::map<std::string, PiecewiseLinear> read_curves(const std::string& path, const char* size_column) {
  const CsvTable t = read_csv_table(path, {"layer", size_column, "time_us"}, true);
  std::map<std::string, std::map<double, std::pair<double, int>>> points;
  for (const CsvRow& r : t.rows) {
    const auto [it, fresh] = points[r.label].emplace(r.values[0], std::make_pair(r.values[1], r.line));
    if (!fresh) {
      throw Error(fmt::format("{}:{}:1: layer {} is measured twice at {} {} (also on line {})", path, r.line, r.label,
                              size_column, r.values[0], it->second.second));
    }
  }
  std::map<std::string, PiecewiseLinear> curves;
  for (const auto& [layer, by_size] : points) {
    std::vector<double> xs, ys;
    for (const auto& [x, y] : by_size) {
      xs.push_back(x);
      ys.push_back(y.first);
    }
    curves.emplace(layer, PiecewiseLinear(std::move(xs), std::move(ys)));
  }
  return curves;
}

// tokens,activated_experts,time_us -> one tokens curve per activated-expert count.
MoeTable read_moe_table(const std::string& path) {
  const CsvTable t = read_csv_table(path, {"tokens", "activated_experts", "time_us"}, false);
  std::map<double, std::map<double, std::pair<double, int>>> rows;
  for (const CsvRow& r : t.rows) {
    const auto [it, fresh] = rows[r.values[1]].emplace(r.values[0], std::make_pair(r.values[2], r.line));
    if (!fresh) {
      throw Error(fmt::format("{}:{}:1: {} tokens with {} activated experts are measured twice (also on line {})",
                              path, r.line, r.values[0], r.values[1], it->second.second));
    }
  }
  MoeTable table;
  for (const auto& [activated, by_tokens] : rows) {
    std::vector<double> xs, ys;
    for (const auto& [x, y] : by_tokens) {
      xs.push_back(x);
      ys.push_back(y.first);
    }
    table.add_row(activated, PiecewiseLinear(std::move(xs), std::move(ys)));
  }
  return table;
}

void require_layers(const std::map<std::string, PiecewiseLinear>& curves, const std::string& path,
                    const std::vector<const char*>& names) {
  for (const char* name : names) {
    if (!curves.contains(name)) throw Error(fmt::format("{}: no measurements of layer {}", path, name));
  }
}

}  // namespace

int64_t profile_tp_degree(const std::string& tp_directory) {
  std::filesystem::path dir(tp_directory);
  if (dir.filename().empty()) dir = dir.parent_path();  // a trailing slash
  const std::string name = dir.filename().string();
  if (name.size() < 3 || name.rfind("tp", 0) != 0) return 0;
  int64_t n = 0;
  for (std::size_t i = 2; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || n > 100000) return 0;
    n = n * 10 + (name[i] - '0');
  }
  return n;
}

LayerProfile load_layer_profile(const std::string& tp_directory, int64_t tp) {
  namespace fs = std::filesystem;
  const fs::path dir(tp_directory);
  if (!fs::is_directory(dir)) {
    throw Error(fmt::format("{}: not a profile directory (expected <dtype>/tp<N>/ holding dense.csv, "
                            "per_sequence.csv and attention.csv.gz)", tp_directory));
  }
  LayerProfile p;
  p.directory = tp_directory;
  const std::string dense_path = (dir / "dense.csv").string();
  const std::string seq_path = (dir / "per_sequence.csv").string();
  p.dense = read_curves(dense_path, "tokens");
  p.per_sequence = read_curves(seq_path, "sequences");
  // Llama-family layer names (llmservingsim/profiler/models/llama.yaml, catalog + sequence).
  require_layers(p.dense, dense_path, {"embedding", "layernorm", "final_layernorm"});
  require_layers(p.per_sequence, seq_path, {"lm_head"});
  std::string attention_path = (dir / "attention.csv.gz").string();
  if (!fs::exists(attention_path)) attention_path = (dir / "attention.csv").string();
  p.attention = AttentionGrid(read_csv_table(
      attention_path, {"prefill_chunk", "kv_prefill", "n_decode", "kv_decode", "time_us"}, false));
  std::filesystem::path tp_dir = dir;
  if (tp_dir.filename().empty()) tp_dir = tp_dir.parent_path();
  p.skew = load_skew_fit(tp_dir.string(), tp);
  fs::path moe_path = tp_dir / "moe.csv";
  if (!fs::exists(moe_path)) moe_path = tp_dir.parent_path() / "tp1" / "moe.csv";
  if (fs::exists(moe_path)) p.moe = read_moe_table(moe_path.string());
  return p;
}

}  // namespace blis::latency::profiled
