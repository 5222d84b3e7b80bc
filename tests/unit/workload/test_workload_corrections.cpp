// The workload-generation corrections (engine/core/corrections.h, "Workload generation"): each
// switch off reproduces the reference's defect (cluster-workload-trace §D, NOTEs 2, 3, 4, 10, 11,
// 19), each switch on gives the corrected behaviour, and nothing else changes.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "engine/core/error.h"
#include "engine/workload/distribution_source.h"
#include "engine/workload/empirical_file.h"
#include "engine/workload/servegen_loader.h"
#include "engine/workload/spec_expansion.h"
#include "engine/workload/spec_source.h"
#include "engine/workload/trace_replay.h"
#include "engine/workload/workload_spec.h"
#include "tests/unit/scratch_dir.h"

using namespace blis::workload;
using blis::core::Corrections;

namespace {

const blis::DiagnosticSink quiet = [](blis::LogLevel, const std::string&) {};

// Reference switches with one correction turned on.
Corrections with(bool Corrections::*flag) {
  Corrections c;
  c.*flag = true;
  return c;
}

std::vector<GeneratedRequest> generate(const std::string& yaml, blis::Tick horizon, int64_t cap,
                                       const Corrections& corrections) {
  auto spec = parse_workload_spec(yaml, "test");
  expand_workload_sources(spec, corrections, quiet);
  validate_workload_spec(spec);
  SpecSource source(spec, spec.seed, horizon, cap, corrections, quiet);
  std::vector<GeneratedRequest> out;
  GeneratedRequest r;
  while (source.next(r)) out.push_back(r);
  return out;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = blis::testing::scratch_dir() + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

const std::string kLengths =
    "    input_distribution: {type: constant, params: {value: 10}}\n"
    "    output_distribution: {type: constant, params: {value: 5}}\n";

}  // namespace

TEST_CASE("legacy_iat_exact_mean: --rate 10 spaces arrivals 99999 us (reference) or 100000 us apart") {
  DistributionParams p;
  p.rate_per_second = 10;
  p.num_requests = 4;
  p.prompt = {5, 0, 5, 5};
  p.output = {5, 0, 5, 5};
  for (const bool corrected : {false, true}) {
    blis::core::GoRand rng(1);
    DistributionSource source(p, rng, corrected ? with(&Corrections::legacy_iat_exact_mean) : Corrections{});
    std::vector<blis::Tick> arrivals;
    GeneratedRequest r;
    while (source.next(r)) arrivals.push_back(r.arrival);
    const blis::Tick step = corrected ? 100000 : 99999;
    CHECK(arrivals == std::vector<blis::Tick>{0, step, 2 * step, 3 * step});
  }
  // A rate whose period is not whole: positions are rounded, not accumulated.
  p.rate_per_second = 3;
  blis::core::GoRand rng(1);
  DistributionSource exact(p, rng, with(&Corrections::legacy_iat_exact_mean));
  std::vector<blis::Tick> arrivals;
  GeneratedRequest r;
  while (exact.next(r)) arrivals.push_back(r.arrival);
  CHECK(arrivals == std::vector<blis::Tick>{0, 333333, 666667, 1000000});
}

namespace {

// One multi-turn client: 3 rounds, 1 s think time, sessions at 2 req/s.
std::string sessions_spec(const std::string& extra) {
  return "seed: 3\naggregate_rate: 2\nclients:\n  - id: chat\n    rate_fraction: 1\n    arrival: {process: poisson}\n" +
         kLengths + extra +
         "    reasoning:\n      multi_turn: {max_rounds: 3, think_time_us: 1000000, context_growth: accumulate}\n";
}

}  // namespace

TEST_CASE("multi_turn_respects_horizon: rounds after the horizon are generated only by the reference") {
  const blis::Tick horizon = 3'000'000;
  const auto reference = generate(sessions_spec(""), horizon, 0, Corrections{});
  const auto corrected = generate(sessions_spec(""), horizon, 0, with(&Corrections::multi_turn_respects_horizon));
  bool late = false;
  for (const auto& r : reference) late = late || r.arrival >= horizon;
  CHECK(late);
  REQUIRE(!corrected.empty());
  for (const auto& r : corrected) CHECK(r.arrival < horizon);
  CHECK(corrected.size() < reference.size());
}

TEST_CASE("multi_turn_respects_windows: sessions start and continue only inside the windows") {
  const std::string windows = "    lifecycle:\n      windows: [{start_us: 0, end_us: 2000000}]\n";
  const blis::Tick horizon = 20'000'000;
  const auto reference = generate(sessions_spec(windows), horizon, 0, Corrections{});
  const auto corrected = generate(sessions_spec(windows), horizon, 0, with(&Corrections::multi_turn_respects_windows));
  bool outside = false;
  for (const auto& r : reference) outside = outside || r.arrival >= 2'000'000;
  CHECK(outside);
  REQUIRE(!corrected.empty());
  for (const auto& r : corrected) CHECK(r.arrival < 2'000'000);
}

TEST_CASE("multi_turn_keeps_client_fields: prefix, streaming and multimodal input stay with multi-turn rounds") {
  const std::string fields =
      "    streaming: true\n    prefix_group: sys\n    prefix_length: 7\n"
      "    multimodal:\n      text_distribution: {type: constant, params: {value: 3}}\n"
      "      image_distribution: {type: constant, params: {value: 100}}\n"
      "      image_count_distribution: {type: constant, params: {value: 2}}\n";
  const auto reference = generate(sessions_spec(fields), 10'000'000, 0, Corrections{});
  const auto corrected =
      generate(sessions_spec(fields), 10'000'000, 0, with(&Corrections::multi_turn_keeps_client_fields));
  REQUIRE(reference.size() >= 3);
  REQUIRE(corrected.size() >= 3);
  // Reference: input_distribution (10 tokens), no prefix, never streaming, no image counts.
  CHECK(reference[0].input.size() == 10);
  CHECK_FALSE(reference[0].labels.streaming);
  CHECK(reference[0].labels.prefix_group.empty());
  CHECK(reference[0].labels.image_tokens == 0);
  // Corrected: 7 prefix tokens + 3 text + 2 x 100 image tokens; rounds share the prefix.
  const GeneratedRequest& first = corrected[0];
  CHECK(first.input.size() == 7 + 3 + 200);
  CHECK(first.labels.streaming);
  CHECK(first.labels.prefix_group == "sys");
  CHECK(first.labels.image_tokens == 200);
  CHECK(first.sharing.group_tokens == 7);
  for (const auto& r : corrected) {
    CHECK(std::equal(first.input.begin(), first.input.begin() + 7, r.input.begin()));
  }
}

TEST_CASE("reasoning_without_multi_turn: a reasoning block alone sets each request's reason ratio") {
  const std::string yaml =
      "seed: 1\naggregate_rate: 5\nclients:\n  - id: r\n    rate_fraction: 1\n    arrival: {process: poisson}\n" +
      kLengths + "    reasoning:\n      reason_ratio_distribution: {type: constant, params: {value: 40}}\n";
  const auto reference = generate(yaml, 10'000'000, 3, Corrections{});
  const auto corrected = generate(yaml, 10'000'000, 3, with(&Corrections::reasoning_without_multi_turn));
  REQUIRE(reference.size() == 3);
  REQUIRE(corrected.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(reference[i].labels.reason_ratio == 0);
    CHECK(corrected[i].labels.reason_ratio == doctest::Approx(0.4));
    CHECK(corrected[i].arrival == reference[i].arrival);  // a constant draws nothing
  }
}

TEST_CASE("length_floor_one: gaussian min == max and empirical samples of 0 become 1") {
  blis::core::GoRand rng(1);
  const DistSpec gaussian{"gaussian", {{"mean", 5}, {"std_dev", 1}, {"min", 0}, {"max", 0}}, ""};
  const DistSpec empirical{"empirical", {{"0", 1}}, ""};
  const DistSpec negative{"empirical", {{"-3", 0.5}, {"0", 0.5}}, ""};
  CHECK(make_length_sampler(gaussian, Corrections{}, blis::workload::SampleUse::RequestLength)->sample(rng) == 0);
  CHECK(make_length_sampler(empirical, Corrections{}, blis::workload::SampleUse::RequestLength)->sample(rng) == 0);
  const Corrections floor = with(&Corrections::length_floor_one);
  CHECK(make_length_sampler(gaussian, floor, blis::workload::SampleUse::RequestLength)->sample(rng) == 1);
  CHECK(make_length_sampler(empirical, floor, blis::workload::SampleUse::RequestLength)->sample(rng) == 1);
  auto both = make_length_sampler(negative, floor, blis::workload::SampleUse::RequestLength);
  for (int i = 0; i < 50; ++i) REQUIRE(both->sample(rng) == 1);
  // Other samplers are unchanged: a gaussian with a range still draws and rounds.
  const DistSpec ranged{"gaussian", {{"mean", 50}, {"std_dev", 10}, {"min", 1}, {"max", 100}}, ""};
  blis::core::GoRand a(9), b(9);
  auto ref = make_length_sampler(ranged, Corrections{}, blis::workload::SampleUse::RequestLength);
  auto cor = make_length_sampler(ranged, floor, blis::workload::SampleUse::RequestLength);
  for (int i = 0; i < 50; ++i) REQUIRE(ref->sample(a) == cor->sample(b));
}

TEST_CASE("empirical_file_read: the CSV reader takes rows tokens,probability and names file and line") {
  const auto bins = parse_empirical_csv("tokens,probability\n64,0.5\n 256 , 0.25\n\n1024,0.25\n", "pdf.csv");
  REQUIRE(bins.size() == 3);
  CHECK(bins[0] == std::pair<std::string, double>{"64", 0.5});
  CHECK(bins[1] == std::pair<std::string, double>{"256", 0.25});
  CHECK(parse_empirical_csv("7,1", "x.csv").size() == 1);  // the header is optional
  CHECK_THROWS_WITH(parse_empirical_csv("64,0.5\n64,0.5\n", "pdf.csv"),
                    "pdf.csv: line 2: 64 tokens already has a probability on line 1");
  CHECK_THROWS_WITH(parse_empirical_csv("64,0.5\nabc,1\n", "pdf.csv"),
                    doctest::Contains("pdf.csv: line 2: tokens must be a whole number in [0, 10000000]"));
  CHECK_THROWS_WITH(parse_empirical_csv("-1,1\n", "pdf.csv"), doctest::Contains("line 1: tokens must be"));
  CHECK_THROWS_WITH(parse_empirical_csv("10000001,1\n", "pdf.csv"), doctest::Contains("line 1: tokens must be"));
  CHECK_THROWS_WITH(parse_empirical_csv("64,NaN\n", "pdf.csv"),
                    "pdf.csv: line 1: probability must be a finite number >= 0, got \"NaN\"");
  CHECK_THROWS_WITH(parse_empirical_csv("64,0.5,1\n", "pdf.csv"),
                    "pdf.csv: line 1: expected 2 fields (tokens,probability), got 3");
  CHECK_THROWS_WITH(parse_empirical_csv("tokens,probability\n", "pdf.csv"), doctest::Contains("pdf.csv: no rows"));
  CHECK_THROWS_WITH(parse_empirical_csv("64,\"0.5\n", "pdf.csv"), doctest::Contains("pdf.csv: "));
  CHECK_THROWS_WITH(read_empirical_file(blis::testing::scratch_dir() + "/missing.csv"),
                    doctest::Contains("missing.csv: no such file or directory"));
}

TEST_CASE("empirical_file_read: a spec's file is read relative to the spec, only when corrected") {
  write_file("spec_dir/lengths/in.csv", "tokens,probability\n42,1\n");
  const std::string spec_path = write_file(
      "spec_dir/spec.yaml",
      "seed: 1\naggregate_rate: 5\nclients:\n  - id: f\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
      "    input_distribution: {type: empirical, file: lengths/in.csv}\n"
      "    output_distribution: {type: constant, params: {value: 5}}\n");
  {
    auto spec = load_workload_spec(spec_path);
    expand_workload_sources(spec, Corrections{}, quiet);
    CHECK_THROWS_WITH(SpecSource(spec, 1, 10'000'000, 2, Corrections{}, quiet),
                      doctest::Contains("reference mode does not read its file"));
  }
  const Corrections read = with(&Corrections::empirical_file_read);
  auto spec = load_workload_spec(spec_path);
  expand_workload_sources(spec, read, quiet);
  SpecSource source(spec, 1, 10'000'000, 2, read, quiet);
  GeneratedRequest r;
  REQUIRE(source.next(r));
  CHECK(r.input.size() == 42);
  // Errors name the key path, the file and the line.
  write_file("spec_dir/lengths/bad.csv", "42,1\nx,1\n");
  auto bad = parse_workload_spec(
      "aggregate_rate: 5\nclients:\n  - id: f\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
      "    input_distribution: {type: constant, params: {value: 5}}\n"
      "    output_distribution: {type: empirical, file: bad.csv}\n", "inline");
  bad.base_dir = blis::testing::scratch_dir() + "/spec_dir/lengths";
  const std::string expected = "client[0].output_distribution.file: " + bad.base_dir + "/bad.csv: line 2: ";
  CHECK_THROWS_WITH(expand_workload_sources(bad, read, quiet), doctest::Contains(expected.c_str()));
  auto both = parse_workload_spec(
      "aggregate_rate: 5\nclients:\n  - id: f\n    rate_fraction: 1\n    arrival: {process: poisson}\n"
      "    input_distribution: {type: empirical, params: {\"5\": 1}, file: in.csv}\n"
      "    output_distribution: {type: constant, params: {value: 5}}\n", "inline");
  CHECK_THROWS_WITH(expand_workload_sources(both, read, quiet),
                    "client[0].input_distribution: an empirical distribution takes its bins from params or from a "
                    "file, not both");
}

TEST_CASE("servegen_numeric_order: chunk-2 comes before chunk-10 only when corrected") {
  const std::string dir = blis::testing::scratch_dir() + "/servegen";
  for (const char* id : {"2", "10"}) {
    write_file(fmt::format("servegen/chunk-{}-trace.csv", id), "start,rate,cv,pattern\n0,5,1,poisson\n");
    // Windows "100" and "20": byte order takes "100" first, numeric order "20".
    write_file(fmt::format("servegen/chunk-{}-dataset.json", id),
               "{\"100\": {\"input_tokens\": \"{100: 1}\", \"output_tokens\": \"{10: 1}\"},"
               " \"20\": {\"input_tokens\": \"{20: 1}\", \"output_tokens\": \"{2: 1}\"}}");
  }
  const ServeGenSpec data{dir, 0, 0};
  const auto reference = load_servegen_clients(data, Corrections{}, quiet);
  const auto corrected = load_servegen_clients(data, with(&Corrections::servegen_numeric_order), quiet);
  REQUIRE(reference.size() == 2);
  REQUIRE(corrected.size() == 2);
  CHECK(reference[0].id == "servegen-chunk-10");
  CHECK(reference[0].input.params[0].first == "100");
  CHECK(corrected[0].id == "servegen-chunk-2");
  CHECK(corrected[1].id == "servegen-chunk-10");
  CHECK(corrected[0].input.params[0].first == "20");
}

TEST_CASE("replay_prefix_within_input: a group's prefix is part of the recorded input") {
  const std::string columns =
      "request_id,client_id,tenant_id,slo_class,session_id,round_index,prefix_group,streaming,input_tokens,"
      "output_tokens,text_tokens,image_tokens,audio_tokens,video_tokens,reason_ratio,arrival_time_us,send_time_us,"
      "first_chunk_time_us,last_chunk_time_us,num_chunks,status,error_message\n";
  auto trace = std::make_shared<TraceV2>();
  trace->data_path = "t.csv";
  trace->records = parse_trace_data(columns + "0,c,,,,0,g,false,80,4,0,0,0,0,0,0,0,0,0,0,ok,\n"
                                              "1,c,,,,0,g,false,30,4,0,0,0,0,0,10,10,0,0,0,ok,\n"
                                              "2,c,,,,0,,false,30,4,0,0,0,0,0,20,20,0,0,0,ok,\n",
                                    "t.csv", trace->has_sharing_columns);
  const auto replay = [&](const Corrections& c) {
    TraceReplaySource source(trace, 7, c);
    std::vector<GeneratedRequest> out;
    GeneratedRequest r;
    while (source.next(r)) out.push_back(r);
    return out;
  };
  const auto reference = replay(Corrections{});
  const auto corrected = replay(with(&Corrections::replay_prefix_within_input));
  REQUIRE(reference.size() == 3);
  REQUIRE(corrected.size() == 3);
  CHECK(reference[0].input.size() == 130);  // 50 on top of the recorded 80
  CHECK(reference[1].input.size() == 80);
  CHECK(corrected[0].input.size() == 80);
  CHECK(corrected[1].input.size() == 30);  // shorter than the prefix: its first 30 tokens
  CHECK(corrected[2].input.size() == 30);
  CHECK(corrected[0].sharing.group_tokens == 50);
  CHECK(corrected[1].sharing.group_tokens == 30);
  CHECK(std::equal(corrected[1].input.begin(), corrected[1].input.end(), corrected[0].input.begin()));
}
