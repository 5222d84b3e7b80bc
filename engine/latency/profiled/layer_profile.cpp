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

void require_layers(const std::map<std::string, PiecewiseLinear>& curves, const std::string& path,
                    const std::vector<const char*>& names) {
  for (const char* name : names) {
    if (!curves.contains(name)) throw Error(fmt::format("{}: no measurements of layer {}", path, name));
  }
}

}  // namespace

LayerProfile load_layer_profile(const std::string& tp_directory) {
  namespace fs = std::filesystem;
  const fs::path dir(tp_directory);
  if (!fs::is_directory(dir)) {
    throw Error(fmt::format("{}: not a profile directory (expected <dtype>/tp<N>/ holding dense.csv, "
                            "per_sequence.csv and attention.csv.gz)", tp_directory));
  }
  if (fs::exists(dir / "moe.csv")) {
    throw Error(fmt::format("{}: MoE profiles (moe.csv) are not supported by the profiled latency model yet",
                            (dir / "moe.csv").string()));
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
  return p;
}

}  // namespace blis::latency::profiled
