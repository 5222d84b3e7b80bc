// Shared by the libFuzzer harnesses (docs/safety.md, "Fuzzing"): a file
// that lives only in memory, for the loaders that take a path, and splitting one input into the
// several texts some formats need (a trace v2 header and its data, several shard files).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/simulation.h"

namespace blis::fuzz {

// An anonymous in-memory file (memfd): set() replaces its contents and returns a path
// (/proc/self/fd/N) that the loaders open like any file. Nothing touches the file system.
class MemoryFile {
 public:
  MemoryFile();
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  const std::string& set(std::string_view contents);

 private:
  int fd_;
  std::string path_;
};

// The parts of `data` between occurrences of `separator` (a line of its own in the seeds, so
// they stay readable), at most `max_parts`: the last part keeps any further separators.
std::vector<std::string_view> split_input(std::string_view data, std::string_view separator, size_t max_parts);

// The harnesses check that inputs fail cleanly, not what they print.
void discard_diagnostic(LogLevel, const std::string&);

}  // namespace blis::fuzz
