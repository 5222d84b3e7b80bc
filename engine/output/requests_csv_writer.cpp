#include "engine/output/requests_csv_writer.h"

namespace blis::output {

const std::string_view kRequestsCsvHeader =
    "request_id,arrival_ms,enqueue_ms,schedule_ms,first_token_ms,finish_ms,input_tokens,output_tokens,instance,"
    "slo_class,tenant,outcome";

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Completed: return "completed";
    case Outcome::Rejected: return "rejected";
    case Outcome::DroppedUnservable: return "dropped_unservable";
    case Outcome::StillQueued: return "still_queued";
    case Outcome::StillRunning: return "still_running";
    case Outcome::InTransit: return "in_transit";
    case Outcome::AwaitingDecision: return "awaiting_decision";
  }
  return "unknown";
}

RequestsCsvWriter::RequestsCsvWriter(const std::string& path) : file_(path, "requests CSV") {
  file_.buffer().append(kRequestsCsvHeader);
  file_.end_row();
}

void RequestsCsvWriter::write(const Request& r, Tick enqueued, Outcome outcome) {
  std::string& out = file_.buffer();
  // A time that did not happen is an empty cell.
  const auto time_cell = [&out](bool happened, Tick at) {
    if (happened) append_ms(out, at);
    out.push_back(',');
  };
  out.append("request_");
  append_int(out, r.index);
  out.push_back(',');
  time_cell(true, r.arrival);
  time_cell(enqueued != kNoTime, enqueued);
  // The times the report's metrics are measured to: the scheduling delay, TTFT and E2E, each
  // relative to the arrival (wrapping, as the engine adds them).
  time_cell(r.has_scheduling_delay, wrap_add(r.arrival, r.scheduling_delay));
  time_cell(r.has_ttft, wrap_add(r.arrival, r.first_token_time));
  time_cell(r.completed, wrap_add(r.arrival, r.e2e));
  append_int(out, r.input_len);
  out.push_back(',');
  append_int(out, r.output_len);
  out.push_back(',');
  if (r.instance >= 0) {
    out.append("instance_");
    append_int(out, r.instance);
  }
  out.push_back(',');
  append_field(out, r.slo_class);
  out.push_back(',');
  append_field(out, r.tenant_id);
  out.push_back(',');
  out.append(outcome_name(outcome));
  file_.end_row();
}

}  // namespace blis::output
