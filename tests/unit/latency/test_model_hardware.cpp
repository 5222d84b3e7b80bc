// Loading HuggingFace config.json (engine-core §4.3.1) and hardware JSON (§4.3.2).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/core/error.h"
#include "engine/latency/model_hardware.h"
#include "tests/unit/scratch_dir.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;
using blis::latency::HardwareSpec;
using blis::latency::load_hardware_spec;
using blis::latency::load_model_architecture;
using blis::latency::ModelArchitecture;

namespace {

const std::string kConfigs = std::string(BLIS_SOURCE_DIR) + "/model_configs";
const std::string kHardware = kConfigs + "/hardware_config.json";

// A scratch directory private to this test program run.
fs::path scratch_dir() {
  const fs::path dir = fs::path(blis::testing::scratch_dir()) / "model-hardware";
  fs::create_directories(dir);
  return dir;
}

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path path = scratch_dir() / name;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// Writes <scratch>/<folder>/config.json and returns the folder.
std::string write_model(const std::string& folder, const std::string& json) {
  return fs::path(write_file(folder + "/config.json", json)).parent_path().string();
}

std::string model_error(const std::string& folder) {
  try {
    load_model_architecture(folder);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

std::string hardware_error(const std::string& path, const std::string& gpu) {
  try {
    load_hardware_spec(path, gpu);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

void check_dims(const std::string& name, int64_t layers, int64_t dm, int64_t heads, int64_t kv,
                int64_t ff) {
  CAPTURE(name);
  const ModelArchitecture m = load_model_architecture(kConfigs + "/hf/" + name);
  CHECK(m.num_layers == layers);
  CHECK(m.hidden_dim == dm);
  CHECK(m.num_heads == heads);
  CHECK(m.num_kv_heads == kv);
  CHECK(m.intermediate_dim == ff);
  CHECK(m.bytes_per_param == 2.0);  // all shipped configs are bfloat16
}

}  // namespace

TEST_CASE("model config: the shipped configs (§4.3.1 table)") {
  check_dims("codellama-34b-instruct-hf", 48, 8192, 64, 8, 22016);
  check_dims("llama-3.1-8b-instruct", 32, 4096, 32, 8, 14336);
  check_dims("qwen2.5-1.5b-instruct", 28, 1536, 12, 2, 8960);
  check_dims("qwen2.5-3b-instruct", 36, 2048, 16, 2, 11008);
  check_dims("qwen2.5-7b-instruct", 28, 3584, 28, 4, 18944);
  check_dims("qwen3-14b", 40, 5120, 40, 8, 17408);
  CHECK(load_model_architecture(kConfigs + "/hf/llama-3.1-8b-instruct").vocab_size == 128256);
}

TEST_CASE("model config: numbers only, truncated; KV heads default to heads") {
  const ModelArchitecture m = load_model_architecture(write_model("numbers", R"({
    "num_hidden_layers": 12.9, "hidden_size": "4096", "num_attention_heads": -7.5,
    "intermediate_size": true, "vocab_size": null, "torch_dtype": "float32"})"));
  CHECK(m.num_layers == 12);
  CHECK(m.hidden_dim == 0);  // a string is not a number
  CHECK(m.num_heads == -7);
  CHECK(m.num_kv_heads == -7);  // 0/missing -> NumHeads
  CHECK(m.intermediate_dim == 0);
  CHECK(m.vocab_size == 0);
  CHECK(m.bytes_per_param == 4.0);
}

TEST_CASE("model config: torch_dtype mapping") {
  const std::pair<const char*, double> cases[] = {
      {"float32", 4}, {"float16", 2}, {"bfloat16", 2}, {"int8", 1}, {"uint8", 1}, {"fp8", 1},
      {"int4", 1},    {"nf4", 1},     {"float64", 0},  {"BFLOAT16", 0}};
  for (const auto& [dtype, bytes] : cases) {
    CAPTURE(dtype);
    const std::string folder =
        write_model(std::string("dtype-") + dtype, std::string(R"({"torch_dtype": ")") + dtype + "\"}");
    CHECK(load_model_architecture(folder).bytes_per_param == bytes);
  }
  CHECK(load_model_architecture(write_model("dtype-number", R"({"torch_dtype": 2})")).bytes_per_param == 0);
  CHECK(load_model_architecture(write_model("dtype-none", "{}")).bytes_per_param == 0);
}

TEST_CASE("model config: text_config overlays the top level; later duplicates win") {
  const ModelArchitecture m = load_model_architecture(write_model("multimodal", R"({
    "hidden_size": 1, "num_hidden_layers": 2, "num_attention_heads": 3, "torch_dtype": "float32",
    "text_config": {"hidden_size": 4096, "num_key_value_heads": 4, "torch_dtype": "bfloat16"},
    "num_hidden_layers": 30})"));
  CHECK(m.hidden_dim == 4096);
  CHECK(m.num_layers == 30);
  CHECK(m.num_heads == 3);
  CHECK(m.num_kv_heads == 4);
  CHECK(m.bytes_per_param == 2.0);

  // Only an object-valued text_config (the last one written) is used.
  const ModelArchitecture n = load_model_architecture(write_model("text-config-replaced", R"({
    "hidden_size": 1, "text_config": {"hidden_size": 4096}, "text_config": null})"));
  CHECK(n.hidden_dim == 1);
}

TEST_CASE("model config: errors name the file") {
  const std::string missing = (scratch_dir() / "no-such-model").string();
  const std::string e1 = model_error(missing);
  CHECK(e1.find(missing + "/config.json") != std::string::npos);

  const std::string bad = write_model("bad-syntax", R"({"hidden_size": 4096,})");
  const std::string e2 = model_error(bad);
  CHECK(e2.find(bad + "/config.json") != std::string::npos);
  CHECK(e2.find("invalid character '}' looking for beginning of object key string") != std::string::npos);

  const std::string e3 = model_error(write_model("array", "[1, 2]"));
  CHECK(e3.find("cannot unmarshal array") != std::string::npos);

  // Go decodes every number to float64, so an out-of-range literal anywhere is fatal.
  const std::string e4 = model_error(write_model("huge", R"({"hidden_size": 1, "x": [1e999]})"));
  CHECK(e4.find("cannot unmarshal number 1e999") != std::string::npos);

  // A null document decodes to an empty map: everything 0, no error here (validation fails later).
  const ModelArchitecture z = load_model_architecture(write_model("null-doc", "null"));
  CHECK(z.num_heads == 0);
  CHECK(z.bytes_per_param == 0);
}

TEST_CASE("hardware config: the shipped file (§4.3.2 table)") {
  const HardwareSpec h100 = load_hardware_spec(kHardware, "H100");
  CHECK(h100.tflops_peak == 989.5);
  CHECK(h100.bw_peak_tbs == 3.35);
  CHECK(h100.bw_eff_constant == 0.72);
  CHECK(h100.t_overhead_micros == 500.0);
  CHECK(h100.per_layer_overhead == 20.0);
  CHECK(h100.mfu_prefill == 0.65);
  CHECK(h100.mfu_decode == 0.12);
  CHECK(h100.all_reduce_latency == 20.0);

  const HardwareSpec a100 = load_hardware_spec(kHardware, "A100-SXM");
  CHECK(a100.tflops_peak == 312.0);
  CHECK(a100.bw_peak_tbs == 2.039);
}

TEST_CASE("hardware config: encoding/json field matching") {
  const std::string path = write_file("hw-matching.json", R"({
    "G": {"tflopspeak": 1, "TFlopsPeak": 2, "BWPEAKTBS": 3, "bweffconstant": 0.5,
          "perlayeroverhead": 7, "perLayerOverhead": null, "MfuPrefill": "ignored?",
          "mfuPrefill": 0.25, "unknownKey": "text is fine", "other": {"deep": [1e999]},
          "allreducelatency": 11, "ALLREDUCELATENCY": 12, "tOverheadMicros": 5,
          "mfu\u212Aecode": 0.5, "mfuDecode": 0.125}})");
  // "MfuPrefill" folds to a known field and a string there is fatal, even if overridden later.
  CHECK(hardware_error(path, "G").find("cannot unmarshal string") != std::string::npos);

  const std::string ok = write_file("hw-matching-ok.json", R"({
    "G": {"tflopspeak": 1, "TFlopsPeak": 2, "BWPEAKTBS": 3, "bweffconstant": 0.5,
          "perlayeroverhead": 7, "perLayerOverhead": null,
          "mfuPrefill": 0.25, "unknownKey": "text is fine", "other": {"deep": [1e999]},
          "allreducelatency": 11, "ALLREDUCELATENCY": 12, "tOverheadMicros": 5,
          "bwpea\u212Atbs": 9}})");
  const HardwareSpec g = load_hardware_spec(ok, "G");
  CHECK(g.tflops_peak == 2);            // later duplicate wins
  CHECK(g.bw_peak_tbs == 9);            // KELVIN SIGN folds to k, like Go
  CHECK(g.bw_eff_constant == 0.5);
  CHECK(g.per_layer_overhead == 7);     // null leaves the earlier value
  CHECK(g.mfu_prefill == 0.25);
  CHECK(g.mfu_decode == 0);             // missing -> 0
  CHECK(g.all_reduce_latency == 12);
  CHECK(g.t_overhead_micros == 5);
}

TEST_CASE("hardware config: duplicate GPU entries and null entries") {
  const std::string path = write_file("hw-dupes.json", R"({
    "X": {"TFlopsPeak": 1, "BwPeakTBs": 2}, "X": {"TFlopsPeak": 3}, "N": null})");
  const HardwareSpec x = load_hardware_spec(path, "X");
  CHECK(x.tflops_peak == 3);
  CHECK(x.bw_peak_tbs == 0);  // the later entry replaces the whole struct
  CHECK(load_hardware_spec(path, "N").tflops_peak == 0);
}

TEST_CASE("hardware config: errors") {
  SUBCASE("unknown GPU lists the sorted available names") {
    const std::string e = hardware_error(kHardware, "B200");
    CHECK(e.find("\"B200\"") != std::string::npos);
    CHECK(e.find(kHardware) != std::string::npos);
    CHECK(e.find("(available: [A100-SXM H100])") != std::string::npos);
  }
  SUBCASE("a non-numeric value for a known key is fatal, in any GPU entry") {
    const std::string path = write_file("hw-string.json", R"({
      "H100": {"TFlopsPeak": 989.5}, "Other": {"BwPeakTBs": "fast"}})");
    const std::string e = hardware_error(path, "H100");
    CHECK(e.find(path) != std::string::npos);
    CHECK(e.find("cannot unmarshal string into Go struct field HardwareCalib.BwPeakTBs of type float64") !=
          std::string::npos);
    const std::string path2 = write_file("hw-bool.json", R"({"H100": {"mfuDecode": true}})");
    CHECK(hardware_error(path2, "H100").find("cannot unmarshal bool") != std::string::npos);
    const std::string path3 = write_file("hw-huge.json", R"({"H100": {"mfuDecode": 1e400}})");
    CHECK(hardware_error(path3, "H100").find("cannot unmarshal number 1e400") != std::string::npos);
  }
  SUBCASE("a GPU entry or document of the wrong type") {
    const std::string path = write_file("hw-entry.json", R"({"H100": [1]})");
    CHECK(hardware_error(path, "H100").find("cannot unmarshal array") != std::string::npos);
    const std::string path2 = write_file("hw-doc.json", R"([{"H100": {}}])");
    CHECK(hardware_error(path2, "H100").find("cannot unmarshal array") != std::string::npos);
  }
  SUBCASE("syntax errors and missing files name the file") {
    const std::string path = write_file("hw-syntax.json", R"({"H100": {"TFlopsPeak": 1,}})");
    const std::string e = hardware_error(path, "H100");
    CHECK(e.find(path) != std::string::npos);
    CHECK(e.find("invalid character '}' looking for beginning of object key string") != std::string::npos);
    const std::string missing = (scratch_dir() / "missing.json").string();
    CHECK(hardware_error(missing, "H100").find(missing) != std::string::npos);
  }
  SUBCASE("an empty or null document has no GPUs") {
    const std::string path = write_file("hw-null.json", "null");
    CHECK(hardware_error(path, "H100").find("(available: [])") != std::string::npos);
  }
}
