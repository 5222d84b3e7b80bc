#include "engine/metrics/run_files.h"

#include <algorithm>
#include <utility>

#include "engine/core/atomic_file.h"
#include "engine/metrics/go_sort.h"

namespace blis::metrics {

// Registered requests in the reference's order: ids byte-sorted, then Go's unstable
// sort.Slice by arrival (engine-core §7.6.1).
std::vector<const Request*> results_order(const std::deque<Request>& requests) {
  std::vector<std::pair<std::string, const Request*>> by_id;
  for (const Request& r : requests) {
    if (r.registered) by_id.emplace_back(request_id(r.index), &r);
  }
  std::sort(by_id.begin(), by_id.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const Request*> order;
  order.reserve(by_id.size());
  for (const auto& [id, r] : by_id) order.push_back(r);
  go_sort_slice(
      order.size(),
      [&](size_t i, size_t j) {
        return static_cast<double>(order[i]->arrival) / 1e6 < static_cast<double>(order[j]->arrival) / 1e6;
      },
      [&](size_t i, size_t j) { std::swap(order[i], order[j]); });
  return order;
}

void write_request_record(JsonWriter& w, const Request& r, const std::string& handled_by) {
  w.begin_object();
  w.key("arrived_at"); w.value_float(static_cast<double>(r.arrival) / 1e6);
  w.key("requestID"); w.value_string(request_id(r.index));
  w.key("num_prefill_tokens"); w.value_int(r.input_len);
  w.key("num_decode_tokens"); w.value_int(r.output_len);
  w.key("ttft_ms"); w.value_float(r.has_ttft ? static_cast<double>(r.first_token_time) / 1e3 : 0.0);
  w.key("itl_ms"); w.value_float(r.completed ? r.tpot / 1e3 : 0.0);
  w.key("e2e_ms"); w.value_float(r.completed ? static_cast<double>(r.e2e) / 1e3 : 0.0);
  w.key("scheduling_delay_ms");
  w.value_float(r.has_scheduling_delay ? static_cast<double>(r.scheduling_delay) / 1e3 : 0.0);
  if (!r.slo_class.empty()) { w.key("slo_class"); w.value_string(r.slo_class); }
  if (!r.tenant_id.empty()) { w.key("tenant_id"); w.value_string(r.tenant_id); }
  if (!handled_by.empty()) { w.key("handled_by"); w.value_string(handled_by); }
  w.end_object();
}

// The run's workload as trace v2 (trace_export.h): each row gets the simulated times, as a
// client would have seen them with no network, and how the request ended.
void export_workload(const config::RunConfig& config, const cluster::ClusterSimulation& sim,
                     workload::WorkloadRecorder& recorder) {
  workload::TraceHeader header;
  header.mode = "generated";
  header.workload_spec = config.workload_provenance;
  workload::TraceServerConfig server;
  server.type = "blis";
  server.model = config.model_name;
  server.tensor_parallel = config.tensor_parallel;
  server.max_num_seqs = config.instance.max_running_requests;
  server.block_size = config.block_size;
  header.server = server;
  std::vector<workload::TraceRecord>& rows = recorder.records();
  const std::deque<Request>& requests = sim.requests();
  for (workload::TraceRecord& row : rows) {
    const Request& r = requests[static_cast<size_t>(row.request_id)];
    row.send_time_us = r.arrival;
    if (r.has_ttft) row.first_chunk_time_us = r.arrival + r.first_token_time;
    if (r.completed) {
      row.last_chunk_time_us = r.arrival + r.e2e;
      row.num_chunks = r.output_len;
      row.status = "ok";
    } else {
      row.status = r.instance >= 0 ? "incomplete" : "not_routed";
      if (r.instance >= 0 && !r.registered) row.error_message = "dropped: the request can never fit in the KV cache";
    }
  }
  core::write_file_atomically(config.workload_export, workload::format_trace_header(header), "workload trace");
  core::write_file_atomically(config.workload_export_data, workload::format_trace_data(rows, true), "workload trace");
}

}  // namespace blis::metrics
