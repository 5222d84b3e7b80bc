// The shape of a transformer as the physics latency model and the vLLM-style KV sizing need it,
// read from a HuggingFace config.json: layer count and widths, grouped-query attention with an
// explicit head_dim, tied embeddings, weight precision (including FP8 checkpoints), the
// mixture-of-experts layout (routed and shared experts, which layers are MoE) and, for multimodal
// checkpoints, the vision tower vLLM loads beside the language model. The reference's
// roofline model keeps its own reader (engine/latency/model_hardware.h) and never sees this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace blis::latency::physics {

// The vision encoder of a multimodal checkpoint (config "vision_config"). It never runs for a
// text-only request, so it costs no step time, but vLLM loads its weights, which the KV cache
// then cannot use. Its size is known for the encoders blis can count (Llama-4's); for any other
// it is reported as uncounted rather than guessed.
struct VisionTower {
  std::string model_type;  // vision_config.model_type; "" = no vision_config (a text-only model)
  int64_t num_layers = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_channels = 0;
  int64_t patch_size = 0;
  int64_t image_size = 0;
  int64_t projector_input_dim = 0;   // Llama-4's pixel-shuffle adapter: intermediate -> this
  int64_t projector_output_dim = 0;  // and this -> this
  int64_t vision_output_dim = 0;     // the projector into the language model: this -> hidden_size

  bool present() const { return !model_type.empty(); }
  // Whether blis knows this encoder's layout and so counts its parameters.
  bool counted() const { return model_type == "llama4_vision_model"; }
};

struct ModelShape {
  std::string source;      // the file it came from, for messages
  std::string model_type;  // config "model_type" ("" when absent)

  int64_t num_layers = 0;          // num_hidden_layers
  int64_t hidden_size = 0;
  int64_t num_heads = 0;           // num_attention_heads
  int64_t num_kv_heads = 0;        // num_key_value_heads; = num_heads when absent (no GQA)
  int64_t head_dim = 0;            // explicit head_dim wins (Qwen3); else hidden_size / num_heads
  int64_t intermediate_size = 0;   // the dense MLP width (Llama-4: intermediate_size_mlp)
  int64_t vocab_size = 0;
  bool tie_word_embeddings = false;  // the LM head reuses the input embedding matrix
  bool attention_bias = false;       // q/k/v projections carry a bias (Qwen2, attention_bias)

  // Precision. vLLM's dtype "auto" serves a float32 checkpoint in bfloat16, so activations,
  // embeddings and the KV cache are 2 bytes unless the checkpoint is float16/bfloat16 anyway.
  std::string dtype = "bfloat16";
  double dtype_bytes = 2;          // activations, embeddings, LM head, norms, router, KV ("auto")
  std::string quantization;        // "" or the quantization_config method, e.g. "fp8"
  double linear_weight_bytes = 2;  // bytes per weight of the quantized linear layers (fp8: 1)
  // Bytes per activation element entering those layers: 1 when the checkpoint quantizes the
  // activations too (W8A8: fp8, compressed-tensors with 8-bit input_activations), so the matmuls
  // can run on 8-bit tensor cores; 2 for weight-only schemes (GPTQ/AWQ, W8A16), which dequantize
  // to the activation dtype and multiply there.
  double linear_activation_bytes = 2;

  // Mixture of experts (num_experts == 0: a dense model).
  int64_t num_experts = 0;             // routed experts per MoE layer
  int64_t experts_per_token = 0;       // num_experts_per_tok (top-k)
  int64_t moe_intermediate_size = 0;   // width of one routed expert
  int64_t shared_expert_width = 0;     // total width of the always-on shared expert(s), 0 = none
  bool shared_expert_gate = false;     // Qwen2-MoE's sigmoid gate on the shared expert (H x 1)
  std::vector<bool> moe_layer;         // per layer: true when its MLP is the expert block

  VisionTower vision;  // not present for text-only models

  bool is_moe() const { return num_experts > 0; }
  int64_t num_moe_layers() const;
  int64_t num_dense_layers() const { return num_layers - num_moe_layers(); }
};

// Reads a config.json. Throws blis::Error naming the file and, for a bad or missing field, its
// key (nested keys as a.b.c), e.g. `model.json: "num_attention_heads" must be a whole number >= 1`.
ModelShape load_model_shape(const std::string& path);
// The same from the text of a config.json; `path` names it in messages (fuzzing, tests).
ModelShape parse_model_shape(const std::string& text, const std::string& path);

}  // namespace blis::latency::physics
