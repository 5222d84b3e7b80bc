// Loading the roofline inputs with the same acceptance rules as the reference's Go code
// (engine-core §4.3.1, §4.3.2): the HuggingFace config is decoded into a generic map, the
// hardware file into map[string]HardwareCalib with encoding/json's field matching.
#include "engine/latency/model_hardware.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/json_value.h"
#include "engine/core/os_error.h"
#include "engine/core/ticks.h"

namespace blis::latency {
namespace {

using core::JsonValue;

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("failed to read " + what + " " + quoted(path) + ": " + core::os_error_text(errno));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw Error("failed to read " + what + " " + quoted(path));
  return buf.str();
}

core::JsonValue parse_text(const std::string& text, const std::string& path, const std::string& what) {
  try {
    return core::parse_json(text);
  } catch (const Error& e) {
    throw Error("failed to parse " + what + " " + quoted(path) + ": " + e.what());
  }
}

// encoding/json's name for the JSON kind of a value in UnmarshalTypeError messages.
const char* json_kind_name(const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::Null: return "null";
    case JsonValue::Kind::Bool: return "bool";
    case JsonValue::Kind::Number: return "number";
    case JsonValue::Kind::String: return "string";
    case JsonValue::Kind::Array: return "array";
    case JsonValue::Kind::Object: return "object";
  }
  return "value";
}

// ---- model config (§4.3.1) ----------------------------------------------------------------

// Decoding into map[string]any converts every number to float64; a literal beyond the float64
// range makes json.Unmarshal fail, wherever it appears. The first one in document order is the
// one Go reports.
const JsonValue* first_out_of_range_number(const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::Number:
      return std::isinf(v.number) ? &v : nullptr;
    case JsonValue::Kind::Array:
      for (const JsonValue& item : v.items) {
        if (const JsonValue* bad = first_out_of_range_number(item)) return bad;
      }
      return nullptr;
    case JsonValue::Kind::Object:
      for (const auto& member : v.members) {
        if (const JsonValue* bad = first_out_of_range_number(member.second)) return bad;
      }
      return nullptr;
    default:
      return nullptr;
  }
}

// Go map semantics: a later duplicate key replaces an earlier one.
using FlatConfig = std::map<std::string, const JsonValue*>;

void overlay(FlatConfig& into, const JsonValue& object) {
  for (const auto& [key, value] : object.members) into[key] = &value;
}

int64_t int_field(const FlatConfig& cfg, const char* key) {
  const auto it = cfg.find(key);
  if (it == cfg.end() || it->second->kind != JsonValue::Kind::Number) return 0;
  return go_int64(it->second->number);  // Go's int(float64): truncation
}

double bytes_per_param(const FlatConfig& cfg) {
  const auto it = cfg.find("torch_dtype");
  if (it == cfg.end() || it->second->kind != JsonValue::Kind::String) return 0;
  static const std::map<std::string, double> kBytes = {
      {"float32", 4}, {"float16", 2}, {"bfloat16", 2}, {"int8", 1},
      {"uint8", 1},   {"fp8", 1},     {"int4", 1},     {"nf4", 1}};
  const auto found = kBytes.find(it->second->text);
  return found == kBytes.end() ? 0 : found->second;
}

// ---- hardware config (§4.3.2) -------------------------------------------------------------

struct HardwareField {
  const char* name;  // the JSON name the reference's struct declares
  double HardwareSpec::*member;
};

constexpr HardwareField kHardwareFields[] = {
    {"TFlopsPeak", &HardwareSpec::tflops_peak},
    {"BwPeakTBs", &HardwareSpec::bw_peak_tbs},
    {"BwEffConstant", &HardwareSpec::bw_eff_constant},
    {"TOverheadMicros", &HardwareSpec::t_overhead_micros},
    {"perLayerOverhead", &HardwareSpec::per_layer_overhead},
    {"mfuPrefill", &HardwareSpec::mfu_prefill},
    {"mfuDecode", &HardwareSpec::mfu_decode},
    {"allReduceLatency", &HardwareSpec::all_reduce_latency},
};

// encoding/json's case-insensitive key comparison: ASCII letters fold, and so do the two
// non-ASCII runes whose simple case folding reaches ASCII (KELVIN SIGN -> k, LONG S -> s).
std::string fold_key(const std::string& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c == 0xE2 && key.compare(i, 3, "\xE2\x84\xAA") == 0) {
      out += 'k';
      i += 2;
    } else if (c == 0xC5 && key.compare(i, 2, "\xC5\xBF") == 0) {
      out += 's';
      i += 1;
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

const HardwareField* match_field(const std::string& key) {
  for (const HardwareField& f : kHardwareFields) {
    if (key == f.name) return &f;
  }
  const std::string folded = fold_key(key);
  for (const HardwareField& f : kHardwareFields) {
    if (folded == fold_key(f.name)) return &f;
  }
  return nullptr;
}

// Decodes one GPU entry. Like json.Unmarshal into a struct: unknown keys are skipped unread,
// null leaves a field as it is, and a later (possibly differently cased) duplicate overrides.
HardwareSpec decode_hardware_entry(const JsonValue& entry, const std::string& path) {
  HardwareSpec spec;
  if (entry.kind == JsonValue::Kind::Null) return spec;
  if (entry.kind != JsonValue::Kind::Object) {
    throw Error("failed to parse hardware config " + quoted(path) + ": json: cannot unmarshal " +
                json_kind_name(entry) + " into Go value of type HardwareCalib");
  }
  for (const auto& [key, value] : entry.members) {
    const HardwareField* field = match_field(key);
    if (field == nullptr || value.kind == JsonValue::Kind::Null) continue;
    const std::string where = "Go struct field HardwareCalib." + std::string(field->name);
    if (value.kind != JsonValue::Kind::Number) {
      throw Error("failed to parse hardware config " + quoted(path) + ": json: cannot unmarshal " +
                  json_kind_name(value) + " into " + where + " of type float64");
    }
    if (std::isinf(value.number)) {
      throw Error("failed to parse hardware config " + quoted(path) + ": json: cannot unmarshal number " +
                  value.text + " into " + where + " of type float64");
    }
    spec.*(field->member) = value.number;
  }
  return spec;
}

}  // namespace

ModelArchitecture load_model_architecture(const std::string& folder) {
  const std::string path = (std::filesystem::path(folder) / "config.json").string();
  return parse_model_architecture(read_text_file(path, "model config"), path);
}

ModelArchitecture parse_model_architecture(const std::string& text, const std::string& path) {
  const JsonValue root = parse_text(text, path, "model config");
  ModelArchitecture model;
  if (root.kind == JsonValue::Kind::Null) {
    model.num_kv_heads = model.num_heads;
    return model;  // decodes to a nil map: every field 0
  }
  if (root.kind != JsonValue::Kind::Object) {
    throw Error("failed to parse model config " + quoted(path) + ": json: cannot unmarshal " +
                json_kind_name(root) + " into Go value of type map[string]interface {}");
  }
  if (const JsonValue* bad = first_out_of_range_number(root)) {
    throw Error("failed to parse model config " + quoted(path) + ": json: cannot unmarshal number " +
                bad->text + " into Go value of type float64");
  }

  FlatConfig cfg;
  overlay(cfg, root);
  // Multimodal configs keep the language model under text_config; its keys win (§4.3.1).
  if (const auto it = cfg.find("text_config");
      it != cfg.end() && it->second->kind == JsonValue::Kind::Object) {
    overlay(cfg, *it->second);
  }

  model.num_layers = int_field(cfg, "num_hidden_layers");
  model.hidden_dim = int_field(cfg, "hidden_size");
  model.num_heads = int_field(cfg, "num_attention_heads");
  model.num_kv_heads = int_field(cfg, "num_key_value_heads");
  if (model.num_kv_heads == 0) model.num_kv_heads = model.num_heads;
  model.intermediate_dim = int_field(cfg, "intermediate_size");
  model.vocab_size = int_field(cfg, "vocab_size");
  model.bytes_per_param = bytes_per_param(cfg);
  return model;
}

HardwareSpec load_hardware_spec(const std::string& path, const std::string& gpu) {
  const JsonValue root = parse_text(read_text_file(path, "hardware config"), path, "hardware config");
  if (root.kind != JsonValue::Kind::Object && root.kind != JsonValue::Kind::Null) {
    throw Error("failed to parse hardware config " + quoted(path) + ": json: cannot unmarshal " +
                json_kind_name(root) + " into Go value of type map[string]HardwareCalib");
  }
  // Every entry is decoded (and can fail) even when another GPU is requested, as in the
  // reference; a later duplicate GPU name replaces the earlier entry entirely.
  std::map<std::string, HardwareSpec> entries;
  for (const auto& [name, entry] : root.members) entries[name] = decode_hardware_entry(entry, path);

  const auto it = entries.find(gpu);
  if (it == entries.end()) {
    std::vector<std::string> names;
    for (const auto& kv : entries) names.push_back(kv.first);
    std::sort(names.begin(), names.end());  // byte order, like sort.Strings
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : " ") + n;
    throw Error("GPU " + quoted(gpu) + " not found in hardware config " + quoted(path) +
                " (available: [" + list + "])");
  }
  return it->second;
}

}  // namespace blis::latency
