// The model catalog (model_configs/hf/<model>/config.json, model_configs/hf/README.md): every
// config is valid JSON that blis's HuggingFace reader takes, and — an independent check that its
// figures were copied right — the parameter count its shape implies is within 1% of the count the
// model's Hugging Face page publishes (from the safetensors metadata).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "engine/core/json_value.h"
#include "engine/latency/model_hardware.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;
using blis::core::JsonValue;

namespace {

const fs::path kModels = fs::path(BLIS_SOURCE_DIR) / "model_configs" / "hf";

// Published parameter counts (Hugging Face model pages), by catalog folder.
const std::map<std::string, double> kPublishedParams = {
    {"codellama-34b-instruct-hf", 33.74e9},   {"llama-2-7b-hf", 6.74e9},
    {"llama-2-70b-hf", 68.98e9},              {"llama-3.1-8b", 8.03e9},
    {"llama-3.1-8b-instruct", 8.03e9},        {"llama-3.1-70b-instruct", 70.55e9},
    {"mistral-nemo-instruct-2407", 12.2e9},   {"mixtral-8x7b-v0.1", 46.70e9},
    {"mixtral-8x22b-instruct-v0.1", 140.6e9}, {"qwen2.5-1.5b-instruct", 1.54e9},
    {"qwen2.5-3b-instruct", 3.09e9},          {"qwen2.5-7b-instruct", 7.62e9},
    {"qwen3-14b", 14.8e9},                    {"qwen3-30b-a3b-instruct-2507", 30.5e9},
    {"qwen3-32b", 32.8e9},                    {"yi-34b", 34.4e9},
    // Meta's "109B total" (Llama-4 model card), language model and vision tower together.
    {"llama-4-scout-17b-16e-instruct-fp8-dynamic", 109e9},
};

const JsonValue* member(const JsonValue& object, const std::string& key) {
  for (const JsonValue::Member& m : object.members) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

double number(const JsonValue& object, const std::string& key, double otherwise = -1) {
  const JsonValue* v = member(object, key);
  return v != nullptr && v->kind == JsonValue::Kind::Number ? v->number : otherwise;
}

// Llama-4's vision encoder and projector: stem (patch, class and position embeddings, two
// LayerNorms), per layer attention and MLP with biases and two LayerNorms, the pixel-shuffle
// adapter and the projector into the language model's hidden size.
double llama4_vision(const JsonValue& v, double text_hidden) {
  const double h = number(v, "hidden_size"), i = number(v, "intermediate_size");
  const double side = number(v, "image_size") / number(v, "patch_size");
  const double stem = number(v, "num_channels") * number(v, "patch_size") * number(v, "patch_size") * h +
                      (side * side + 2) * h + 4 * h;
  const double layer = 4 * h * h + 2 * h * i + 9 * h + i;
  return stem + number(v, "num_hidden_layers") * layer + i * number(v, "projector_input_dim") +
         number(v, "projector_output_dim") * number(v, "projector_output_dim") +
         number(v, "vision_output_dim") * text_hidden;
}

// Weights of a decoder-only transformer without biases: embeddings, LM head unless tied, and per
// layer the attention projections (explicit head_dim when given), the MLP or the experts with
// their router (Llama-4: plus one shared expert), and two norms. A multimodal config keeps these
// in text_config; its Llama-4 vision tower is added.
double parameters(const JsonValue& root) {
  const JsonValue* text = member(root, "text_config");
  const JsonValue& c = text != nullptr ? *text : root;
  const double hidden = number(c, "hidden_size");
  const double heads = number(c, "num_attention_heads");
  const double kv_heads = number(c, "num_key_value_heads", heads);
  const double head_dim = number(c, "head_dim", hidden / heads);
  const double layers = number(c, "num_hidden_layers");
  const double vocab = number(c, "vocab_size");
  const double experts = number(c, "num_local_experts", number(c, "num_experts", 0));
  const JsonValue* type = member(c, "model_type");
  const bool llama4 = type != nullptr && type->kind == JsonValue::Kind::String && type->text == "llama4_text";
  const double attention = 2 * hidden * heads * head_dim + 2 * hidden * kv_heads * head_dim;
  const double expert = 3 * hidden * number(c, "moe_intermediate_size", number(c, "intermediate_size"));
  const double mlp = experts > 0 ? (experts + (llama4 ? 1 : 0)) * expert + hidden * experts
                                 : 3 * hidden * number(c, "intermediate_size");
  const JsonValue* tied = member(root, "tie_word_embeddings");
  const bool tie = tied != nullptr && tied->kind == JsonValue::Kind::Bool && tied->boolean;
  const JsonValue* vision = member(root, "vision_config");
  const JsonValue* vision_type = vision != nullptr ? member(*vision, "model_type") : nullptr;
  const bool llama4_vision_tower = vision_type != nullptr && vision_type->kind == JsonValue::Kind::String &&
                                   vision_type->text == "llama4_vision_model";
  return layers * (attention + mlp + 2 * hidden) + hidden + vocab * hidden * (tie ? 1 : 2) +
         (llama4_vision_tower ? llama4_vision(*vision, hidden) : 0);
}

}  // namespace

TEST_CASE("every model of the catalog is a HuggingFace config.json blis reads, with its published size") {
  size_t seen = 0;
  for (const fs::directory_entry& dir : fs::directory_iterator(kModels)) {
    if (!dir.is_directory()) continue;
    const std::string name = dir.path().filename().string();
    CAPTURE(name);
    ++seen;
    std::ifstream file(dir.path() / "config.json", std::ios::binary);
    REQUIRE(file);
    std::ostringstream text;
    text << file.rdbuf();
    const JsonValue config = blis::core::parse_json(text.str());
    REQUIRE(config.kind == JsonValue::Kind::Object);
    const JsonValue* architectures = member(config, "architectures");
    REQUIRE(architectures != nullptr);
    CHECK(architectures->kind == JsonValue::Kind::Array);

    const blis::latency::ModelArchitecture arch = blis::latency::load_model_architecture(dir.path().string());
    CHECK(arch.num_layers > 0);
    CHECK(arch.hidden_dim > 0);
    CHECK(arch.vocab_size > 0);
    // Every catalog model is published in BF16 or FP16 (the FP8 checkpoint's torch_dtype too: the
    // roofline reader does not read its quantization_config; the physics reader does).
    CHECK(arch.bytes_per_param == 2);
    REQUIRE(arch.num_kv_heads > 0);
    CHECK(arch.num_heads % arch.num_kv_heads == 0);  // GQA groups divide evenly

    const auto published = kPublishedParams.find(name);
    REQUIRE_MESSAGE(published != kPublishedParams.end(), "add the model's published parameter count to this test");
    const double implied = parameters(config);
    CAPTURE(implied);
    CHECK(implied == doctest::Approx(published->second).epsilon(0.01));
  }
  CHECK(seen == kPublishedParams.size());
}

TEST_CASE("the MoE models of the catalog state their experts as vLLM reads them") {
  const auto load = [](const std::string& name) {
    std::ifstream file(kModels / name / "config.json", std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return blis::core::parse_json(text.str());
  };
  const JsonValue mixtral = load("mixtral-8x7b-v0.1");
  CHECK(number(mixtral, "num_local_experts") == 8);
  CHECK(number(mixtral, "num_experts_per_tok") == 2);
  const JsonValue qwen = load("qwen3-30b-a3b-instruct-2507");
  CHECK(number(qwen, "num_experts") == 128);
  CHECK(number(qwen, "num_experts_per_tok") == 8);
  CHECK(number(qwen, "moe_intermediate_size") == 768);
  CHECK(number(qwen, "head_dim") == 128);  // not hidden_size / heads (64): the roofline's defect
  const JsonValue scout = load("llama-4-scout-17b-16e-instruct-fp8-dynamic");
  const JsonValue* text = member(scout, "text_config");
  REQUIRE(text != nullptr);
  CHECK(number(*text, "num_local_experts") == 16);
  CHECK(number(*text, "num_experts_per_tok") == 1);
  CHECK(number(*text, "interleave_moe_layer_step") == 1);  // every layer MoE
  CHECK(number(*text, "intermediate_size") == 8192);       // one expert's (and the shared expert's) width
}
