#include "bindings/gpus_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "engine/catalog/data_dir.h"
#include "engine/catalog/gpu_catalog.h"
#include "engine/core/error.h"
#include "engine/metrics/go_json.h"

namespace blis::bindings {
namespace {

struct Options {
  std::optional<std::string> name;
  std::string format = "table";
  std::string catalog;  // empty: the data folder's gpus.yaml (engine/catalog/data_dir.h)
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
      if (o.name) throw Error(fmt::format("blis gpus takes one GPU name, got '{}' and '{}'", *o.name, arg));
      o.name = arg;
      continue;
    }
    // --flag VALUE or --flag=VALUE
    const size_t eq = arg.find('=');
    const std::string flag = arg.substr(0, eq);
    std::string value;
    if (flag != "--format" && flag != "--catalog") {
      throw Error(fmt::format("unknown flag: {} (see blis gpus --help)", flag));
    }
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw Error(fmt::format("{} needs a value (see blis gpus --help)", flag));
    }
    if (flag == "--format") {
      if (value != "table" && value != "json") {
        throw Error(fmt::format("--format must be table or json, got '{}'", value));
      }
      o.format = value;
    } else {
      if (value.empty()) throw Error("--catalog needs a file name");
      o.catalog = value;
    }
  }
  return o;
}

// Shortest round-trip digits: 989.5, 1979, 0.864.
std::string number(double x) { return fmt::format("{}", x); }

std::string fp8_text(const catalog::GpuSpec& g) { return g.fp8_tflops == 0 ? "-" : number(g.fp8_tflops); }

// The optional list price (blis search's lowest_cost objective): "-" when the catalog has none.
std::string price_text(const catalog::GpuSpec& g) { return g.usd_per_hour == 0 ? "-" : "$" + number(g.usd_per_hour); }

std::string table(const catalog::GpuCatalog& c) {
  struct Row {
    std::string name, memory, bf16, fp8, bandwidth, interconnect, price;
  };
  std::vector<Row> rows = {{"NAME", "MEMORY", "BF16 TFLOP/s", "FP8 TFLOP/s", "BANDWIDTH", "INTERCONNECT", "$/GPU-HOUR"}};
  for (const catalog::GpuSpec& g : c.gpus()) {
    rows.push_back({g.name, number(g.memory_gib) + " GiB", number(g.bf16_tflops), fp8_text(g),
                    number(g.memory_bandwidth_tbs) + " TB/s", number(g.interconnect_gbs) + " GB/s", price_text(g)});
  }
  size_t w[7] = {0, 0, 0, 0, 0, 0, 0};
  for (const Row& r : rows) {
    const std::string* cells[] = {&r.name, &r.memory, &r.bf16, &r.fp8, &r.bandwidth, &r.interconnect, &r.price};
    for (size_t i = 0; i < 7; ++i) w[i] = std::max(w[i], cells[i]->size());
  }
  std::string out = fmt::format("GPU catalog {} ({} GPUs)\n\n", c.path(), c.gpus().size());
  for (const Row& r : rows) {
    out += fmt::format("{:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", r.name, w[0], r.memory, w[1], r.bf16,
                       w[2], r.fp8, w[3], r.bandwidth, w[4], r.interconnect, w[5], r.price, w[6]);
  }
  out +=
      "\nTFLOP/s are dense (no sparsity); FP8 '-' means no FP8 tensor cores. Interconnect is GPU-to-GPU\n"
      "bandwidth per direction (NVLink / Infinity Fabric, or PCIe). $/GPU-HOUR is an on-demand list price\n"
      "('-': none in the catalog) for blis search's lowest_cost objective; a search's `prices` overrides it.\n"
      "`blis gpus NAME` shows a GPU's aliases, host link, price source and datasheet source.\n";
  return out;
}

std::string one_gpu(const catalog::GpuCatalog& c, const catalog::GpuSpec& g) {
  std::string out = g.name + "\n";
  const auto line = [&out](const char* label, const std::string& value) {
    out += fmt::format("  {:<14}{}\n", label, value);
  };
  line("aliases:", g.aliases.empty() ? "(none)" : fmt::format("{}", fmt::join(g.aliases, ", ")));
  line("memory:", number(g.memory_gib) + " GiB");
  line("CUDA reports:", number(g.cuda_memory_gib) + " GiB (what vLLM sizes its KV cache from)");
  line("BF16:", number(g.bf16_tflops) + " TFLOP/s dense");
  line("FP8:", g.fp8_tflops == 0 ? "none (no FP8 tensor cores)" : number(g.fp8_tflops) + " TFLOP/s dense");
  line("bandwidth:", number(g.memory_bandwidth_tbs) + " TB/s");
  line("interconnect:", number(g.interconnect_gbs) + " GB/s per direction");
  line("host link:", number(g.host_link_gbs) + " GB/s per direction");
  line("collectives:", number(g.collective_gbs) + " GB/s per direction, as TP/EP collectives reach it");
  line("link latency:", number(g.link_latency_us) + " µs per message (collectives)");
  line("price:", g.usd_per_hour == 0 ? "none in the catalog (blis search takes `prices`)"
                                      : fmt::format("${} per GPU-hour on demand (list price; see the catalog's comment)",
                                                    number(g.usd_per_hour)));
  line("source:", g.source);
  line("catalog:", c.path());
  return out;
}

void write_gpu(metrics::JsonWriter& j, const catalog::GpuSpec& g) {
  j.begin_object();
  j.key("name");
  j.value_string(g.name);
  j.key("aliases");
  j.begin_array();
  for (const std::string& a : g.aliases) j.value_string(a);
  j.end_array();
  const std::pair<const char*, double> figures[] = {
      {"memory_gib", g.memory_gib},
      {"cuda_memory_gib", g.cuda_memory_gib},
      {"bf16_tflops", g.bf16_tflops},
      {"fp8_tflops", g.fp8_tflops},
      {"memory_bandwidth_tbs", g.memory_bandwidth_tbs},
      {"interconnect_gbs", g.interconnect_gbs},
      {"host_link_gbs", g.host_link_gbs},
      {"collective_gbs", g.collective_gbs},
      {"link_latency_us", g.link_latency_us},
  };
  for (const auto& [key, value] : figures) {
    j.key(key);
    j.value_float(value);
  }
  j.key("usd_per_hour");  // null: no price in the catalog
  if (g.usd_per_hour == 0) j.value_null();
  else j.value_float(g.usd_per_hour);
  j.key("source");
  j.value_string(g.source);
  j.end_object();
}

}  // namespace

std::string gpus_help() {
  return fmt::format(
      "usage: blis gpus [NAME] [--format table|json] [--catalog FILE]\n\n"
      "Lists the hardware catalog: the datasheet figures (memory, dense BF16/FP8 TFLOP/s, memory\n"
      "bandwidth, interconnect) that the physics latency model and vLLM-style KV sizing use. With NAME,\n"
      "shows that GPU with its aliases, host link and source; names and aliases match ignoring case,\n"
      "spaces, '-' and '_' (H100, a100-80gb, RTX4090, RTXPRO6000 ...). docs/catalogs.md says how to add one.\n\n"
      "flags:\n"
      "  --format table|json   output format (default: table)\n"
      "  --catalog FILE        read this catalog (default: {}, found in $BLIS_DATA, the working\n"
      "                        directory or beside the blis executable)\n",
      catalog::kDefaultGpuCatalogPath);
}

std::string gpus_command(const std::vector<std::string>& args) {
  const Options o = parse(args);
  if (o.help) return gpus_help();
  const catalog::GpuCatalog c =
      catalog::GpuCatalog::load(o.catalog.empty() ? catalog::data_path("gpus.yaml", "the GPU catalog") : o.catalog);
  if (o.format == "json") {
    metrics::JsonWriter j;
    if (o.name) {
      write_gpu(j, c.get(*o.name));
    } else {
      j.begin_object();
      j.key("catalog");
      j.value_string(c.path());
      j.key("gpus");
      j.begin_array();
      for (const catalog::GpuSpec& g : c.gpus()) write_gpu(j, g);
      j.end_array();
      j.end_object();
    }
    return j.text() + "\n";
  }
  return o.name ? one_gpu(c, c.get(*o.name)) : table(c);
}

}  // namespace blis::bindings
