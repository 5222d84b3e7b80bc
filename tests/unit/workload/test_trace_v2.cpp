// Trace v2 files: the byte format written (Go's encoding/csv quoting, yaml.v3 header layout),
// strict reading with file:line messages, the recorder's sharing columns, and replay in both
// modes (exact sharing from blis's columns; the reference's 50-token group prefix otherwise).
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/error.h"
#include "engine/workload/trace_export.h"
#include "engine/workload/trace_replay.h"
#include "engine/workload/trace_v2.h"

using namespace blis::workload;

namespace {

const std::string kColumns =
    "request_id,client_id,tenant_id,slo_class,session_id,round_index,prefix_group,streaming,input_tokens,"
    "output_tokens,text_tokens,image_tokens,audio_tokens,video_tokens,reason_ratio,arrival_time_us,send_time_us,"
    "first_chunk_time_us,last_chunk_time_us,num_chunks,status,error_message";

std::string row(int id, const std::string& group, int input, int output, long arrival) {
  return fmt::format("{},c,,,,0,{},false,{},{},0,0,0,0,0,{},{},0,0,0,ok,", id, group, input, output, arrival, arrival);
}

std::shared_ptr<TraceV2> trace_of(const std::string& csv) {
  auto t = std::make_shared<TraceV2>();
  t->data_path = "t.csv";
  t->records = parse_trace_data(csv, "t.csv", t->has_sharing_columns);
  return t;
}

std::string load_error(const std::string& csv) {
  try {
    auto t = trace_of(csv);
    check_replayable(*t);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

std::vector<GeneratedRequest> replay(std::shared_ptr<TraceV2> t, int64_t seed = 7) {
  TraceReplaySource source(std::move(t), seed, blis::core::Corrections{});
  std::vector<GeneratedRequest> out;
  GeneratedRequest r;
  while (source.next(r)) out.push_back(r);
  return out;
}

size_t common_prefix(const GeneratedRequest& a, const GeneratedRequest& b) {
  std::vector<blis::kv::Token> x = a.input, y = b.input;
  x.insert(x.end(), a.output.begin(), a.output.end());
  y.insert(y.end(), b.output.begin(), b.output.end());
  return static_cast<size_t>(std::mismatch(x.begin(), x.end(), y.begin(), y.end()).first - x.begin());
}

// A source handing out prepared requests, for the recorder.
class ListSource final : public RequestSource {
 public:
  explicit ListSource(std::vector<GeneratedRequest> list) : list_(std::move(list)) {}
  bool next(GeneratedRequest& out) override {
    if (at_ >= list_.size()) return false;
    out = list_[at_++];
    return true;
  }

 private:
  std::vector<GeneratedRequest> list_;
  size_t at_ = 0;
};

}  // namespace

TEST_CASE("trace v2: rows are written as Go's encoding/csv writes them") {
  TraceRecord r;
  r.request_id = 3;
  r.client_id = "a,b";
  r.tenant_id = "say \"hi\"";
  r.slo_class = " lead";
  r.session_id = "\\.";
  r.prefix_group = "\xC2\xA0nbsp";
  r.streaming = true;
  r.input_tokens = 10;
  r.output_tokens = 2;
  r.reason_ratio = 0.0000001;
  r.arrival_time_us = 5;
  r.error_message = "line1\nline2";
  std::string out;
  append_trace_row(out, r, false);
  CHECK(out ==
        "3,\"a,b\",\"say \"\"hi\"\"\",\" lead\",\"\\.\",0,\"\xC2\xA0nbsp\",true,10,2,0,0,0,0,0.0000001,5,0,0,0,0,ok,"
        "\"line1\nline2\"\n");
  r.reason_ratio = 0.25;
  r.client_id = "plain";
  r.tenant_id = "";
  r.slo_class = "batch";
  r.session_id = "trailing ";  // only a leading space needs quotes
  r.prefix_group = "";
  r.error_message = "";
  r.prefix_source = 1;
  r.prefix_tokens = 50;
  out.clear();
  append_trace_row(out, r, true);
  CHECK(out == "3,plain,,batch,trailing ,0,,true,10,2,0,0,0,0,0.25,5,0,0,0,0,ok,,1,50\n");
}

TEST_CASE("trace v2: the header is yaml.v3's layout and reads back") {
  TraceHeader h;
  h.mode = "generated";
  h.workload_spec = "examples/x.yaml";
  h.server = TraceServerConfig{"blis", "meta-llama/llama-3.1-8b-instruct", 2, 256, 16, 0, 0};
  h.network_rtt_ms = 1.5;
  const std::string text = format_trace_header(h);
  CHECK(text ==
        "trace_version: 2\ntime_unit: us\nmode: generated\nwarm_up_requests: 0\nworkload_spec: examples/x.yaml\n"
        "server:\n    type: blis\n    model: meta-llama/llama-3.1-8b-instruct\n    tensor_parallel: 2\n"
        "    max_num_seqs: 256\n    block_size: 16\nnetwork:\n    measured_rtt_ms: 1.5\n");
  const TraceHeader back = parse_trace_header(text, "h.yaml");
  CHECK(back.mode == "generated");
  CHECK(back.server->model == "meta-llama/llama-3.1-8b-instruct");
  CHECK(back.server->tensor_parallel == 2);
  CHECK(*back.network_rtt_ms == 1.5);
  h = TraceHeader{};
  h.mode = "";
  h.time_unit = "true";  // would read back as a boolean unquoted
  CHECK(format_trace_header(h) == "trace_version: 2\ntime_unit: \"true\"\nmode: \"\"\nwarm_up_requests: 0\n");
  CHECK(parse_trace_header(format_trace_header(h), "h.yaml").time_unit == "true");
}

TEST_CASE("trace v2: the header is read strictly") {
  const auto error = [](const std::string& yaml) {
    try {
      parse_trace_header(yaml, "h.yaml");
    } catch (const blis::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error("trace_version: 2\nmode: real\nwarmup_requests: 3\n").find("h.yaml: line 3: unknown key") !=
        std::string::npos);
  CHECK(error("trace_version: two\n").find("line 1") != std::string::npos);
  CHECK(error("server:\n    gpus: 4\n").find("line 2") != std::string::npos);
  CHECK(error("") == "parsing trace header: EOF (h.yaml holds no YAML document)");
  CHECK(error("warm_up_requests: -1\n") == "parsing trace header: h.yaml: warm_up_requests must be >= 0, got -1");
}

TEST_CASE("trace v2: malformed rows name the file, line and column") {
  const std::string head = kColumns + "\n";
  CHECK(load_error(head + row(0, "", 5, 5, 0) + "\n1,c,t\n") ==
        "t.csv: line 3: the row has 3 columns, a trace v2 row needs at least 22");
  CHECK(load_error(head + "1x,c,,,,0,,false,1,1,0,0,0,0,0,0,0,0,0,0,ok,\n") ==
        "t.csv: line 2: column 1 (request_id): \"1x\" is not an integer");
  CHECK(load_error(head + "1,c,,,,0,,false,1_0,1,0,0,0,0,0,0,0,0,0,0,ok,\n") ==
        "t.csv: line 2: column 9 (input_tokens): \"1_0\" is not an integer");
  CHECK(load_error(head + "1,c,,,,0,,false,1,-2,0,0,0,0,0,0,0,0,0,0,ok,\n") ==
        "t.csv: line 2: column 10 (output_tokens): -2 is negative");
  CHECK(load_error(head + "1,c,,,,0,,maybe,1,1,0,0,0,0,0,0,0,0,0,0,ok,\n") ==
        "t.csv: line 2: column 8 (streaming): \"maybe\" is not a boolean (true or false)");
  CHECK(load_error(head + "1,c,,,,0,,T,1,1,0,0,0,0,NaN,0,0,0,0,0,ok,\n") ==
        "t.csv: line 2: column 15 (reason_ratio): NaN is outside [0, 1]");
  CHECK(load_error(head + row(4, "", 1, 1, 0) + "\n" + row(4, "", 1, 1, 3) + "\n") ==
        "t.csv: line 3: request_id 4 repeats line 2");
  CHECK(load_error(head + "1,\"c,,,,0,,false,1,1,0,0,0,0,0,0,0,0,0,0,ok,\n") ==
        "t.csv: parse error on line 2, column 45: extraneous or missing \" in quoted-field");
  CHECK(load_error(head) == "t.csv: the trace has no requests");
  CHECK(load_error("") == "t.csv: reading CSV header: EOF (the file is empty)");
  const std::string shared = head.substr(0, head.size() - 1) + ",blis_prefix_source,blis_prefix_tokens\n";
  CHECK(load_error(shared + row(0, "", 5, 5, 0) + ",,\n" + row(1, "", 5, 5, 0) + ",0,11\n") ==
        "t.csv: line 3: blis_prefix_tokens 11 is more than the 10 tokens the two requests can share");
  CHECK(load_error(shared + row(0, "", 5, 5, 0) + ",1,2\n" + row(1, "", 5, 5, 0) + ",,\n") ==
        "t.csv: line 2: blis_prefix_source 1 is not the request_id of an earlier row");
  CHECK(load_error(shared + row(0, "", 5, 5, 0) + ",x,2\n") ==
        "t.csv: line 2: column 23 (blis_prefix_source): \"x\" is not an integer >= 0");
}

TEST_CASE("trace v2 replay without blis columns follows the reference: 50-token group prefixes, arrival order") {
  auto t = trace_of(kColumns + "\n" + row(10, "g", 20, 3, 500) + "\n" + row(11, "", 7, 2, 100) + "\n" +
                    row(12, "g", 30, 4, 500) + "\n" + row(13, "h", 5, 1, 100) + "\n");
  CHECK_FALSE(t->has_sharing_columns);
  const auto out = replay(t);
  REQUIRE(out.size() == 4);
  // Stable by arrival: 11 and 13 (100 µs, file order), then 10 and 12 (500 µs).
  CHECK(out[0].id == 11);
  CHECK(out[1].id == 13);
  CHECK(out[2].id == 10);
  CHECK(out[3].id == 12);
  // NOTE §D.17: the prefix comes on top of the recorded input count.
  CHECK(out[2].input.size() == 70);
  CHECK(out[3].input.size() == 80);
  CHECK(out[1].input.size() == 55);
  CHECK(out[0].input.size() == 7);
  CHECK(out[2].output.size() == 3);
  CHECK(common_prefix(out[2], out[3]) >= 50);
  CHECK(common_prefix(out[2], out[3]) < 52);
  CHECK(common_prefix(out[1], out[2]) < 2);
  CHECK(out[2].arrival == 500);
  CHECK(out[2].labels.prefix_group == "g");
}

TEST_CASE("trace v2 replay with blis columns rebuilds exactly the recorded sharing") {
  const std::string head = kColumns + ",blis_prefix_source,blis_prefix_tokens\n";
  auto t = trace_of(head + row(0, "", 40, 10, 0) + ",,\n" +   // a first round
                    row(1, "", 30, 5, 10) + ",,\n" +          // unrelated
                    row(2, "", 70, 8, 20) + ",0,50\n" +       // the next round: all of request 0
                    row(3, "", 60, 1, 30) + ",2,61\n");       // shares request 2's input and 0 beyond
  CHECK(t->has_sharing_columns);
  for (const int64_t seed : {1, 7, 42}) {
    const auto out = replay(t, seed);
    REQUIRE(out.size() == 4);
    CHECK(out[2].input.size() == 70);
    CHECK(out[2].output.size() == 8);
    CHECK(common_prefix(out[0], out[2]) == 50);
    CHECK(common_prefix(out[2], out[3]) == 61);
    CHECK(common_prefix(out[0], out[3]) == 50);  // through request 2
    CHECK(common_prefix(out[1], out[2]) == 0);
  }
}

TEST_CASE("the workload recorder turns sharing hints into the earliest request with that prefix") {
  std::vector<GeneratedRequest> list(5);
  for (int i = 0; i < 5; ++i) {
    list[i].id = i;
    list[i].arrival = i * 10;
    list[i].input.assign(20 + i, 1);
    list[i].output.assign(4, 2);
  }
  list[0].sharing.group = "sys";
  list[0].sharing.group_tokens = 16;
  list[2].sharing.group = "sys";
  list[2].sharing.group_tokens = 16;
  list[1].sharing.session = 9;
  list[3].sharing.session = 9;
  list[3].sharing.session_tokens = 25;  // request 1: 21 input + 4 output
  list[4].sharing.literal = true;
  WorkloadRecorder recorder(std::make_unique<ListSource>(list), 16);
  GeneratedRequest r;
  while (recorder.next(r)) {
  }
  const auto& rows = recorder.records();
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].prefix_source == -1);
  CHECK(rows[2].prefix_source == 0);
  CHECK(rows[2].prefix_tokens == 16);
  CHECK(rows[1].prefix_source == -1);
  CHECK(rows[3].prefix_source == 1);
  CHECK(rows[3].prefix_tokens == 25);
  CHECK(rows[4].prefix_source == -1);
  CHECK(rows[3].input_tokens == 23);
}

TEST_CASE("the workload recorder finds the sharing between explicit token lists itself") {
  const auto request = [](int64_t id, std::vector<blis::kv::Token> input, std::vector<blis::kv::Token> output) {
    GeneratedRequest r;
    r.id = id;
    r.arrival = id;
    r.input = std::move(input);
    r.output = std::move(output);
    r.sharing.literal = true;
    return r;
  };
  const std::vector<blis::kv::Token> a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  std::vector<GeneratedRequest> list = {
      request(0, a, {50, 51}),
      request(1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99, 98}, {7}),  // 2 blocks of 4, then 2 tokens
      request(2, {1, 2, 3, 7}, {8}),                             // less than a block: nothing
      request(3, a, {50, 51, 52, 53, 54}),                       // all of request 0, output included
      request(4, {9, 9, 9, 9}, {1}),
  };
  WorkloadRecorder recorder(std::make_unique<ListSource>(list), 4);
  GeneratedRequest r;
  while (recorder.next(r)) {
  }
  const auto& rows = recorder.records();
  CHECK(rows[0].prefix_source == -1);
  CHECK(rows[1].prefix_source == 0);
  CHECK(rows[1].prefix_tokens == 10);
  CHECK(rows[2].prefix_source == -1);
  CHECK(rows[3].prefix_source == 0);
  CHECK(rows[3].prefix_tokens == 14);
  CHECK(rows[4].prefix_source == -1);
}
