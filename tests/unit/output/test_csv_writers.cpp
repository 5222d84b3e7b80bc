// The data-out CSV writers alone: field quoting, exact millisecond times, empty cells for times
// that did not happen, and the atomic streaming file under them.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/core/error.h"
#include "engine/output/csv_text.h"
#include "engine/output/requests_csv_writer.h"
#include "tests/unit/scratch_dir.h"

namespace fs = std::filesystem;
using namespace blis::output;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string field(std::string_view v) {
  std::string out;
  append_field(out, v);
  return out;
}

std::string ms(blis::Tick us) {
  std::string out;
  append_ms(out, us);
  return out;
}

}  // namespace

TEST_CASE("csv text: fields are quoted only when they must be, quotes doubled") {
  CHECK(field("batch") == "batch");
  CHECK(field("") == "");
  CHECK(field("a,b") == "\"a,b\"");
  CHECK(field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(field("two\nlines") == "\"two\nlines\"");
  CHECK(field("cr\r") == "\"cr\r\"");
  CHECK(field(" padded") == "\" padded\"");
  CHECK(field("padded ") == "\"padded \"");
  CHECK(field("in side") == "in side");
  CHECK(field("ünïcode") == "ünïcode");
}

TEST_CASE("csv text: microseconds as exact milliseconds") {
  CHECK(ms(0) == "0.000");
  CHECK(ms(5) == "0.005");
  CHECK(ms(1234567) == "1234.567");
  CHECK(ms(1000) == "1.000");
  CHECK(ms(-5) == "-0.005");
  CHECK(ms(-1234567) == "-1234.567");
  CHECK(ms(INT64_MAX) == "9223372036854775.807");
  CHECK(ms(INT64_MIN) == "-9223372036854775.808");
  std::string out;
  append_int(out, -42);
  append_fixed(out, 2.26, 1);
  CHECK(out == "-422.3");
}

TEST_CASE("requests csv: header, quoting of user strings, empty cells for times that did not happen") {
  const std::string path = blis::testing::scratch_dir() + "/requests_unit.csv";
  {
    RequestsCsvWriter w(path);
    blis::Request done;
    done.index = 7;
    done.arrival = 1500;
    done.input_len = 100;
    done.output_len = 20;
    done.instance = 2;
    done.slo_class = "inter,active";
    done.tenant_id = "acme \"east\"";
    done.has_scheduling_delay = true;
    done.scheduling_delay = 250;
    done.has_ttft = true;
    done.first_token_time = 12000;
    done.completed = true;
    done.e2e = 50001;
    w.write(done, 1700, Outcome::Completed);
    blis::Request rejected;
    rejected.index = 8;
    rejected.arrival = 2000000;
    rejected.input_len = 5;
    rejected.output_len = 6;
    w.write(rejected, RequestsCsvWriter::kNoTime, Outcome::Rejected);
    // Not committed yet: the target does not exist, only a hidden temporary file does.
    CHECK_FALSE(fs::exists(path));
    w.commit();
  }
  CHECK(read_file(path) == std::string(kRequestsCsvHeader) + "\n" +
                               "request_7,1.500,1.700,1.750,13.500,51.501,100,20,instance_2,\"inter,active\","
                               "\"acme \"\"east\"\"\",completed\n"
                               "request_8,2000.000,,,,,5,6,,,,rejected\n");
  CHECK(std::string(kRequestsCsvHeader) ==
        "request_id,arrival_ms,enqueue_ms,schedule_ms,first_token_ms,finish_ms,input_tokens,output_tokens,"
        "instance,slo_class,tenant,outcome");
}

TEST_CASE("requests csv: a writer dropped without commit leaves no file and no temporary file") {
  const std::string dir = blis::testing::scratch_dir() + "/requests_abandoned";
  fs::create_directories(dir);
  {
    RequestsCsvWriter w(dir + "/r.csv");
    blis::Request r;
    w.write(r, RequestsCsvWriter::kNoTime, Outcome::AwaitingDecision);
  }
  CHECK(fs::is_empty(dir));
}

TEST_CASE("requests csv: rows larger than the buffer are streamed, and an old file is replaced only at commit") {
  const std::string path = blis::testing::scratch_dir() + "/requests_many.csv";
  std::ofstream(path) << "old\n";
  int64_t rows = 0;
  {
    RequestsCsvWriter w(path);
    blis::Request r;
    r.slo_class = std::string(200, 'x');
    for (; rows < 20000; ++rows) {  // ~5 MB: several 1 MiB flushes
      r.index = static_cast<blis::RequestIndex>(rows);
      w.write(r, RequestsCsvWriter::kNoTime, Outcome::StillQueued);
    }
    CHECK(read_file(path) == "old\n");
    w.commit();
  }
  const std::string text = read_file(path);
  CHECK(std::count(text.begin(), text.end(), '\n') == rows + 1);
  CHECK(text.ends_with("request_19999,0.000,,,,,0,0,," + std::string(200, 'x') + ",,still_queued\n"));
}

TEST_CASE("requests csv: a path in a missing directory fails when opened, naming the file") {
  const std::string path = blis::testing::scratch_dir() + "/no/such/dir/r.csv";
  std::string message;
  try {
    RequestsCsvWriter w(path);
  } catch (const blis::Error& e) {
    message = e.what();
  }
  CHECK(message == "cannot write requests CSV " + path + ": no such file or directory");
}

TEST_CASE("outcome names") {
  CHECK(outcome_name(Outcome::Completed) == "completed");
  CHECK(outcome_name(Outcome::Rejected) == "rejected");
  CHECK(outcome_name(Outcome::DroppedUnservable) == "dropped_unservable");
  CHECK(outcome_name(Outcome::StillQueued) == "still_queued");
  CHECK(outcome_name(Outcome::StillRunning) == "still_running");
  CHECK(outcome_name(Outcome::InTransit) == "in_transit");
  CHECK(outcome_name(Outcome::AwaitingDecision) == "awaiting_decision");
}
