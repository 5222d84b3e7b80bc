// `blis fit LIST.lua [flags]` (docs/latency-models.md, "Fitting your own coefficients"): fits the
// physics latency model's coefficients to measured runs with the simulation in the loop. Reads the
// experiment list (fit_list.h), resolves every experiment's `blis run` flags once, searches the
// coefficients (engine/fit/fit_driver.h), prints the residual report, and writes the fitted
// coefficient file (--out) and the report's rows (--report).
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

// `blis fit --help`.
std::string fit_help();

// Runs the command; `args` are the words after "fit" (sandbox and limit flags already taken).
// `command_line` is what the user typed, recorded as the fitted file's source. Prints the report
// on stdout, progress (--progress) and warnings on stderr; returns the exit status. Throws
// blis::Error for any problem of the flags, the list, an experiment or a file.
int fit_command(const std::vector<std::string>& args, const std::string& command_line);

}  // namespace blis::bindings
