#include "bindings/calibrate_command.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "engine/core/atomic_file.h"
#include "engine/core/corrections.h"
#include "engine/core/error.h"
#include "engine/core/go_strconv.h"
#include "engine/metrics/calibration.h"
#include "engine/workload/trace_v2.h"

namespace blis::bindings {

namespace {

struct Options {
  std::vector<std::string> files;  // real header, simulated header
  std::string real_data, sim_data, report;
  std::optional<int64_t> warm_up, rtt_us;
  double bandwidth_mbps = 0;
  // Calibration compares against measurements, not against Go BLIS: corrected unless told.
  core::CompatMode mode = core::CompatMode::Corrected;
  std::vector<std::pair<std::string, bool>> switches;  // --correction NAME=on|off, in order
  bool help = false;
};

// --correction NAME=on|off[,NAME=on|off...], as blis run reads it.
void parse_corrections(const std::string& list, std::vector<std::pair<std::string, bool>>& out) {
  std::string_view rest = list;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t eq = item.find('=');
    const std::string name(item.substr(0, eq));
    const std::string_view state = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (name.empty() || (state != "on" && state != "off")) {
      throw Error(fmt::format("invalid argument {} for \"--correction\" flag: expected NAME=on or NAME=off, got {}",
                              core::go::quote(list), core::go::quote(item)));
    }
    core::Corrections probe;
    if (probe.find(name) == nullptr) {
      throw Error(fmt::format("invalid argument {} for \"--correction\" flag: unknown correction {} "
                              "(blis corrections lists them)", core::go::quote(list), core::go::quote(name)));
    }
    out.emplace_back(name, state == "on");
  }
}

int64_t parse_count(const std::string& flag, const std::string& text) {
  int64_t v = 0;
  if (core::go::parse_int(text, v) != core::go::NumError::kNone || v < 0) {
    throw Error(fmt::format("{} needs a whole number >= 0, got {}", flag, core::go::quote(text)));
  }
  return v;
}

Options parse(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      o.files.push_back(a);
      continue;
    }
    std::string name = a, value;
    const size_t eq = a.find('=');
    if (eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    } else {
      if (i + 1 >= args.size()) throw Error(fmt::format("flag needs an argument: {}", a));
      value = args[++i];
    }
    if (name == "--real-data") o.real_data = value;
    else if (name == "--sim-data") o.sim_data = value;
    else if (name == "--report") o.report = value;
    else if (name == "--warm-up") o.warm_up = parse_count(name, value);
    else if (name == "--network-rtt-us") o.rtt_us = parse_count(name, value);
    else if (name == "--compat") {
      if (value == "reference") o.mode = core::CompatMode::Reference;
      else if (value == "corrected") o.mode = core::CompatMode::Corrected;
      else throw Error(fmt::format("invalid argument {} for \"--compat\" flag: must be reference or corrected",
                                   core::go::quote(value)));
    } else if (name == "--correction") parse_corrections(value, o.switches);
    else if (name == "--bandwidth-mbps") {
      if (core::go::parse_float(value, o.bandwidth_mbps) != core::go::NumError::kNone ||
          !std::isfinite(o.bandwidth_mbps) || o.bandwidth_mbps < 0) {
        throw Error(fmt::format("--bandwidth-mbps needs a finite number >= 0, got {}", core::go::quote(value)));
      }
    } else {
      throw Error(fmt::format("unknown flag: {} (see blis calibrate --help)", name));
    }
  }
  return o;
}

workload::TraceV2 load(const std::string& header, const std::string& data, const char* which) {
  try {
    return workload::load_trace_v2(header, data.empty() ? workload::trace_data_path_for(header) : data);
  } catch (const Error& e) {
    throw Error(fmt::format("the {} trace: {}", which, e.what()));
  }
}

}  // namespace

std::string calibrate_help() {
  return "usage: blis calibrate REAL.yaml SIM.yaml [flags]\n\n"
         "Compares measured latencies (REAL, a trace v2 file) with a simulated run of the same requests\n"
         "(SIM, written by: blis run ... --workload-trace REAL.yaml --export-workload SIM.yaml). Requests\n"
         "are paired by request_id; TTFT, per-request ITL and E2E get percentiles, MAPE, Pearson r,\n"
         "bias and a quality grade.\n\n"
         "flags:\n"
         "  --real-data FILE        REAL's data CSV (default: REAL with .csv)\n"
         "  --sim-data FILE         SIM's data CSV (default: SIM with .csv)\n"
         "  --warm-up N             leave out real requests with id < N (default: REAL's warm_up_requests)\n"
         "  --network-rtt-us N      round trip added to simulated times (default: REAL's network.measured_rtt_ms)\n"
         "  --bandwidth-mbps X      add upload/download time of 4-byte tokens at X Mbit/s (default: 0, none)\n"
         "  --report FILE           write the JSON calibration report\n"
         "  --compat MODE           corrected (default): leave out real requests whose status is not ok and\n"
         "                          count one with a negative latency once; reference: as Go BLIS does\n"
         "  --correction NAME=on|off[,...]  switch single corrections on top of --compat\n"
         "                          (calibration_excludes_failed, calibration_negative_latency_once)\n";
}

CalibrateOutput calibrate_command(const std::vector<std::string>& args) {
  const Options o = parse(args);
  CalibrateOutput out;
  if (o.help) {
    out.stdout_text = calibrate_help();
    return out;
  }
  if (o.files.size() != 2) {
    throw Error(fmt::format("blis calibrate needs two trace v2 headers, REAL.yaml and SIM.yaml; got {} file name(s)",
                            o.files.size()));
  }
  const workload::TraceV2 real = load(o.files[0], o.real_data, "real");
  const workload::TraceV2 sim = load(o.files[1], o.sim_data, "simulated");

  metrics::CalibrationConfig config;
  config.warm_up_requests = o.warm_up.value_or(real.header.warm_up_requests);
  config.network_rtt_us =
      o.rtt_us.value_or(static_cast<int64_t>(std::llround(real.header.network_rtt_ms.value_or(0) * 1000)));
  config.bandwidth_mbps = o.bandwidth_mbps;
  config.corrections = core::Corrections::for_mode(o.mode);
  for (const auto& [name, on] : o.switches) *config.corrections.find(name) = on;

  std::vector<metrics::SimulatedRequest> simulated;
  for (const workload::TraceRecord& r : sim.records) {
    if (r.status != "ok") continue;  // only completed requests have latencies
    simulated.push_back({r.request_id, static_cast<double>(r.first_chunk_time_us - r.send_time_us),
                         static_cast<double>(r.last_chunk_time_us - r.send_time_us), r.input_tokens, r.output_tokens});
  }

  // The server settings both traces record: equal ones are "matched"; ones only the simulated
  // run states (the real trace is silent) are "defaulted"; differences are worth a warning.
  std::vector<std::string> matched, defaulted;
  const workload::TraceServerConfig none;
  const workload::TraceServerConfig& rs = real.header.server ? *real.header.server : none;
  const workload::TraceServerConfig& ss = sim.header.server ? *sim.header.server : none;
  const auto compare = [&](const char* name, const std::string& a, const std::string& b) {
    if (b.empty()) return;
    if (a.empty()) defaulted.push_back(name);
    else if (a == b) matched.push_back(name);
    else out.warnings.push_back(fmt::format("the simulated run has {} {}, the real server {}", name, b, a));
  };
  const auto text = [](int64_t v) { return v == 0 ? std::string() : std::to_string(v); };
  compare("model", rs.model, ss.model);
  compare("tensor_parallel", text(rs.tensor_parallel), text(ss.tensor_parallel));
  compare("max_num_seqs", text(rs.max_num_seqs), text(ss.max_num_seqs));
  compare("block_size", text(rs.block_size), text(ss.block_size));

  const metrics::CalibrationPairs pairs = metrics::pair_requests(real.records, simulated, config);
  const metrics::CalibrationReport report = metrics::build_calibration_report(pairs, matched, defaulted);
  if (pairs.matched == 0) {
    out.warnings.push_back("no real request has a simulated request with the same request_id");
  }
  out.stdout_text = metrics::calibration_report_text(report, o.files[0], o.files[1]);
  if (!o.report.empty()) {
    core::write_file_atomically(o.report, metrics::calibration_report_json(report), "the calibration report");
  }
  return out;
}

}  // namespace blis::bindings
