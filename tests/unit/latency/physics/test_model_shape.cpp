// Reading config.json into a ModelShape: the keys, their defaults and the errors a user sees.
#include <doctest/doctest.h>

#include <string>

#include "engine/core/error.h"
#include "engine/latency/physics/model_shape.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

using blis::latency::physics::load_model_shape;
using blis::latency::physics::ModelShape;
using blis::latency::physics::parse_model_shape;

namespace {

const std::string kRoot = BLIS_SOURCE_DIR;

std::string shape_error(const std::string& json) {
  try {
    parse_model_shape(json, "m.json");
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

const std::string kDense =
    R"("num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100)";

}  // namespace

TEST_CASE("model shape: Llama-3.1-8B is GQA with head_dim = hidden / heads and untied embeddings") {
  const ModelShape s = load_model_shape(kRoot + "/model_configs/hf/llama-3.1-8b-instruct/config.json");
  CHECK(s.num_layers == 32);
  CHECK(s.hidden_size == 4096);
  CHECK(s.num_heads == 32);
  CHECK(s.num_kv_heads == 8);
  CHECK(s.head_dim == 128);
  CHECK(s.intermediate_size == 14336);
  CHECK(s.vocab_size == 128256);
  CHECK_FALSE(s.tie_word_embeddings);
  CHECK(s.dtype == "bfloat16");
  CHECK(s.linear_weight_bytes == 2);
  CHECK_FALSE(s.is_moe());
  CHECK(s.num_moe_layers() == 0);
}

TEST_CASE("model shape: an explicit head_dim wins over hidden / heads (Qwen3-32B's 128, not 80)") {
  const ModelShape s = parse_model_shape(
      R"({"model_type": "qwen3", "num_hidden_layers": 64, "hidden_size": 5120, "num_attention_heads": 64,
          "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 25600, "vocab_size": 151936})",
      "qwen3-32b.json");
  CHECK(s.head_dim == 128);
  // Without head_dim the same file would give 80.
  CHECK(parse_model_shape("{" + kDense + "}", "x").head_dim == 16);
}

TEST_CASE("model shape: num_key_value_heads defaults to the head count; tie_word_embeddings is read") {
  const ModelShape s = parse_model_shape("{" + kDense + R"(, "tie_word_embeddings": true})", "m.json");
  CHECK(s.num_kv_heads == 4);
  CHECK(s.tie_word_embeddings);
  // Qwen2.5-1.5B ties its embeddings.
  CHECK(load_model_shape(kRoot + "/model_configs/hf/qwen2.5-1.5b-instruct/config.json").tie_word_embeddings);
}

TEST_CASE("model shape: dtype keys and FP8 quantization") {
  CHECK(parse_model_shape("{" + kDense + R"(, "dtype": "float16"})", "m").dtype == "float16");
  // vLLM's "auto" serves float32 checkpoints in bfloat16.
  CHECK(parse_model_shape("{" + kDense + R"(, "torch_dtype": "float32"})", "m").dtype_bytes == 2);
  const ModelShape fp8 = parse_model_shape(
      "{" + kDense + R"(, "torch_dtype": "bfloat16", "quantization_config": {"quant_method": "fp8"}})", "m");
  CHECK(fp8.quantization == "fp8");
  CHECK(fp8.linear_weight_bytes == 1);
  CHECK(fp8.linear_activation_bytes == 1);  // W8A8
  CHECK(fp8.dtype_bytes == 2);  // embeddings, LM head and the KV cache stay 2 bytes
  const ModelShape ct = parse_model_shape("{" + kDense +
                                              R"(, "quantization_config": {"quant_method": "compressed-tensors",
                       "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "float"}}}}})",
                                          "m");
  CHECK(ct.linear_weight_bytes == 1);
  CHECK(ct.linear_activation_bytes == 2);  // no input_activations: weight-only (W8A16)
  const ModelShape w8a8 = parse_model_shape("{" + kDense +
                                                R"(, "quantization_config": {"quant_method": "compressed-tensors",
                       "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "float"},
                                                     "input_activations": {"num_bits": 8, "dynamic": true}}}}})",
                                            "m");
  CHECK(w8a8.linear_activation_bytes == 1);
  const ModelShape awq =
      parse_model_shape("{" + kDense + R"(, "quantization_config": {"quant_method": "awq", "bits": 4}})", "m");
  CHECK(awq.linear_weight_bytes == 0.5);
  CHECK(awq.linear_activation_bytes == 2);
}

TEST_CASE("model shape: MoE keys of Qwen3-MoE, Mixtral, Qwen2-MoE and Llama-4") {
  const ModelShape qwen = load_model_shape(kRoot + "/tests/fixtures/model_shapes/qwen3-30b-a3b-instruct-2507.json");
  CHECK(qwen.num_experts == 128);
  CHECK(qwen.experts_per_token == 8);
  CHECK(qwen.moe_intermediate_size == 768);
  CHECK(qwen.num_moe_layers() == 48);
  CHECK(qwen.shared_expert_width == 0);

  const ModelShape mixtral = load_model_shape(kRoot + "/tests/fixtures/model_shapes/mixtral-8x7b-v0.1.json");
  CHECK(mixtral.num_experts == 8);
  CHECK(mixtral.moe_intermediate_size == 14336);  // Mixtral experts are intermediate_size wide
  CHECK(mixtral.num_moe_layers() == 32);

  const ModelShape qwen2 = load_model_shape(kRoot + "/tests/fixtures/model_shapes/qwen1.5-moe-a2.7b.json");
  CHECK(qwen2.shared_expert_width == 5632);
  CHECK(qwen2.shared_expert_gate);
  CHECK(qwen2.attention_bias);

  const ModelShape maverick = load_model_shape(kRoot + "/tests/fixtures/model_shapes/llama-4-maverick-17b-128e.json");
  CHECK(maverick.num_layers == 48);  // read from text_config
  CHECK(maverick.num_moe_layers() == 24);
  CHECK_FALSE(maverick.moe_layer[0]);
  CHECK(maverick.moe_layer[1]);
  CHECK(maverick.intermediate_size == 16384);      // dense layers: intermediate_size_mlp
  CHECK(maverick.moe_intermediate_size == 8192);   // experts: intermediate_size
  CHECK(maverick.shared_expert_width == 8192);     // one shared expert
}

TEST_CASE("model shape: Llama-4-Scout FP8-dynamic (text_config, all-MoE, implicit shared expert, FP8, vision)") {
  const ModelShape scout =
      load_model_shape(kRoot + "/model_configs/hf/llama-4-scout-17b-16e-instruct-fp8-dynamic/config.json");
  CHECK(scout.model_type == "llama4_text");  // the language model's, from text_config
  CHECK(scout.num_layers == 48);
  CHECK(scout.hidden_size == 5120);
  CHECK(scout.num_heads == 40);
  CHECK(scout.num_kv_heads == 8);
  CHECK(scout.head_dim == 128);
  CHECK(scout.vocab_size == 202048);
  CHECK_FALSE(scout.tie_word_embeddings);  // top-level key
  // interleave_moe_layer_step 1: every layer routes; intermediate_size_mlp (the dense width) is
  // read but no layer uses it.
  CHECK(scout.num_moe_layers() == 48);
  CHECK(scout.num_dense_layers() == 0);
  CHECK(scout.intermediate_size == 16384);
  CHECK(scout.num_experts == 16);
  CHECK(scout.experts_per_token == 1);
  CHECK(scout.moe_intermediate_size == 8192);  // each routed expert: intermediate_size
  CHECK(scout.shared_expert_width == 8192);    // no key says so: Llama-4's always-on shared expert
  CHECK_FALSE(scout.shared_expert_gate);
  CHECK_FALSE(scout.attention_bias);
  // compressed-tensors FP8-dynamic: 8-bit weights of the linear layers, BF16 everything else.
  CHECK(scout.quantization == "compressed-tensors");
  CHECK(scout.linear_weight_bytes == 1);
  CHECK(scout.linear_activation_bytes == 1);  // per-token dynamic FP8 activations: FP8 matmuls
  CHECK(scout.dtype == "bfloat16");
  CHECK(scout.dtype_bytes == 2);
  // The vision tower vLLM loads beside it.
  CHECK(scout.vision.present());
  CHECK(scout.vision.counted());
  CHECK(scout.vision.num_layers == 34);
  CHECK(scout.vision.hidden_size == 1408);
  CHECK(scout.vision.intermediate_size == 5632);
  CHECK(scout.vision.image_size == 336);
  CHECK(scout.vision.patch_size == 14);
  CHECK(scout.vision.vision_output_dim == 4096);
}

TEST_CASE("model shape: a vision tower blis cannot count is named, not guessed; a bad one is refused") {
  const ModelShape text_only = parse_model_shape("{" + kDense + "}", "m.json");
  CHECK_FALSE(text_only.vision.present());
  const ModelShape other = parse_model_shape(
      R"({"text_config": {)" + kDense + R"(}, "vision_config": {"model_type": "pixtral", "hidden_size": 1024}})", "m.json");
  CHECK(other.num_layers == 2);
  CHECK(other.vision.present());
  CHECK_FALSE(other.vision.counted());
  CHECK(other.vision.model_type == "pixtral");
  const std::string llama4_vision =
      R"("model_type": "llama4_vision_model", "num_hidden_layers": 2, "hidden_size": 8, "intermediate_size": 16,
         "patch_size": 14, "projector_input_dim": 4, "projector_output_dim": 4, "vision_output_dim": 4)";
  CHECK(shape_error(R"({"text_config": {)" + kDense + R"(}, "vision_config": {)" + llama4_vision +
                    R"(, "image_size": 30}})") ==
        "model config \"m.json\": \"vision_config.image_size\" must be a multiple of patch_size 14, got 30");
  CHECK(shape_error(R"({"text_config": {)" + kDense + R"(}, "vision_config": {)" + llama4_vision + "}}") ==
        "model config \"m.json\": \"vision_config.image_size\" is missing");
}

TEST_CASE("model shape: which layers are MoE (decoder_sparse_step, mlp_only_layers, first_k_dense_replace)") {
  const std::string moe = R"(, "num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 32)";
  const std::string six = R"("num_hidden_layers": 6, "hidden_size": 64, "num_attention_heads": 4,
                             "intermediate_size": 128, "vocab_size": 100)";
  const ModelShape step2 = parse_model_shape("{" + six + moe + R"(, "decoder_sparse_step": 2})", "m");
  CHECK(step2.moe_layer == std::vector<bool>{false, true, false, true, false, true});
  const ModelShape only = parse_model_shape("{" + six + moe + R"(, "mlp_only_layers": [0, 5]})", "m");
  CHECK(only.moe_layer == std::vector<bool>{false, true, true, true, true, false});
  const ModelShape first = parse_model_shape(
      "{" + six + R"(, "n_routed_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 32,
                     "n_shared_experts": 2, "first_k_dense_replace": 2})",
      "m");
  CHECK(first.moe_layer == std::vector<bool>{false, false, true, true, true, true});
  CHECK(first.shared_expert_width == 64);
}

TEST_CASE("model shape: errors name the file and the key") {
  CHECK(shape_error(R"({"hidden_size": 64})") == "model config \"m.json\": \"num_hidden_layers\" is missing");
  CHECK(shape_error("{" + kDense + R"(, "num_key_value_heads": 3})") ==
        "model config \"m.json\": \"num_key_value_heads\" must divide num_attention_heads (4), got 3");
  CHECK(shape_error(R"({"num_hidden_layers": -2})") ==
        "model config \"m.json\": \"num_hidden_layers\" must be a whole number from 1 to 16777216, got -2");
  CHECK(shape_error("{" + kDense + R"(, "torch_dtype": "int3"})") ==
        "model config \"m.json\": \"torch_dtype\" must be bfloat16, float16 or float32, got \"int3\"");
  CHECK(shape_error("{" + kDense + R"(, "quantization_config": {"quant_method": "magic"}})").find(
            "\"quantization_config.quant_method\" must be fp8") != std::string::npos);
  CHECK(shape_error(R"({"text_config": {"hidden_size": 8}})") ==
        "model config \"m.json\": \"text_config.num_hidden_layers\" is missing");
  CHECK(shape_error("{" + kDense + R"(, "num_experts": 4, "num_experts_per_tok": 5})") ==
        "model config \"m.json\": \"num_experts_per_tok\" must not exceed the expert count 4");
  CHECK(shape_error("{" + kDense + R"(, "kv_lora_rank": 512})").find("not supported") != std::string::npos);
  CHECK(shape_error("[1]") == "model config \"m.json\": must be a JSON object, got an array");
  CHECK(shape_error("{").rfind("failed to parse model config \"m.json\": ", 0) == 0);
  CHECK_THROWS_WITH_AS(load_model_shape("/nonexistent/config.json"),
                       "failed to read model config \"/nonexistent/config.json\": no such file or directory",
                       blis::Error);
}
