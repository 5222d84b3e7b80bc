// Reading a HuggingFace config.json into a ModelShape. The keys and their defaults follow the
// transformers configuration classes of each family (LlamaConfig, MixtralConfig, Qwen2/Qwen3
// (Moe)Config, DeepseekV3Config / Glm4MoeConfig, Llama4TextConfig) and vLLM's model code, which
// decides which layers are MoE. Duplicate keys: the later one wins, as Python's json does.
#include "engine/latency/physics/model_shape.h"

#include <cerrno>
#include <cmath>
#include <fstream>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/json_value.h"
#include "engine/core/os_error.h"

namespace blis::latency::physics {
namespace {

using core::JsonValue;

// Largest width or count accepted: far above any published model, small enough that products of
// a few of them stay exact in double and int64 arithmetic.
constexpr double kMaxDimension = 1 << 24;

// One JSON object of the config and the key path that leads to it ("" or "text_config.").
class ConfigObject {
 public:
  ConfigObject(const JsonValue* object, std::string prefix, const std::string& file)
      : object_(object), prefix_(std::move(prefix)), file_(file) {}

  // The value of `key` (the last duplicate), or nullptr when absent or JSON null.
  const JsonValue* find(const std::string& key) const {
    if (object_ == nullptr) return nullptr;
    const JsonValue* found = nullptr;
    for (const auto& member : object_->members) {
      if (member.first == key) found = &member.second;
    }
    return found != nullptr && found->kind == JsonValue::Kind::Null ? nullptr : found;
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw Error("model config \"" + file_ + "\": \"" + prefix_ + key + "\" " + what);
  }

  // A whole number in [minimum, kMaxDimension]; `fallback` when absent (a negative fallback
  // means the key is required).
  int64_t whole(const std::string& key, int64_t minimum, int64_t fallback = -1) const {
    const JsonValue* v = find(key);
    if (v == nullptr) {
      if (fallback < 0) fail(key, "is missing");
      return fallback;
    }
    if (v->kind != JsonValue::Kind::Number || v->number != std::floor(v->number) || v->number < double(minimum) ||
        v->number > kMaxDimension) {
      fail(key, "must be a whole number from " + std::to_string(minimum) + " to " +
                    std::to_string(int64_t(kMaxDimension)) + ", got " + describe(*v));
    }
    return static_cast<int64_t>(v->number);
  }

  bool flag(const std::string& key, bool fallback) const {
    const JsonValue* v = find(key);
    if (v == nullptr) return fallback;
    if (v->kind != JsonValue::Kind::Bool) fail(key, "must be true or false, got " + describe(*v));
    return v->boolean;
  }

  std::string text(const std::string& key) const {
    const JsonValue* v = find(key);
    if (v == nullptr) return "";
    if (v->kind != JsonValue::Kind::String) fail(key, "must be a string, got " + describe(*v));
    return v->text;
  }

  const JsonValue* object(const std::string& key) const {
    const JsonValue* v = find(key);
    if (v != nullptr && v->kind != JsonValue::Kind::Object) fail(key, "must be an object, got " + describe(*v));
    return v;
  }

  const std::string& prefix() const { return prefix_; }
  const std::string& file() const { return file_; }

  static std::string describe(const JsonValue& v) {
    switch (v.kind) {
      case JsonValue::Kind::Null: return "null";
      case JsonValue::Kind::Bool: return v.boolean ? "true" : "false";
      case JsonValue::Kind::Number: return v.text;
      case JsonValue::Kind::String: return "\"" + (v.text.size() > 40 ? v.text.substr(0, 40) + "..." : v.text) + "\"";
      case JsonValue::Kind::Array: return "an array";
      case JsonValue::Kind::Object: return "an object";
    }
    return "a value";
  }

 private:
  const JsonValue* object_;
  std::string prefix_;
  const std::string& file_;
};

// torch_dtype (older transformers) or dtype (newer). vLLM's "auto" serves float32 checkpoints in
// bfloat16 (vllm/config/model.py, _get_and_verify_dtype), so float32 maps to 2 bytes as well.
void read_dtype(const ConfigObject& root, const ConfigObject& cfg, ModelShape& shape) {
  const ConfigObject* where = nullptr;
  std::string key;
  for (const ConfigObject* c : {&cfg, &root}) {
    for (const char* k : {"torch_dtype", "dtype"}) {
      if (where == nullptr && c->find(k) != nullptr) {
        where = c;
        key = k;
      }
    }
  }
  if (where == nullptr) return;  // absent: bfloat16
  const std::string name = where->text(key);
  if (name == "bfloat16" || name == "float32" || name == "float") {
    shape.dtype = "bfloat16";
  } else if (name == "float16" || name == "half") {
    shape.dtype = "float16";
  } else {
    where->fail(key, "must be bfloat16, float16 or float32, got \"" + name + "\"");
  }
  shape.dtype_bytes = 2;
  shape.linear_weight_bytes = 2;
  shape.linear_activation_bytes = 2;
}

// quantization_config: fp8 checkpoints store the linear layers in 1 byte (embeddings, LM head,
// norms and router stay in the model dtype) and quantize their input activations (vLLM's Fp8Config,
// FBGEMM's and ModelOpt's FP8 are W8A8); GPTQ/AWQ/bitsandbytes give bits per weight and keep the
// activations; compressed-tensors says both in its scheme.
void read_quantization(const ConfigObject& root, const ConfigObject& cfg, ModelShape& shape) {
  const ConfigObject* where = cfg.find("quantization_config") != nullptr ? &cfg : &root;
  const JsonValue* q = where->object("quantization_config");
  if (q == nullptr) return;
  const ConfigObject quant(q, where->prefix() + "quantization_config.", where->file());
  const std::string method = quant.text("quant_method");
  shape.quantization = method;
  if (method == "fp8" || method == "fbgemm_fp8" || method == "modelopt") {
    shape.linear_weight_bytes = 1;
    shape.linear_activation_bytes = 1;
  } else if (method == "gptq" || method == "awq" || method == "bitsandbytes") {
    shape.linear_weight_bytes = double(quant.whole("bits", 2, 4)) / 8;
  } else if (method == "compressed-tensors") {
    // The first scheme of config_groups gives the bits of the weights (FP8-dynamic: 8) and of the
    // input activations (FP8-dynamic: 8, per token at run time; absent or null: weight-only).
    const JsonValue* groups = quant.object("config_groups");
    int64_t bits = 8;
    int64_t activation_bits = 16;
    if (groups != nullptr && !groups->members.empty()) {
      const ConfigObject group(&groups->members.front().second,
                               quant.prefix() + "config_groups." + groups->members.front().first + ".", cfg.file());
      if (group.find("weights") != nullptr) {
        const ConfigObject weights(group.object("weights"), group.prefix() + "weights.", cfg.file());
        bits = weights.whole("num_bits", 2, 8);
      }
      if (group.find("input_activations") != nullptr) {
        const ConfigObject inputs(group.object("input_activations"), group.prefix() + "input_activations.",
                                  cfg.file());
        activation_bits = inputs.whole("num_bits", 2, 8);
      }
    }
    shape.linear_weight_bytes = double(bits) / 8;
    shape.linear_activation_bytes = activation_bits <= 8 ? double(activation_bits) / 8 : 2;
  } else {
    quant.fail("quant_method", "must be fp8, fbgemm_fp8, modelopt, gptq, awq, bitsandbytes or compressed-tensors, got " +
                                   (method.empty() ? std::string("nothing") : "\"" + method + "\""));
  }
}

// A list of layer indices (mlp_only_layers, moe_layers).
std::vector<int64_t> layer_list(const ConfigObject& cfg, const std::string& key, int64_t num_layers) {
  std::vector<int64_t> out;
  const JsonValue* v = cfg.find(key);
  if (v == nullptr) return out;
  if (v->kind != JsonValue::Kind::Array) cfg.fail(key, "must be a list of layer indices, got " + ConfigObject::describe(*v));
  for (const JsonValue& item : v->items) {
    if (item.kind != JsonValue::Kind::Number || item.number != std::floor(item.number) || item.number < 0 ||
        item.number >= double(num_layers)) {
      cfg.fail(key, "must list layer indices from 0 to " + std::to_string(num_layers - 1) + ", got " +
                        ConfigObject::describe(item));
    }
    out.push_back(static_cast<int64_t>(item.number));
  }
  return out;
}

void read_experts(const ConfigObject& cfg, ModelShape& shape) {
  for (const char* key : {"num_local_experts", "num_experts", "n_routed_experts"}) {
    if (cfg.find(key) != nullptr) shape.num_experts = cfg.whole(key, 0);
    if (shape.num_experts > 0) break;
  }
  if (shape.num_experts == 0) {
    shape.moe_layer.assign(size_t(shape.num_layers), false);
    return;
  }
  const bool llama4 = shape.model_type.rfind("llama4", 0) == 0;
  shape.experts_per_token = cfg.whole("num_experts_per_tok", 1);
  if (shape.experts_per_token > shape.num_experts) {
    cfg.fail("num_experts_per_tok", "must not exceed the expert count " + std::to_string(shape.num_experts));
  }
  // Mixtral and Llama-4 experts have the width intermediate_size.
  shape.moe_intermediate_size = cfg.whole("moe_intermediate_size", 1, shape.intermediate_size);
  if (llama4) {
    shape.intermediate_size = cfg.whole("intermediate_size_mlp", 1, shape.intermediate_size);
    shape.shared_expert_width = shape.moe_intermediate_size;  // Llama-4 MoE: one shared expert
  }
  if (cfg.find("shared_expert_intermediate_size") != nullptr) {  // Qwen2-MoE
    shape.shared_expert_width = cfg.whole("shared_expert_intermediate_size", 0);
    shape.shared_expert_gate = shape.shared_expert_width > 0;
  }
  if (cfg.find("n_shared_experts") != nullptr) {  // DeepSeek, GLM-4.5
    shape.shared_expert_width = cfg.whole("n_shared_experts", 0) * shape.moe_intermediate_size;
  }

  // Which layers route to experts. Every rule present applies.
  const int64_t sparse_step = cfg.whole("decoder_sparse_step", 1, 1);                   // Qwen-MoE
  const int64_t interleave = cfg.whole("interleave_moe_layer_step", 1, 1);              // Llama-4
  const int64_t first_dense = cfg.whole("first_k_dense_replace", 0, 0);                 // DeepSeek, GLM
  const int64_t layer_freq = cfg.whole("moe_layer_freq", 1, 1);                         // DeepSeek
  shape.moe_layer.assign(size_t(shape.num_layers), true);
  for (int64_t i = 0; i < shape.num_layers; ++i) {
    const bool moe = (i + 1) % sparse_step == 0 && (i + 1) % interleave == 0 && i >= first_dense && i % layer_freq == 0;
    shape.moe_layer[size_t(i)] = moe;
  }
  for (const int64_t dense : layer_list(cfg, "mlp_only_layers", shape.num_layers)) shape.moe_layer[size_t(dense)] = false;
  if (cfg.find("moe_layers") != nullptr) {  // Llama-4's explicit list replaces the step rule
    shape.moe_layer.assign(size_t(shape.num_layers), false);
    for (const int64_t moe : layer_list(cfg, "moe_layers", shape.num_layers)) shape.moe_layer[size_t(moe)] = true;
  }
}

// vision_config of a multimodal checkpoint. Llama-4's encoder (transformers Llama4VisionModel,
// vLLM mllama4.py) is read whole, to count it; any other encoder only by name.
void read_vision(const ConfigObject& root, ModelShape& shape) {
  const JsonValue* v = root.object("vision_config");
  if (v == nullptr) return;
  const ConfigObject vision(v, "vision_config.", root.file());
  shape.vision.model_type = vision.text("model_type");
  if (shape.vision.model_type.empty()) shape.vision.model_type = "unknown";
  if (!shape.vision.counted()) return;
  VisionTower& t = shape.vision;
  t.num_layers = vision.whole("num_hidden_layers", 0);
  t.hidden_size = vision.whole("hidden_size", 1);
  t.intermediate_size = vision.whole("intermediate_size", 1);
  t.num_channels = vision.whole("num_channels", 1, 3);
  t.patch_size = vision.whole("patch_size", 1);
  t.image_size = vision.whole("image_size", 1);
  if (t.image_size % t.patch_size != 0) {
    vision.fail("image_size", "must be a multiple of patch_size " + std::to_string(t.patch_size) + ", got " +
                                  std::to_string(t.image_size));
  }
  t.projector_input_dim = vision.whole("projector_input_dim", 1);
  t.projector_output_dim = vision.whole("projector_output_dim", 1);
  t.vision_output_dim = vision.whole("vision_output_dim", 1);
}

}  // namespace

int64_t ModelShape::num_moe_layers() const {
  int64_t n = 0;
  for (const bool moe : moe_layer) n += moe ? 1 : 0;
  return n;
}

ModelShape parse_model_shape(const std::string& text, const std::string& path) {
  JsonValue doc;
  try {
    doc = core::parse_json(text);
  } catch (const Error& e) {
    throw Error("failed to parse model config \"" + path + "\": " + e.what());
  }
  if (doc.kind != JsonValue::Kind::Object) {
    throw Error("model config \"" + path + "\": must be a JSON object, got " + ConfigObject::describe(doc));
  }
  const ConfigObject root(&doc, "", path);
  // Multimodal wrappers (Llama-4, Mistral-3) keep the language model's shape in text_config.
  const JsonValue* text_config = root.object("text_config");
  const ConfigObject cfg = text_config != nullptr && root.find("num_hidden_layers") == nullptr
                               ? ConfigObject(text_config, "text_config.", path)
                               : root;

  ModelShape shape;
  shape.source = path;
  shape.model_type = cfg.text("model_type");
  if (cfg.find("kv_lora_rank") != nullptr) {
    cfg.fail("kv_lora_rank", "is set: multi-head latent attention (DeepSeek MLA) is not supported");
  }
  shape.num_layers = cfg.whole("num_hidden_layers", 1);
  shape.hidden_size = cfg.whole("hidden_size", 1);
  shape.num_heads = cfg.whole("num_attention_heads", 1);
  shape.num_kv_heads = cfg.whole("num_key_value_heads", 1, shape.num_heads);
  if (shape.num_heads % shape.num_kv_heads != 0) {
    cfg.fail("num_key_value_heads", "must divide num_attention_heads (" + std::to_string(shape.num_heads) + "), got " +
                                        std::to_string(shape.num_kv_heads));
  }
  if (cfg.find("head_dim") == nullptr && shape.hidden_size % shape.num_heads != 0) {
    cfg.fail("head_dim", "is missing and hidden_size " + std::to_string(shape.hidden_size) +
                             " is not a multiple of num_attention_heads " + std::to_string(shape.num_heads));
  }
  shape.head_dim = cfg.whole("head_dim", 1, shape.hidden_size / shape.num_heads);
  shape.intermediate_size = cfg.whole("intermediate_size", 1);
  shape.vocab_size = cfg.whole("vocab_size", 1);
  shape.tie_word_embeddings = root.flag("tie_word_embeddings", cfg.flag("tie_word_embeddings", false));
  // Qwen2 and Qwen2-MoE always put a bias on q/k/v; others say so with attention_bias.
  shape.attention_bias = cfg.flag("attention_bias", shape.model_type == "qwen2" || shape.model_type == "qwen2_moe");
  read_dtype(root, cfg, shape);
  read_quantization(root, cfg, shape);
  read_experts(cfg, shape);
  read_vision(root, shape);
  return shape;
}

ModelShape load_model_shape(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("failed to read model config \"" + path + "\": " + core::os_error_text(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw Error("failed to read model config \"" + path + "\"");
  return parse_model_shape(buf.str(), path);
}

}  // namespace blis::latency::physics
