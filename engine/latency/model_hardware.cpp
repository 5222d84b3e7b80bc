#include "engine/latency/model_hardware.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/json_value.h"

namespace blis::latency {

namespace {

using core::JsonValue;

JsonValue read_json_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {} {}", what, path));
  std::stringstream text;
  text << in.rdbuf();
  try {
    return core::parse_json(text.str());
  } catch (const Error& e) {
    throw Error(fmt::format("{} {}: {}", what, path, e.what()));
  }
}

// Exact-key lookup with the last duplicate winning, as encoding/json into a map does.
const JsonValue* find_exact(const std::vector<std::pair<std::string, JsonValue>>& members, const std::string& key) {
  const JsonValue* found = nullptr;
  for (const auto& [k, v] : members) {
    if (k == key) found = &v;
  }
  return found;
}

int64_t integer_field(const std::vector<std::pair<std::string, JsonValue>>& members, const std::string& key) {
  const JsonValue* v = find_exact(members, key);
  if (v == nullptr || v->kind != JsonValue::Kind::Number) return 0;  // anything else reads as 0 (§4.3.1)
  return static_cast<int64_t>(v->number);
}

double bytes_per_param(const std::string& dtype) {
  if (dtype == "float32") return 4;
  if (dtype == "float16" || dtype == "bfloat16") return 2;
  if (dtype == "int8" || dtype == "uint8" || dtype == "fp8" || dtype == "int4" || dtype == "nf4") return 1;
  return 0;
}

bool ascii_iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

ModelArchitecture load_model_architecture(const std::string& folder) {
  const std::string path = folder + "/config.json";
  const JsonValue root = read_json_file(path, "model config");
  if (root.kind != JsonValue::Kind::Object) throw Error(fmt::format("model config {}: expected a JSON object", path));
  // Keys of an object-valued text_config override the top level (multimodal configs).
  std::vector<std::pair<std::string, JsonValue>> members = root.members;
  if (const JsonValue* text = find_exact(root.members, "text_config"); text && text->kind == JsonValue::Kind::Object) {
    for (const auto& m : text->members) members.push_back(m);
  }
  ModelArchitecture a;
  a.num_layers = integer_field(members, "num_hidden_layers");
  a.hidden_dim = integer_field(members, "hidden_size");
  a.num_heads = integer_field(members, "num_attention_heads");
  a.num_kv_heads = integer_field(members, "num_key_value_heads");
  if (a.num_kv_heads == 0) a.num_kv_heads = a.num_heads;
  a.intermediate_dim = integer_field(members, "intermediate_size");
  a.vocab_size = integer_field(members, "vocab_size");
  if (const JsonValue* dtype = find_exact(members, "torch_dtype"); dtype && dtype->kind == JsonValue::Kind::String) {
    a.bytes_per_param = bytes_per_param(dtype->text);
  }
  return a;
}

HardwareSpec load_hardware_spec(const std::string& path, const std::string& gpu) {
  const JsonValue root = read_json_file(path, "hardware config");
  if (root.kind != JsonValue::Kind::Object) {
    throw Error(fmt::format("Failed to load hardware config: {}: expected a JSON object of GPUs", path));
  }
  const JsonValue* entry = find_exact(root.members, gpu);
  if (entry == nullptr) {
    std::vector<std::string> names;
    for (const auto& [k, v] : root.members) names.push_back(k);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw Error(fmt::format("GPU \"{}\" not found in hardware config {}; available: {}", gpu, path, list));
  }
  if (entry->kind != JsonValue::Kind::Object) {
    throw Error(fmt::format("Failed to load hardware config: {}: entry \"{}\" is not an object", path, gpu));
  }
  HardwareSpec hw;
  struct Field {
    const char* name;
    double HardwareSpec::*member;
  };
  static const Field kFields[] = {
      {"TFlopsPeak", &HardwareSpec::tflops_peak},         {"BwPeakTBs", &HardwareSpec::bw_peak_tbs},
      {"BwEffConstant", &HardwareSpec::bw_eff_constant},  {"TOverheadMicros", &HardwareSpec::t_overhead_micros},
      {"perLayerOverhead", &HardwareSpec::per_layer_overhead}, {"mfuPrefill", &HardwareSpec::mfu_prefill},
      {"mfuDecode", &HardwareSpec::mfu_decode},           {"allReduceLatency", &HardwareSpec::all_reduce_latency},
  };
  // encoding/json: members in document order; a key matches a field exactly or, failing that,
  // ASCII case-insensitively; later members overwrite earlier ones.
  for (const auto& [key, value] : entry->members) {
    const Field* field = nullptr;
    for (const Field& f : kFields) {
      if (key == f.name) field = &f;
    }
    if (field == nullptr) {
      for (const Field& f : kFields) {
        if (ascii_iequals(key, f.name)) field = &f;
      }
    }
    if (field == nullptr) continue;  // unknown keys are ignored
    if (value.kind == JsonValue::Kind::Null) continue;
    if (value.kind != JsonValue::Kind::Number) {
      throw Error(fmt::format("Failed to load hardware config: {}: field \"{}\" of \"{}\" must be a number", path,
                              key, gpu));
    }
    hw.*(field->member) = value.number;
  }
  return hw;
}

}  // namespace blis::latency
