// `blis compare A.lua B.lua [--seeds N] [--jobs N] [--format human|json] [--name value ...]`
// (docs/compare.md): runs both scenario files with the same seeds on worker threads and prints
// them side by side, with each figure's mean and 95% interval across the seeds and the ratio B/A
// with its paired interval.
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

// `args` follow "compare", the sandbox and limit flags already taken. Returns the exit status:
// 0, 1 when a run failed (each failure named on stderr), 128 + signal when interrupted.
// Throws Error for a usage mistake.
int compare_command(const std::vector<std::string>& args);

std::string compare_help();

}  // namespace blis::bindings
