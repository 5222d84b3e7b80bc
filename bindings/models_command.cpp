#include "bindings/models_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "engine/catalog/data_dir.h"
#include "engine/catalog/model_catalog.h"
#include "engine/core/error.h"
#include "engine/latency/physics/model_costs.h"
#include "engine/latency/physics/model_shape.h"
#include "engine/metrics/go_json.h"

namespace blis::bindings {
namespace {

namespace physics = latency::physics;

struct Options {
  std::string format = "table";
  std::string root;  // empty: the data folder's hf/ (engine/catalog/data_dir.h)
  bool help = false;
};

Options parse(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      throw Error(fmt::format("blis models takes no model name, got '{}' (for one model: blis model-info "
                              "model_configs/hf/<name>/config.json)",
                              arg));
    }
    const size_t eq = arg.find('=');
    const std::string flag = arg.substr(0, eq);
    if (flag != "--format" && flag != "--catalog") {
      throw Error(fmt::format("unknown flag: {} (see blis models --help)", flag));
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw Error(fmt::format("{} needs a value (see blis models --help)", flag));
    }
    if (flag == "--format") {
      if (value != "table" && value != "json") {
        throw Error(fmt::format("--format must be table or json, got '{}'", value));
      }
      o.format = value;
    } else {
      if (value.empty()) throw Error("--catalog needs a folder name");
      o.root = value;
    }
  }
  return o;
}

// One catalog entry as listed: what a planner compares models by.
struct Entry {
  std::string name;
  physics::ModelShape shape;
  physics::ParameterCounts params;
  double kv_bytes_per_token = 0;  // all layers, one replica (TP 1)
};

std::string billions(double n) { return fmt::format("{:.2f}B", n / 1e9); }

// A quantized checkpoint: its method and the width of its linear weights (the rest, embeddings,
// norms, router, a vision tower, stays in the dtype).
std::string precision(const physics::ModelShape& s) {
  if (s.quantization.empty()) return s.dtype;
  return fmt::format("{} {:g}-bit, {}", s.quantization, s.linear_weight_bytes * 8, s.dtype);
}

std::string kind(const physics::ModelShape& s) {
  if (!s.is_moe()) return "dense";
  return fmt::format("MoE {}/{}", s.experts_per_token, s.num_experts);
}

std::string table(const std::string& root, const std::vector<Entry>& entries) {
  using Row = std::array<std::string, 10>;
  std::vector<Row> rows = {{"NAME", "KIND", "LAYERS", "HIDDEN", "HEADS/KV", "HEAD_DIM", "PARAMS", "ACTIVE",
                            "KV KiB/TOKEN", "WEIGHTS"}};
  for (const Entry& e : entries) {
    const physics::ModelShape& s = e.shape;
    rows.push_back({e.name, kind(s), std::to_string(s.num_layers), std::to_string(s.hidden_size),
                    fmt::format("{}/{}", s.num_heads, s.num_kv_heads), std::to_string(s.head_dim),
                    billions(e.params.total()), billions(e.params.active),
                    fmt::format("{:.0f}", e.kv_bytes_per_token / 1024), precision(s)});
  }
  std::array<size_t, 10> width{};
  for (const Row& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out = fmt::format("Model catalog {} ({} models)\n\n", root, entries.size());
  for (const Row& r : rows) {
    std::string line = fmt::format("{:<{}}  {:<{}}", r[0], width[0], r[1], width[1]);
    for (size_t i = 2; i + 1 < r.size(); ++i) line += fmt::format("  {:>{}}", r[i], width[i]);
    line += "  " + r.back();
    out += line + "\n";
  }
  out +=
      "\nMoE k/E: k of E routed experts per token. ACTIVE: parameters one token uses. KV KiB/TOKEN: the\n"
      "KV cache of one token over all layers in the model's dtype, before tensor parallelism splits it.\n"
      "WEIGHTS: the precision the weights are served in (vLLM's dtype \"auto\"); a quantized checkpoint\n"
      "names its method and linear-weight width. PARAMS includes a multimodal model's vision tower.\n"
      "`blis model-info model_configs/hf/<name>/config.json --tp N` shows one model per GPU, with its\n"
      "vLLM KV block count.\n";
  return out;
}

std::string json(const std::string& root, const std::vector<Entry>& entries) {
  metrics::JsonWriter j;
  j.begin_object();
  j.key("catalog");
  j.value_string(root);
  j.key("models");
  j.begin_array();
  for (const Entry& e : entries) {
    const physics::ModelShape& s = e.shape;
    j.begin_object();
    j.key("name");
    j.value_string(e.name);
    j.key("config");
    j.value_string(s.source);
    j.key("model_type");
    j.value_string(s.model_type);
    const std::pair<const char*, int64_t> ints[] = {
        {"num_layers", s.num_layers},       {"hidden_size", s.hidden_size},
        {"num_heads", s.num_heads},         {"num_kv_heads", s.num_kv_heads},
        {"head_dim", s.head_dim},           {"intermediate_size", s.intermediate_size},
        {"vocab_size", s.vocab_size},       {"num_experts", s.num_experts},
        {"experts_per_token", s.experts_per_token}, {"num_moe_layers", s.num_moe_layers()},
    };
    for (const auto& [key, value] : ints) {
      j.key(key);
      j.value_int(value);
    }
    j.key("dtype");
    j.value_string(s.dtype);
    j.key("quantization");
    j.value_string(s.quantization);
    j.key("parameters");
    j.value_float(e.params.total());
    j.key("active_parameters");
    j.value_float(e.params.active);
    j.key("vision_parameters");  // 0: no vision tower, or one blis cannot count
    j.value_float(e.params.vision);
    j.key("kv_bytes_per_token");
    j.value_float(e.kv_bytes_per_token);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.text() + "\n";
}

}  // namespace

std::string models_help() {
  return fmt::format(
      "usage: blis models [--format table|json] [--catalog DIR]\n\n"
      "Lists the model catalog: every DIR/<name>/config.json (HuggingFace format) with the shape the\n"
      "physics latency model and vLLM-style KV sizing read from it. A scenario or `blis run --model ID`\n"
      "finds a model here by the part of its id after the last '/', ignoring case\n"
      "(meta-llama/Llama-3.1-8B -> llama-3.1-8b). docs/catalogs.md says how to add one.\n\n"
      "flags:\n"
      "  --format table|json   output format (default: table)\n"
      "  --catalog DIR         read this folder (default: {}, found in $BLIS_DATA, the working\n"
      "                        directory or beside the blis executable)\n",
      catalog::kDefaultModelCatalogPath);
}

std::string models_command(const std::vector<std::string>& args) {
  Options o = parse(args);
  if (o.help) return models_help();
  if (o.root.empty()) o.root = catalog::data_path("hf", "the model catalog");
  if (!std::filesystem::is_directory(o.root)) {
    throw Error(fmt::format("cannot read the model catalog {}: no such folder", o.root));
  }
  std::vector<Entry> entries;
  for (const std::string& name : catalog::model_folder_names(o.root)) {
    Entry e;
    e.name = name;
    e.shape = physics::load_model_shape((std::filesystem::path(o.root) / name / "config.json").string());
    e.params = physics::count_parameters(e.shape);
    e.kv_bytes_per_token = physics::kv_bytes_per_token_per_layer(e.shape, e.shape.dtype_bytes) *
                           static_cast<double>(e.shape.num_layers);
    entries.push_back(std::move(e));
  }
  return o.format == "json" ? json(o.root, entries) : table(o.root, entries);
}

}  // namespace blis::bindings
