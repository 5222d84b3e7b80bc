// The `args` of a blis fit experiment (bindings/fit_list.h): `blis run` flags, checked for the
// flags blis fit sets itself or that would write files on every evaluation, and with the values
// of the file flags made relative to the list file's folder.
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

// `value` as the list names it: a relative path is taken relative to the list file's folder.
std::string list_relative_path(const std::string& list_folder, const std::string& value);

// Returns the args with relative file paths joined to `list_folder`. Throws blis::Error
// "<where>.args[i]: ..." for a flag blis fit owns (--latency-model other than physics,
// --coefficients, --compat other than corrected, --correction) or one that writes output
// (--results-path, --export-workload, --export-workload-data, --print-scenario, --help).
std::vector<std::string> checked_fit_args(const std::vector<std::string>& args, const std::string& list_folder,
                                          const std::string& where);

}  // namespace blis::bindings
