// defaults.yaml registry (engine-core §4.4): the shipped file's contents, first-row-wins
// lookup, and the strict schema (unknown keys, wrong types, duplicates).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <tuple>

#include "engine/config/defaults_registry.h"
#include "engine/core/error.h"
#include "tests/unit/scratch_dir.h"

#ifndef BLIS_SOURCE_DIR
#error "BLIS_SOURCE_DIR must name the repository root"
#endif

namespace fs = std::filesystem;
using blis::config::CoefficientRow;
using blis::config::DefaultsRegistry;
using blis::config::PresetWorkload;

namespace {

const std::string kDefaults = std::string(BLIS_SOURCE_DIR) + "/model_configs/defaults.yaml";

const DefaultsRegistry& shipped() {
  static const DefaultsRegistry registry = DefaultsRegistry::load(kDefaults);
  return registry;
}

std::string write_yaml(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(blis::testing::scratch_dir()) / "defaults";
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::string load_error(const std::string& path) {
  try {
    DefaultsRegistry::load(path);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const char* kValidRow = R"(
- GPU: H100
  alpha_coeffs: [1, 2, 3]
  best_loss: 1.5
  beta_coeffs:
  - 4
  - 5.5
  - 6
  id: m
  tensor_parallelism: 1
  total_kv_blocks: 100
  vllm_version: v
)";

}  // namespace

TEST_CASE("defaults.yaml: the llama-3.1-8b H100 TP1 row") {
  const CoefficientRow* row =
      shipped().coefficients("meta-llama/llama-3.1-8b-instruct", 1, "H100", "vllm/vllm-openai:v0.8.4");
  REQUIRE(row != nullptr);
  CHECK(row->alpha == std::vector<double>{232.46191091038054, 1.752360364195244, 3357.4400353290152});
  CHECK(row->beta == std::vector<double>{5752.705191348184, 17.25086436834028, 5.999143920128404});
  CHECK(row->total_kv_blocks == 29205);
  CHECK(row->gpu == "H100");
  CHECK(row->tensor_parallelism == 1);
}

TEST_CASE("defaults.yaml: shape of the shipped file") {
  const auto& rows = shipped().rows();
  CHECK(rows.size() == 109);
  std::set<std::string> gpus;
  for (const CoefficientRow& r : rows) {
    gpus.insert(r.gpu);
    CHECK(r.alpha.size() == 3);
    CHECK(r.beta.size() == 3);
  }
  CHECK(gpus == std::set<std::string>{"A100-80", "H100"});
  const CoefficientRow& first = rows.front();
  CHECK(first.id == "ibm-granite/granite-3.1-8b-instruct");
  CHECK(first.gpu == "A100-80");
  CHECK(first.total_kv_blocks == 23257);
  CHECK(first.best_loss == 440.3159114711698);
}

TEST_CASE("defaults.yaml: default deployments") {
  const auto* llama = shipped().deployment("meta-llama/llama-3.1-8b-instruct");
  REQUIRE(llama != nullptr);
  CHECK(llama->gpu == "H100");
  CHECK(llama->tensor_parallelism == 2);
  CHECK(llama->vllm_version == "vllm/vllm-openai:v0.8.4");

  const auto* gpt = shipped().deployment("openai/gpt-oss-20b");
  REQUIRE(gpt != nullptr);
  CHECK(gpt->tensor_parallelism == 1);
  CHECK(gpt->vllm_version == "vllm/vllm-openai:v0.10.1.1");

  // Looked up as given: callers lower-case first.
  CHECK(shipped().deployment("Meta-Llama/Llama-3.1-8B-Instruct") == nullptr);
  CHECK(shipped().deployment("no/such-model") == nullptr);
}

TEST_CASE("defaults.yaml: every default deployment has a coefficient row") {
  const std::string models[] = {"meta-llama/llama-3.1-8b-instruct", "qwen/qwen2.5-7b-instruct",
                                "ibm-granite/granite-3.1-8b-instruct",
                                "codellama/codellama-34b-instruct-hf", "openai/gpt-oss-20b"};
  for (const std::string& m : models) {
    CAPTURE(m);
    const auto* d = shipped().deployment(m);
    REQUIRE(d != nullptr);
    CHECK(shipped().coefficients(m, d->tensor_parallelism, d->gpu, d->vllm_version) != nullptr);
  }
}

TEST_CASE("defaults.yaml: preset workloads") {
  const PresetWorkload* chatbot = shipped().preset("chatbot");
  REQUIRE(chatbot != nullptr);
  CHECK(chatbot->prefix_tokens == 0);
  CHECK(std::tie(chatbot->prompt_tokens, chatbot->prompt_tokens_stdev, chatbot->prompt_tokens_min,
                 chatbot->prompt_tokens_max) == std::make_tuple(256, 100, 2, 800));
  CHECK(std::tie(chatbot->output_tokens, chatbot->output_tokens_stdev, chatbot->output_tokens_min,
                 chatbot->output_tokens_max) == std::make_tuple(256, 100, 1, 1024));

  const PresetWorkload* summarization = shipped().preset("summarization");
  REQUIRE(summarization != nullptr);
  CHECK(std::tie(summarization->prompt_tokens, summarization->prompt_tokens_stdev,
                 summarization->prompt_tokens_min, summarization->prompt_tokens_max) ==
        std::make_tuple(4096, 500, 100, 8192));

  // multidoc omits prefix_tokens: it defaults to 0.
  const PresetWorkload* multidoc = shipped().preset("multidoc");
  REQUIRE(multidoc != nullptr);
  CHECK(multidoc->prefix_tokens == 0);
  CHECK(multidoc->prompt_tokens == 10240);
  CHECK(multidoc->output_tokens_max == 4096);

  CHECK(shipped().preset("contentgen") != nullptr);
  CHECK(shipped().preset("Chatbot") == nullptr);
}

TEST_CASE("defaults.yaml: the first matching row wins") {
  // redhatai/phi-4-fp8-dynamic H100 TP1 appears twice with different coefficients.
  int matches = 0;
  const CoefficientRow* first_in_file = nullptr;
  for (const CoefficientRow& r : shipped().rows()) {
    if (r.id == "redhatai/phi-4-fp8-dynamic" && r.gpu == "H100" && r.tensor_parallelism == 1 &&
        r.vllm_version == "vllm/vllm-openai:v0.8.4") {
      if (++matches == 1) first_in_file = &r;
    }
  }
  REQUIRE(matches == 2);
  const CoefficientRow* found =
      shipped().coefficients("redhatai/phi-4-fp8-dynamic", 1, "H100", "vllm/vllm-openai:v0.8.4");
  CHECK(found == first_in_file);

  // Also on a small file whose duplicate rows differ.
  const std::string path = write_yaml("dupe-rows.yaml", std::string("models:") + kValidRow +
                                                            R"(- GPU: H100
  alpha_coeffs: [9, 9, 9]
  beta_coeffs: [9, 9, 9]
  id: m
  tensor_parallelism: 1
  vllm_version: v
)");
  const DefaultsRegistry small = DefaultsRegistry::load(path);
  REQUIRE(small.rows().size() == 2);
  const CoefficientRow* row = small.coefficients("m", 1, "H100", "v");
  REQUIRE(row != nullptr);
  CHECK(row->alpha == std::vector<double>{1, 2, 3});
  CHECK(row->beta == std::vector<double>{4, 5.5, 6});
  CHECK(row->best_loss == 1.5);
  CHECK(row->total_kv_blocks == 100);
  CHECK(small.coefficients("m", 2, "H100", "v") == nullptr);
  CHECK(small.coefficients("m", 1, "h100", "v") == nullptr);
}

TEST_CASE("defaults.yaml: unknown keys are errors naming file, key path and line") {
  SUBCASE("top level") {
    const std::string path = write_yaml("unknown-top.yaml", "version: 0.0.1\nextras: 1\n");
    const std::string e = load_error(path);
    CHECK(contains(e, path));
    CHECK(contains(e, "line 2"));
    CHECK(contains(e, "unknown key \"extras\""));
  }
  SUBCASE("inside a model row") {
    const std::string path =
        write_yaml("unknown-row.yaml", std::string("models:") + kValidRow + "  hf_repo: x/y\n");
    const std::string e = load_error(path);
    CHECK(contains(e, path));
    CHECK(contains(e, "line 13"));
    CHECK(contains(e, "models[0].hf_repo"));
  }
  SUBCASE("inside defaults and workloads; all problems reported together") {
    const std::string path = write_yaml("unknown-nested.yaml", R"(defaults:
  some/model:
    GPU: H100
    tp: 2
workloads:
  chatbot:
    prompt_tokens: 256
    prompt_token_stdev: 100
)");
    const std::string e = load_error(path);
    CHECK(contains(e, "line 4"));
    CHECK(contains(e, "defaults.some/model.tp"));
    CHECK(contains(e, "line 8"));
    CHECK(contains(e, "workloads.chatbot.prompt_token_stdev"));
  }
}

TEST_CASE("defaults.yaml: wrong types are errors") {
  SUBCASE("string for an int") {
    const std::string path = write_yaml("type-int.yaml", "defaults:\n  m:\n    tensor_parallelism: two\n");
    const std::string e = load_error(path);
    CHECK(contains(e, path));
    CHECK(contains(e, "line 3"));
    CHECK(contains(e, "cannot unmarshal !!str `two` into int"));
    CHECK(contains(e, "defaults.m.tensor_parallelism"));
  }
  SUBCASE("quoted number for an int") {
    const std::string path = write_yaml("type-quoted.yaml", "workloads:\n  w:\n    prompt_tokens: \"5\"\n");
    CHECK(contains(load_error(path), "cannot unmarshal !!str `5` into int"));
  }
  SUBCASE("scalar for a coefficient list, string inside a list") {
    const std::string path = write_yaml("type-list.yaml", R"(models:
- alpha_coeffs: 5
  beta_coeffs: [1, x, 3]
)");
    const std::string e = load_error(path);
    CHECK(contains(e, "line 2"));
    CHECK(contains(e, "into []float64"));
    CHECK(contains(e, "line 3"));
    CHECK(contains(e, "models[0].beta_coeffs[1]"));
  }
  SUBCASE("float overflow is a string to yaml.v3") {
    const std::string path = write_yaml("type-overflow.yaml", "models:\n- best_loss: 1.5e400\n");
    CHECK(contains(load_error(path), "cannot unmarshal !!str `1.5e400` into float64"));
  }
  SUBCASE("list where a mapping is expected") {
    const std::string path = write_yaml("type-map.yaml", "defaults:\n  - a\n");
    CHECK(contains(load_error(path), "cannot unmarshal !!seq"));
    const std::string path2 = write_yaml("type-top.yaml", "- a\n- b\n");
    CHECK(contains(load_error(path2), "cannot unmarshal !!seq"));
  }
  SUBCASE("map key repeated") {
    const std::string path = write_yaml("dupe-key.yaml", "version: 1\nversion: 2\n");
    const std::string e = load_error(path);
    CHECK(contains(e, "line 2"));
    CHECK(contains(e, "mapping key \"version\" already defined at line 1"));
  }
}

TEST_CASE("defaults.yaml: yaml.v3 conversions that are accepted") {
  const std::string path = write_yaml("conversions.yaml", R"(version: 0.0.1
defaults:
  m:
    GPU: 100
    tensor_parallelism: 2.9
    vllm_version: ~
workloads:
  w:
    prompt_tokens: 0x10
    output_tokens: 1_000
    prompt_tokens_min:
models:
- id: m
  alpha_coeffs: [1, .5, -2e3]
  beta_coeffs: [~, 3, +4]
  best_loss: 1e-400
  tensor_parallelism: 1
)");
  const DefaultsRegistry r = DefaultsRegistry::load(path);
  const auto* d = r.deployment("m");
  REQUIRE(d != nullptr);
  CHECK(d->gpu == "100");                // any scalar's text into a string
  CHECK(d->tensor_parallelism == 2);     // a float into an int truncates
  CHECK(d->vllm_version.empty());        // null -> zero value
  const auto* w = r.preset("w");
  REQUIRE(w != nullptr);
  CHECK(w->prompt_tokens == 16);
  CHECK(w->output_tokens == 1000);
  CHECK(w->prompt_tokens_min == 0);
  REQUIRE(r.rows().size() == 1);
  CHECK(r.rows()[0].alpha == std::vector<double>{1, 0.5, -2000});
  CHECK(r.rows()[0].beta == std::vector<double>{3, 4});  // yaml.v3 drops null items (go-yaml issue #1011)
  CHECK(r.rows()[0].best_loss == 0);  // underflow is not an error for strconv.ParseFloat
}

TEST_CASE("defaults.yaml: file-level errors") {
  const std::string missing = (fs::path(blis::testing::scratch_dir()) / "no-such-defaults.yaml").string();
  CHECK(contains(load_error(missing), missing));

  const std::string bad = write_yaml("syntax.yaml", "models: [1, 2\nversion: 1\n");
  const std::string e = load_error(bad);
  CHECK(contains(e, bad));
  CHECK(contains(e, "line "));

  // yaml.v3's Decode fails on a file without any document, but a null document is empty.
  CHECK(contains(load_error(write_yaml("empty.yaml", "# only a comment\n")), "no YAML document"));
  const DefaultsRegistry null_doc = DefaultsRegistry::load(write_yaml("null.yaml", "~\n"));
  CHECK(null_doc.rows().empty());
  CHECK(null_doc.preset("chatbot") == nullptr);
}

// Found by fuzzing the GPU catalog, which shares the strict reader: before, this recursed until
// the stack overflowed. yaml.v3 refuses it too ("anchor 'm' value contains itself").
TEST_CASE("defaults.yaml: a merge of a mapping into itself is an error") {
  const std::string e = load_error(write_yaml("self-merge.yaml", "models:\n- &m\n  id: x\n  <<: *m\n"));
  CHECK(contains(e, "line 2: an anchor's value contains itself: the merge (<<) at models[0] includes its own mapping"));
  const std::string top = load_error(write_yaml("self-merge-top.yaml", "&top\nversion: x\n<<: *top\n"));
  CHECK(contains(top, "an anchor's value contains itself: the merge (<<) at top level includes its own mapping"));
}
