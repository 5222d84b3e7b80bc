#include "tests/fuzz/fuzz_support.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace blis::fuzz {

MemoryFile::MemoryFile() : fd_(memfd_create("blis-fuzz-input", MFD_CLOEXEC)) {
  if (fd_ < 0) {
    std::perror("memfd_create");
    std::abort();  // the harness cannot run at all: not an input's fault
  }
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemoryFile::~MemoryFile() { close(fd_); }

const std::string& MemoryFile::set(std::string_view contents) {
  if (ftruncate(fd_, 0) != 0) std::abort();
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = pwrite(fd_, contents.data() + done, contents.size() - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
  return path_;
}

std::vector<std::string_view> split_input(std::string_view data, std::string_view separator, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const size_t at = data.find(separator);
    if (at == std::string_view::npos) break;
    parts.push_back(data.substr(0, at));
    data.remove_prefix(at + separator.size());
  }
  parts.push_back(data);
  return parts;
}

void discard_diagnostic(LogLevel, const std::string&) {}

}  // namespace blis::fuzz
