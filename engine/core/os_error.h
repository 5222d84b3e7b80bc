// Operating-system error texts worded as Go prints them ("open x: no such file or directory"):
// the reference's messages quote them, and users comparing the two should see the same words.
#pragma once

#include <cctype>
#include <cstring>
#include <string>

namespace blis::core {

// strerror(err) with a lower-case first letter, as Go's syscall.Errno strings read.
inline std::string os_error_text(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace blis::core
