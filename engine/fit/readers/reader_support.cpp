#include "engine/fit/readers/reader_support.h"

#include <fmt/format.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/os_error.h"

namespace blis::fit::readers {

std::string read_input_file(const std::string& path, const char* what) {
  // A directory opens as a stream on Linux and then reads as empty: refuse it by name.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(fmt::format("cannot read {} {}: it is a directory", what, path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {} {}: {}", what, path, core::os_error_text(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("cannot read {} {}", what, path));
  return text.str();
}

std::optional<std::string> canonical_metric_name(std::string_view name) {
  const size_t cut = name.rfind('_');
  if (cut == std::string_view::npos) return std::nullopt;
  const std::string_view quantity = name.substr(0, cut);
  std::string_view statistic = name.substr(cut + 1);
  if (statistic == "median") statistic = "p50";
  bool known_quantity = false, known_statistic = false;
  for (const char* q : kQuantities) known_quantity = known_quantity || quantity == q;
  for (const char* s : kStatistics) known_statistic = known_statistic || statistic == s;
  if (!known_quantity || !known_statistic) return std::nullopt;
  return fmt::format("{}_{}", quantity, statistic);
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (const char* q : kQuantities) {
    for (const char* s : kStatistics) names.push_back(fmt::format("{}_{}", q, s));
  }
  return names;
}

}  // namespace blis::fit::readers
