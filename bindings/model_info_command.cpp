#include "bindings/model_info_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/latency/physics/kv_capacity.h"
#include "engine/latency/physics/model_costs.h"
#include "engine/latency/physics/model_shape.h"

namespace blis::bindings {

namespace {

namespace physics = latency::physics;
constexpr double kGiB = double(1 << 30);

struct Options {
  std::string config;
  physics::KvSizingInput kv;
  std::optional<double> gpu_memory_gib;
  bool help = false;
};

int64_t parse_whole(const std::string& flag, const std::string& text, int64_t minimum) {
  int64_t v = 0;
  if (core::go::parse_int(text, v) != core::go::NumError::kNone || v < minimum) {
    throw Error(fmt::format("{} needs a whole number >= {}, got {}", flag, minimum, core::go::quote(text)));
  }
  return v;
}

double parse_positive(const std::string& flag, const std::string& text, double maximum) {
  double v = 0;
  if (core::go::parse_float(text, v) != core::go::NumError::kNone || !std::isfinite(v) || v <= 0 || v > maximum) {
    throw Error(fmt::format("{} needs a number > 0 and <= {}, got {}", flag, maximum, core::go::quote(text)));
  }
  return v;
}

Options parse(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      if (!o.config.empty()) throw Error(fmt::format("blis model-info takes one config.json, got a second: {}", a));
      o.config = a;
      continue;
    }
    std::string name = a, value;
    const size_t eq = a.find('=');
    if (eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    } else if (name == "--expert-parallel") {
      o.kv.parallel.expert_parallel = true;
      continue;
    } else {
      if (i + 1 >= args.size()) throw Error(fmt::format("flag needs an argument: {}", a));
      value = args[++i];
    }
    if (name == "--tp") o.kv.parallel.tp = parse_whole(name, value, 1);
    else if (name == "--dp") o.kv.parallel.dp = parse_whole(name, value, 1);
    else if (name == "--gpu-memory-gib") o.gpu_memory_gib = parse_positive(name, value, 1e6);
    else if (name == "--gpu-memory-utilization") o.kv.gpu_memory_utilization = parse_positive(name, value, 1);
    else if (name == "--block-size") o.kv.block_size = parse_whole(name, value, 1);
    else if (name == "--max-num-seqs") o.kv.max_num_seqs = parse_whole(name, value, 1);
    else if (name == "--max-num-batched-tokens") o.kv.max_num_batched_tokens = parse_whole(name, value, 1);
    else if (name == "--max-model-len") o.kv.max_model_len = parse_whole(name, value, 1);
    else if (name == "--cpu-offload-gb") o.kv.cpu_offload_bytes = parse_positive(name, value, 1e6) * kGiB;
    else throw Error(fmt::format("unknown flag: {} (see blis model-info --help)", name));
  }
  if (o.kv.parallel.tp > 1 << 20 || o.kv.parallel.dp > 1 << 20) throw Error("--tp and --dp must be at most 1048576");
  if (!o.help && o.config.empty()) throw Error("blis model-info needs a config.json (see blis model-info --help)");
  return o;
}

std::string billions(double params) { return fmt::format("{:.3f} B ({:.0f})", params / 1e9, params); }
std::string gib(double bytes) { return fmt::format("{:.2f} GiB", bytes / kGiB); }

void row(std::string& out, const std::string& label, const std::string& value) {
  out += fmt::format("  {:<24}{}\n", label, value);
}

std::string shape_section(const physics::ModelShape& s) {
  std::string out = fmt::format("model config: {}{}\n", s.source, s.model_type.empty() ? "" : " (" + s.model_type + ")");
  out += "shape\n";
  row(out, "layers", fmt::format("{} ({} MoE)", s.num_layers, s.num_moe_layers()));
  row(out, "hidden size", fmt::format("{}", s.hidden_size));
  row(out, "attention heads", fmt::format("{} query, {} KV{}, head_dim {}", s.num_heads, s.num_kv_heads,
                                          s.num_kv_heads < s.num_heads ? " (GQA)" : "", s.head_dim));
  row(out, "dense MLP width", fmt::format("{}{}", s.intermediate_size, s.num_dense_layers() == 0 ? " (unused)" : ""));
  row(out, "vocabulary", fmt::format("{}, embeddings {}", s.vocab_size, s.tie_word_embeddings ? "tied" : "untied"));
  row(out, "dtype", fmt::format("{}; linear weights {} bytes{}", s.dtype, s.linear_weight_bytes,
                                s.quantization.empty()
                                    ? ""
                                    : fmt::format(", activations {} bytes ({})", s.linear_activation_bytes,
                                                  s.quantization)));
  if (s.is_moe()) {
    row(out, "experts", fmt::format("{} routed, top-{}, width {}; shared width {}", s.num_experts,
                                    s.experts_per_token, s.moe_intermediate_size, s.shared_expert_width));
    std::string tokens_text, touched;
    for (const double tokens : {1.0, 8.0, 64.0, 512.0}) {
      const char* sep = tokens_text.empty() ? "" : "/";
      tokens_text += fmt::format("{}{:.0f}", sep, tokens);
      touched += fmt::format("{}{:.1f}", touched.empty() ? "" : " / ",
                             physics::expected_distinct_experts(tokens, s.experts_per_token, s.num_experts));
    }
    touched = "for " + tokens_text + " tokens: " + touched;
    row(out, "distinct experts/layer", touched);
  }
  if (s.vision.present()) {
    row(out, "vision tower", s.vision.counted()
                                 ? fmt::format("{} ({} layers, hidden {}); loaded by vLLM, unused by text", s.vision.model_type,
                                               s.vision.num_layers, s.vision.hidden_size)
                                 : fmt::format("{}: not counted (blis does not know this encoder's layout)",
                                               s.vision.model_type));
  }
  return out;
}

std::string parameter_section(const physics::ModelShape& s) {
  const physics::ParameterCounts p = physics::count_parameters(s);
  std::string out = "parameters\n";
  row(out, "total", billions(p.total()));
  row(out, "active per token", billions(p.active));
  row(out, "attention", billions(p.attention));
  if (p.dense_mlp > 0) row(out, "dense MLP", billions(p.dense_mlp));
  if (s.is_moe()) row(out, "experts (routed+shared)", billions(p.routed_experts + p.shared_experts));
  row(out, "embeddings + LM head", billions(p.embedding + p.lm_head));
  if (p.vision > 0) row(out, "vision tower", billions(p.vision));
  row(out, "FLOPs per token", fmt::format("{:.2f} GFLOP layers + {:.2f} GFLOP LM head",
                                          physics::layer_linear_flops_per_token(s) / 1e9,
                                          physics::lm_head_flops_per_token(s) / 1e9));
  return out;
}

std::string per_gpu_section(const physics::ModelShape& s, const physics::Parallelism& par) {
  const physics::WeightBytes w = physics::weight_bytes_per_gpu(s, par);
  std::string out = fmt::format("per GPU (tp {}, dp {}, expert parallel {})\n", par.tp, par.dp,
                                par.expert_parallel ? "on" : "off");
  row(out, "weights", fmt::format("{} ({:.0f} bytes)", gib(w.total()), w.total()));
  if (s.is_moe()) row(out, "of which routed experts", gib(w.routed_experts));
  if (w.vision > 0) row(out, "of which vision tower", gib(w.vision));
  row(out, "KV per token", fmt::format("{:.0f} bytes ({:.0f} per layer per GPU)",
                                       physics::kv_bytes_per_token_per_gpu(s, par.tp, s.dtype_bytes),
                                       physics::kv_bytes_per_token_per_gpu(s, par.tp, s.dtype_bytes) / double(s.num_layers)));
  return out;
}

std::string kv_section(const physics::ModelShape& s, const physics::KvSizingInput& in) {
  const physics::KvCapacity kv = physics::derive_kv_capacity(s, in);
  std::string out = "KV cache (vLLM v0.15-v0.19 start-up sizing)\n";
  row(out, "GPU memory", fmt::format("{} x {} = {}", gib(in.gpu_memory_bytes), in.gpu_memory_utilization,
                                     gib(kv.requested_bytes)));
  row(out, "- weights", kv.offloaded_bytes > 0
                           ? fmt::format("{} ({} more offloaded to host memory)", gib(kv.weight_bytes),
                                         gib(kv.offloaded_bytes))
                           : gib(kv.weight_bytes));
  row(out, "- activation peak", fmt::format("{} (sampler over {} rows {}, forward pass of {} tokens {})",
                                            gib(kv.activation_peak_bytes), std::min(in.max_num_seqs, in.max_num_batched_tokens),
                                            gib(kv.sampler_peak_bytes), in.max_num_batched_tokens, gib(kv.forward_peak_bytes)));
  row(out, "- outside PyTorch", gib(kv.non_torch_bytes));
  row(out, "= for the KV cache", gib(kv.available_bytes));
  row(out, "block", fmt::format("{} tokens x {:.0f} bytes = {:.2f} MiB", in.block_size, kv.kv_bytes_per_token,
                                kv.block_bytes / (1 << 20)));
  row(out, "blocks", fmt::format("{} ({} tokens)", kv.num_blocks, kv.num_blocks * in.block_size));
  if (!kv.fits_max_model_len) {
    row(out, "warning", fmt::format("one request of max_model_len {} does not fit; vLLM would refuse to start",
                                    in.max_model_len));
  }
  return out;
}

}  // namespace

std::string model_info_help() {
  return "usage: blis model-info CONFIG.json [flags]\n\n"
         "Prints what blis reads from a HuggingFace config.json (layers, widths, GQA and head_dim, tied\n"
         "embeddings, dtype/FP8, experts and which layers are MoE), the parameter counts, the weight and\n"
         "KV-cache bytes per GPU and, with --gpu-memory-gib, the KV block count vLLM would allocate\n"
         "(docs/latency-models.md, \"Model shapes and KV sizing\").\n\n"
         "flags:\n"
         "  --tp N                        tensor-parallel GPUs per replica (default 1)\n"
         "  --dp N                        data-parallel replicas (default 1)\n"
         "  --expert-parallel             split the routed experts over all tp x dp GPUs (vLLM\n"
         "                                --enable-expert-parallel)\n"
         "  --gpu-memory-gib G            memory of one GPU as CUDA reports it, in GiB (below the\n"
         "                                marketed size: an RTX 4090 reports 23.52)\n"
         "  --gpu-memory-utilization U    vLLM's fraction of it (default 0.9)\n"
         "  --block-size B                tokens per KV block (default 16)\n"
         "  --max-num-seqs N              vLLM --max-num-seqs (default 256)\n"
         "  --max-num-batched-tokens N    vLLM --max-num-batched-tokens (default 2048)\n"
         "  --max-model-len N             check that one request this long fits\n"
         "  --cpu-offload-gb G            vLLM's weight offload: G GiB of weights per GPU in host memory\n";
}

std::string model_info_command(const std::vector<std::string>& args) {
  Options o = parse(args);
  if (o.help) return model_info_help();
  const physics::ModelShape shape = physics::load_model_shape(o.config);
  std::string out = shape_section(shape) + parameter_section(shape) + per_gpu_section(shape, o.kv.parallel);
  if (o.gpu_memory_gib) {
    o.kv.gpu_memory_bytes = *o.gpu_memory_gib * kGiB;
    out += kv_section(shape, o.kv);
  } else {
    out += "KV cache: give --gpu-memory-gib to derive vLLM's block count\n";
  }
  return out;
}

}  // namespace blis::bindings
