// The time-series sampler alone, fed by a fake cluster: rows at every interval boundary with the
// state just before the event that crossed it, several boundaries crossed by one event, and the
// last interval written when the run ends.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/output/timeseries_sampler.h"
#include "tests/unit/scratch_dir.h"

using namespace blis::output;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Two instances whose state the test sets between events.
struct FakeCluster {
  std::vector<InstanceSample> state = std::vector<InstanceSample>(2);
  SampleSource source() {
    return [this](std::vector<InstanceSample>& out) { out = state; };
  }
};

}  // namespace

TEST_CASE("timeseries: boundaries, one event crossing several, deltas and the end-of-run rows") {
  const std::string path = blis::testing::scratch_dir() + "/timeseries_unit.csv";
  FakeCluster cluster;
  cluster.state[0].kv_blocks_total = 100;
  cluster.state[1].kv_blocks_total = 50;
  {
    TimeseriesSampler ts(path, 1000, 2, cluster.source());  // 1 ms
    // Each state change below stands for the event announced just before it.
    ts.before_event(0);  // an arrival at t=0, admitted at 200 µs and queued
    ts.count_arrival();
    ts.before_event(200);
    ts.count_admission(true);
    cluster.state[0].queue_depth = 1;
    ts.before_event(999);  // still before the first boundary: a step takes it into the batch
    cluster.state[0].queue_depth = 0;
    cluster.state[0].running = 1;
    cluster.state[0].kv_blocks_used = 4;
    cluster.state[0].prefill_tokens = 60;
    cluster.state[0].cache_hit_blocks = 2;
    ts.before_event(1000);  // exactly on the boundary: the 1 ms row shows the state before this event
    cluster.state[0].output_tokens = 1;
    ts.count_arrival();
    ts.before_event(3500);  // crosses 2 ms and 3 ms: the same state, no counts in the second
    ts.count_admission(false);
    cluster.state[0].output_tokens = 5;
    cluster.state[0].completed = 1;
    cluster.state[0].running = 0;
    cluster.state[0].kv_blocks_used = 0;
    cluster.state[1].dropped = 1;
    ts.finish(3600);  // the last interval is written at its boundary, 4 ms, with the final state
    ts.commit();
  }
  const std::string expected = std::string(kTimeseriesHeader) + "\n" +
                               // [0, 1 ms): the arrival, its admission, the prefill of 60 tokens
                               // with 2 cached blocks; the event at 1 ms is not in it
                               "1.000,instance_0,0,1,4,100,2,60,0,60000.0,0,0,,,\n"
                               "1.000,instance_1,0,0,0,50,0,0,0,0.0,0,0,,,\n"
                               "1.000,cluster,0,1,4,150,2,60,0,60000.0,0,0,1,1,0\n"
                               // [1 ms, 2 ms): the event at 1 ms: an output token, an arrival
                               "2.000,instance_0,0,1,4,100,0,0,1,1000.0,0,0,,,\n"
                               "2.000,instance_1,0,0,0,50,0,0,0,0.0,0,0,,,\n"
                               "2.000,cluster,0,1,4,150,0,0,1,1000.0,0,0,1,0,0\n"
                               // [2 ms, 3 ms): nothing happened
                               "3.000,instance_0,0,1,4,100,0,0,0,0.0,0,0,,,\n"
                               "3.000,instance_1,0,0,0,50,0,0,0,0.0,0,0,,,\n"
                               "3.000,cluster,0,1,4,150,0,0,0,0.0,0,0,0,0,0\n"
                               // [3 ms, end]: the interval the run ended in, with the final state
                               "4.000,instance_0,0,0,0,100,0,0,4,4000.0,1,0,,,\n"
                               "4.000,instance_1,0,0,0,50,0,0,0,0.0,0,1,,,\n"
                               "4.000,cluster,0,0,0,150,0,0,4,4000.0,1,1,0,0,1\n";
  CHECK(read_file(path) == expected);
  CHECK(std::string(kTimeseriesHeader) ==
        "time_ms,instance,queue_depth,running,kv_blocks_used,kv_blocks_total,cache_hit_blocks,prefill_tokens,"
        "output_tokens,tokens_per_s,completed,dropped,arrivals,admitted,rejected");
}

TEST_CASE("timeseries: a run ending exactly on a boundary, and a run cut by a later horizon") {
  const std::string path = blis::testing::scratch_dir() + "/timeseries_edges.csv";
  FakeCluster cluster;
  cluster.state.resize(1);
  {
    TimeseriesSampler ts(path, 10, 1, cluster.source());
    ts.before_event(10);  // the 10 µs row: before this event
    cluster.state[0].output_tokens = 3;
    ts.finish(10);  // ended at 10 µs: its events belong to [10, 20)
    ts.commit();
  }
  CHECK(read_file(path) == std::string(kTimeseriesHeader) + "\n" +
                               "0.010,instance_0,0,0,0,0,0,0,0,0.0,0,0,,,\n"
                               "0.010,cluster,0,0,0,0,0,0,0,0.0,0,0,0,0,0\n"
                               "0.020,instance_0,0,0,0,0,0,0,3,300000.0,0,0,,,\n"
                               "0.020,cluster,0,0,0,0,0,0,3,300000.0,0,0,0,0,0\n");
  {
    TimeseriesSampler ts(path, 10, 1, cluster.source());
    ts.before_event(5);
    ts.finish(25);  // the horizon: rows at 10 and 20 with nothing new, then the interval of 25
    ts.commit();
  }
  const std::string text = read_file(path);
  CHECK(text.find("0.010,cluster") != std::string::npos);
  CHECK(text.find("0.020,cluster") != std::string::npos);
  CHECK(text.find("0.030,instance_0,0,0,0,0,0,0,3,") == std::string::npos);  // counted at 10 µs already
  CHECK(text.find("0.010,instance_0,0,0,0,0,0,0,3,300000.0") != std::string::npos);
  CHECK(text.find("0.030,cluster") != std::string::npos);
  CHECK(text.find("0.040") == std::string::npos);
}

TEST_CASE("timeseries: a run with no event writes the first interval") {
  const std::string path = blis::testing::scratch_dir() + "/timeseries_empty.csv";
  FakeCluster cluster;
  cluster.state.resize(1);
  {
    TimeseriesSampler ts(path, 1000000, 1, cluster.source());
    ts.finish(0);
    ts.commit();
  }
  CHECK(read_file(path) == std::string(kTimeseriesHeader) + "\n" +
                               "1000.000,instance_0,0,0,0,0,0,0,0,0.0,0,0,,,\n"
                               "1000.000,cluster,0,0,0,0,0,0,0,0.0,0,0,0,0,0\n");
}
