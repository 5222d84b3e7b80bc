// Trace v2 files (cluster-workload-trace §D.16): a YAML header and a CSV of one row per request,
// the format real measurements and simulated runs are exchanged in. Reading is strict (unknown
// header keys, malformed rows and out-of-range values are errors naming the file and line);
// writing follows the reference's byte format (yaml.v3 with 4-space indentation, Go's
// encoding/csv quoting).
//
// blis adds two trailing columns to the files it writes, after the reference's 22:
// `blis_prefix_source` and `blis_prefix_tokens` say that a request's first tokens equal the
// first tokens of an earlier request's sequence (its input, then its output). That is all a
// replay needs to rebuild the run's prefix-sharing structure exactly (prefix groups, multi-turn
// context), which token counts alone cannot express. The reference's reader ignores extra
// columns, so the files stay readable by it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blis::workload {

struct TraceServerConfig {
  std::string type, model;
  int64_t tensor_parallel = 0, max_num_seqs = 0, block_size = 0;
  double gpu_memory_utilization = 0;
  int64_t max_model_len = 0;
};

struct TraceHeader {
  int64_t trace_version = 2;
  std::string time_unit = "us";
  std::string created_at;
  std::string mode;  // "real" | "generated"
  int64_t warm_up_requests = 0;
  std::string workload_spec;
  std::optional<TraceServerConfig> server;
  std::optional<double> network_rtt_ms;  // network: { measured_rtt_ms }
};

struct TraceRecord {
  int64_t request_id = 0;
  std::string client_id, tenant_id, slo_class, session_id;
  int64_t round_index = 0;
  std::string prefix_group;
  bool streaming = false;
  int64_t input_tokens = 0, output_tokens = 0;
  int64_t text_tokens = 0, image_tokens = 0, audio_tokens = 0, video_tokens = 0;
  double reason_ratio = 0;
  int64_t arrival_time_us = 0, send_time_us = 0, first_chunk_time_us = 0, last_chunk_time_us = 0;
  int64_t num_chunks = 0;
  std::string status = "ok";
  std::string error_message;
  // blis extension: the first `prefix_tokens` tokens equal those of request `prefix_source`
  // (-1: no such request). Meaningful only when the file has the extension columns.
  int64_t prefix_source = -1;
  int64_t prefix_tokens = 0;
  int line = 0;  // where the row starts in its file (1-based; 0 for records built in memory)
};

struct TraceV2 {
  TraceHeader header;
  std::vector<TraceRecord> records;
  bool has_sharing_columns = false;  // written by blis: replay can rebuild prefix sharing exactly
  std::string header_path, data_path;
};

// The data file beside a header: "x.yaml" / "x.yml" -> "x.csv", otherwise "<path>.csv".
std::string trace_data_path_for(const std::string& header_path);

// Throws blis::Error naming the file (and line) of the first problem.
TraceV2 load_trace_v2(const std::string& header_path, const std::string& data_path);
TraceHeader parse_trace_header(const std::string& text, const std::string& origin);
// `records` get `line`; `has_sharing_columns` reports whether the blis columns are present.
std::vector<TraceRecord> parse_trace_data(const std::string& text, const std::string& origin,
                                          bool& has_sharing_columns);

std::string format_trace_header(const TraceHeader& header);
// The CSV header row plus one row per record; `sharing_columns` appends the blis columns.
std::string format_trace_data(const std::vector<TraceRecord>& records, bool sharing_columns);
// One CSV row (with its newline), as Go's encoding/csv writes it.
void append_trace_row(std::string& out, const TraceRecord& r, bool sharing_columns);

}  // namespace blis::workload
