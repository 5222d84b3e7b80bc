// The hardware catalog (engine/catalog/gpu_catalog): the shipped file, lookup by name and alias,
// the did-you-mean hint, and one test per class of error in a catalog file, each checking the
// message a user sees (file:line and key path).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/catalog/gpu_catalog.h"
#include "engine/core/error.h"
#include "tests/unit/scratch_dir.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

using blis::catalog::GpuCatalog;
using blis::catalog::GpuSpec;

namespace {

const std::string kShipped = std::string(BLIS_SOURCE_DIR) + "/model_configs/gpus.yaml";

const GpuCatalog& shipped() {
  static const GpuCatalog catalog = GpuCatalog::load(kShipped);
  return catalog;
}

// One valid entry; tests splice a bad line into it.
const char* const kGood =
    "gpus:\n"                          // line 1
    "  - name: Test-GPU\n"             // 2
    "    aliases: [TG, \"Test GPU 1\"]\n"  // 3
    "    memory_gib: 80\n"             // 4
    "    bf16_tflops: 989.5\n"         // 5
    "    fp8_tflops: 0\n"              // 6
    "    memory_bandwidth_tbs: 3.35\n"  // 7
    "    interconnect_gbs: 450\n"      // 8
    "    host_link_gbs: 64\n"          // 9
    "    cuda_memory_gib: 79.19\n"     // 10
    "    source: \"a datasheet\"\n"    // 11
    "    link_latency_us: 2\n"         // 12
    "    collective_gbs: 450\n";       // 13

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string parse_error(const std::string& text) {
  try {
    GpuCatalog::parse(text, "cat.yaml");
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("the shipped GPU catalog loads and holds the GPUs the sim2real data and the reference name") {
  const GpuCatalog& c = shipped();
  CHECK(c.gpus().size() >= 14);
  for (const char* name : {"H100-SXM", "H100-PCIe", "H200-SXM", "A100-SXM-80GB", "A100-SXM-40GB", "L40S", "L4", "A10G",
                           "RTX-4090", "RTX-PRO-6000", "B200", "GB200", "MI300X", "MI325X"}) {
    CAPTURE(name);
    const GpuSpec* g = c.find(name);
    REQUIRE(g != nullptr);
    CHECK(g->name == name);
    CHECK(!g->source.empty());
  }
  // The spellings of ../shared/sim2real (hardware columns, C_ folders), defaults.yaml and the
  // reference's hardware_config.json.
  CHECK(c.get("H100").name == "H100-SXM");
  CHECK(c.get("A100-80GB").name == "A100-SXM-80GB");
  CHECK(c.get("A100-80").name == "A100-SXM-80GB");
  CHECK(c.get("A100-SXM").name == "A100-SXM-80GB");
  CHECK(c.get("L40S").name == "L40S");
  CHECK(c.get("RTX4090").name == "RTX-4090");
  CHECK(c.get("RTXPRO6000").name == "RTX-PRO-6000");
  CHECK(c.get("NVIDIA RTX PRO 6000 Blackwell Server Edition").name == "RTX-PRO-6000");
}

TEST_CASE("the shipped catalog's figures are the datasheets' dense numbers") {
  const GpuSpec& h100 = shipped().get("H100");
  CHECK(h100.memory_gib == 80);
  CHECK(h100.bf16_tflops == 989.5);  // the reference's hardware_config.json TFlopsPeak for H100
  CHECK(h100.fp8_tflops == 1979);
  CHECK(h100.memory_bandwidth_tbs == 3.35);
  const GpuSpec& a100 = shipped().get("A100-80GB");
  CHECK(a100.bf16_tflops == 312);
  CHECK(a100.memory_bandwidth_tbs == 2.039);
  CHECK(a100.fp8_tflops == 0);  // no FP8 tensor cores
  CHECK(shipped().get("RTXPRO6000").memory_gib == 96);
  // Every GPU with FP8 tensor cores does FP8 at twice its BF16 rate or more.
  for (const GpuSpec& g : shipped().gpus()) {
    CAPTURE(g.name);
    if (g.fp8_tflops > 0) CHECK(g.fp8_tflops >= 1.99 * g.bf16_tflops);
  }
}

TEST_CASE("GPU names match ignoring case, spaces, hyphens and underscores") {
  const GpuCatalog c = GpuCatalog::parse(kGood, "cat.yaml");
  CHECK(c.find("test-gpu") == &c.gpus()[0]);
  CHECK(c.find("TEST_GPU") == &c.gpus()[0]);
  CHECK(c.find("testgpu") == &c.gpus()[0]);
  CHECK(c.find("tg") == &c.gpus()[0]);
  CHECK(c.find("test-gpu-1") == &c.gpus()[0]);
  CHECK(c.find("Test GPU 2") == nullptr);
  CHECK(c.find("") == nullptr);
  CHECK(c.find("--") == nullptr);
}

TEST_CASE("an unknown GPU name suggests the closest spelling and lists the catalog") {
  CHECK(parse_error(kGood) == "(no error)");
  const GpuCatalog c = GpuCatalog::parse(kGood, "cat.yaml");
  try {
    c.get("Test-GPX");
    FAIL("no error");
  } catch (const blis::Error& e) {
    CHECK(std::string(e.what()) ==
          "unknown GPU 'Test-GPX' in cat.yaml (did you mean 'Test-GPU'?); known GPUs: Test-GPU "
          "(blis gpus lists them with their aliases)");
  }
  try {
    shipped().get("H100-SXM5-80G");
    FAIL("no error");
  } catch (const blis::Error& e) {
    CHECK(std::string(e.what()).find("(did you mean 'H100-SXM5-80GB'?)") != std::string::npos);
  }
  try {
    shipped().get("TPU-v5e");
    FAIL("no error");
  } catch (const blis::Error& e) {
    CHECK(std::string(e.what()).find("did you mean") == std::string::npos);
    CHECK(std::string(e.what()).find("known GPUs: H100-SXM, H100-PCIe,") != std::string::npos);
  }
}

TEST_CASE("a catalog file with an unknown key names the file, line and key path") {
  CHECK(parse_error(replaced(kGood, "    fp8_tflops: 0\n", "    fp8_tflops: 0\n    fp16_tflops: 5\n")) ==
        "cat.yaml:7: unknown key \"fp16_tflops\" (at gpus[0].fp16_tflops) (did you mean 'bf16_tflops'?)");
  CHECK(parse_error(std::string(kGood) + "version: 2\n") == "cat.yaml:14: unknown key \"version\" (at version)");
}

TEST_CASE("a catalog's CUDA-reported memory cannot exceed the GPU's memory") {
  CHECK(parse_error(replaced(kGood, "cuda_memory_gib: 79.19", "cuda_memory_gib: 81")) ==
        "cat.yaml:10: gpus[0].cuda_memory_gib (81) must not exceed memory_gib (80): CUDA reports at most the memory "
        "the GPU has");
  CHECK(parse_error(replaced(kGood, "cuda_memory_gib: 79.19", "cuda_memory_gib: 0")) ==
        "cat.yaml:10: gpus[0].cuda_memory_gib must be a positive finite number of GiB, got 0");
}

TEST_CASE("every shipped GPU has a CUDA-reported memory below its datasheet size; the measured ones exact") {
  for (const blis::catalog::GpuSpec& g : shipped().gpus()) {
    CAPTURE(g.name);
    CHECK(g.cuda_memory_gib > 0.9 * g.memory_gib);
    CHECK(g.cuda_memory_gib < g.memory_gib);
  }
  // The RTX 4090 of the sim2real C_ data reported 25,250,627,584 bytes (vllm/meta.json).
  CHECK(shipped().get("RTX4090").cuda_memory_gib * (1 << 30) == 25250627584.0);
  CHECK(shipped().get("H100").cuda_memory_gib == 79.19);  // vLLM's start-up log on H100 80GB HBM3
}

TEST_CASE("a catalog entry without a required field names the entry and every missing key") {
  CHECK(parse_error(replaced(replaced(kGood, "    memory_gib: 80\n", ""), "    source: \"a datasheet\"\n", "")) ==
        "cat.yaml:2: gpus[0] (GPU 'Test-GPU') is missing memory_gib, source");
  CHECK(parse_error(replaced(kGood, "  - name: Test-GPU\n    aliases", "  - aliases")) ==
        "cat.yaml:2: gpus[0] is missing name");
  // aliases may be left out
  CHECK(parse_error(replaced(kGood, "    aliases: [TG, \"Test GPU 1\"]\n", "")) == "(no error)");
}

TEST_CASE("non-positive, NaN, infinite and non-numeric figures are refused with the key path") {
  CHECK(parse_error(replaced(kGood, "memory_gib: 80", "memory_gib: 0")) ==
        "cat.yaml:4: gpus[0].memory_gib must be a positive finite number of GiB, got 0");
  CHECK(parse_error(replaced(kGood, "bf16_tflops: 989.5", "bf16_tflops: -1")) ==
        "cat.yaml:5: gpus[0].bf16_tflops must be a positive finite number of dense TFLOP/s, got -1");
  CHECK(parse_error(replaced(kGood, "memory_bandwidth_tbs: 3.35", "memory_bandwidth_tbs: .nan")) ==
        "cat.yaml:7: gpus[0].memory_bandwidth_tbs must be a positive finite number of TB/s, got .nan");
  CHECK(parse_error(replaced(kGood, "interconnect_gbs: 450", "interconnect_gbs: .inf")) ==
        "cat.yaml:8: gpus[0].interconnect_gbs must be a positive finite number of GB/s per direction, got .inf");
  CHECK(parse_error(replaced(kGood, "fp8_tflops: 0", "fp8_tflops: -0.5")) ==
        "cat.yaml:6: gpus[0].fp8_tflops must be a finite non-negative number of dense TFLOP/s (0: none), got -0.5");
  CHECK(parse_error(replaced(kGood, "host_link_gbs: 64", "host_link_gbs: fast")) ==
        "cat.yaml:9: cannot unmarshal !!str `fast` into float64 (at gpus[0].host_link_gbs)");
  CHECK(parse_error(replaced(kGood, "host_link_gbs: 64", "host_link_gbs:")) ==
        "cat.yaml:9: gpus[0].host_link_gbs has no value (a number of GB/s per direction)");
}

TEST_CASE("names and aliases must be non-empty strings, unique across the catalog") {
  CHECK(parse_error(replaced(kGood, "name: Test-GPU", "name: \"\"")) == "cat.yaml:2: gpus[0].name must not be empty");
  CHECK(parse_error(replaced(kGood, "name: Test-GPU", "name: \"--\"")) ==
        "cat.yaml:2: gpus[0].name must contain a letter or digit, got \"--\"");
  CHECK(parse_error(replaced(kGood, "aliases: [TG, \"Test GPU 1\"]", "aliases: TG")) ==
        "cat.yaml:3: cannot unmarshal !!str `TG` into []string (at gpus[0].aliases)");
  CHECK(parse_error(replaced(kGood, "aliases: [TG, \"Test GPU 1\"]", "aliases: [TG, test_gpu]")) ==
        "cat.yaml:3: gpus[0].aliases[1] \"test_gpu\" is already a name of GPU 'Test-GPU' (line 2); names match "
        "ignoring case, spaces, '-' and '_'");
  const std::string second = replaced(replaced(std::string(kGood).substr(6), "name: Test-GPU", "name: Other"),
                                      "aliases: [TG, \"Test GPU 1\"]", "aliases: [T-G]");
  CHECK(parse_error(std::string(kGood) + second) ==
        "cat.yaml:15: gpus[1].aliases[0] \"T-G\" is already a name of GPU 'Test-GPU' (line 3); names match "
        "ignoring case, spaces, '-' and '_'");
}

TEST_CASE("a catalog's shape errors: no list, an empty list, a repeated key, YAML syntax, every problem at once") {
  CHECK(parse_error("") == "cat.yaml: the GPU catalog is empty: it needs a 'gpus' list");
  CHECK(parse_error("gpus: []\n") == "cat.yaml:1: gpus lists no GPUs");
  CHECK(parse_error("gpu:\n  - name: x\n") == "cat.yaml:1: unknown key \"gpu\" (at gpu)");
  CHECK(parse_error("gpus: {}\n") == "cat.yaml:1: cannot unmarshal !!map into []GpuSpec (at gpus)");
  CHECK(parse_error("gpus:\n  -\n") == "cat.yaml:2: gpus[0] is empty: each item of gpus is one GPU");
  CHECK(parse_error(replaced(kGood, "    memory_gib: 80\n", "    memory_gib: 80\n    memory_gib: 81\n")) ==
        "cat.yaml:5: mapping key \"memory_gib\" already defined at line 4 (at gpus[0].memory_gib)");
  CHECK(parse_error("gpus: [\n") .rfind("cat.yaml:2: YAML syntax error: ", 0) == 0);
  CHECK(parse_error(replaced(replaced(kGood, "memory_gib: 80", "memory_gib: 0"), "host_link_gbs: 64", "host_link: 64")) ==
        "cat.yaml:4: gpus[0].memory_gib must be a positive finite number of GiB, got 0\n"
        "cat.yaml:9: unknown key \"host_link\" (at gpus[0].host_link) (did you mean 'host_link_gbs'?)\n"
        "cat.yaml:2: gpus[0] (GPU 'Test-GPU') is missing host_link_gbs");
}

TEST_CASE("GpuCatalog::load reads a file and names it when it cannot") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(blis::testing::scratch_dir()) / "gpu_catalog";
  fs::create_directories(dir);
  const std::string path = (dir / "gpus.yaml").string();
  std::ofstream(path, std::ios::binary) << kGood;
  const GpuCatalog c = GpuCatalog::load(path);
  CHECK(c.path() == path);
  REQUIRE(c.gpus().size() == 1);
  CHECK(c.gpus()[0].aliases == std::vector<std::string>{"TG", "Test GPU 1"});
  CHECK(c.gpus()[0].source == "a datasheet");
  const std::string missing = (dir / "absent.yaml").string();
  try {
    GpuCatalog::load(missing);
    FAIL("no error");
  } catch (const blis::Error& e) {
    CHECK(std::string(e.what()) == "cannot read GPU catalog " + missing + ": no such file or not readable");
  }
}

TEST_CASE("a merge of an entry into itself is an error, not endless recursion (fuzzing finding)") {
  CHECK(parse_error("gpus:\n  - &b\n    name: B\n    <<: *b\n") ==
        "cat.yaml:2: an anchor's value contains itself: the merge (<<) at gpus[0] includes its own mapping\n"
        "cat.yaml:2: gpus[0] (GPU 'B') is missing memory_gib, cuda_memory_gib, bf16_tflops, fp8_tflops, "
        "memory_bandwidth_tbs, interconnect_gbs, host_link_gbs, collective_gbs, link_latency_us, source");
  // A merge of another entry is fine: it fills in the keys the entry does not set.
  const GpuCatalog c = GpuCatalog::parse(
      replaced(kGood, "  - name: Test-GPU", "  - &base\n    name: Test-GPU") + "  - <<: *base\n    name: Other\n    aliases: []\n",
      "cat.yaml");
  REQUIRE(c.gpus().size() == 2);
  CHECK(c.gpus()[1].name == "Other");
  CHECK(c.gpus()[1].memory_gib == 80);
  CHECK(c.gpus()[1].aliases.empty());
}
