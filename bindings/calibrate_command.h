// `blis calibrate REAL.yaml SIM.yaml`: compares measurements of a real server with a simulated
// run of the same requests (cluster-workload-trace §D.18). Both are trace v2 files: the real one
// from a load generator or recorder, the simulated one written by `blis run ... --workload-trace
// REAL.yaml --export-workload SIM.yaml`. Prints the comparison; --report writes the JSON report.
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

struct CalibrateOutput {
  std::string stdout_text;
  std::vector<std::string> warnings;
};

// Throws blis::Error for bad arguments and unreadable traces. Writes --report itself.
CalibrateOutput calibrate_command(const std::vector<std::string>& args);

std::string calibrate_help();

}  // namespace blis::bindings
