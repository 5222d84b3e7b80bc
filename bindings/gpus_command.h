// `blis gpus [NAME] [--format table|json] [--catalog FILE]`: the hardware catalog as a table or
// JSON, or one GPU with its aliases, host link and source (docs/catalogs.md).
#pragma once

#include <string>
#include <vector>

namespace blis::bindings {

// The text to print on stdout. Throws blis::Error for bad arguments, an unreadable or invalid
// catalog, and an unknown GPU name (with a did-you-mean hint).
std::string gpus_command(const std::vector<std::string>& args);

std::string gpus_help();

}  // namespace blis::bindings
