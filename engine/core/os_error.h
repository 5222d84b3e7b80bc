// Operating-system error texts worded as Go prints them ("open x: no such file or directory"):
// the reference's messages quote them, and users comparing the two should see the same words.
#pragma once

#include <locale.h>  // newlocale (POSIX 2008)
#include <string.h>  // strerror_l

#include <cctype>
#include <cstring>
#include <string>

namespace blis::core {

// strerror(err) with a lower-case first letter, as Go's syscall.Errno strings read; always the
// "C" locale's English text, whatever locale a scenario set (os.setlocale under --unsafe).
inline std::string os_error_text(int err) {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  std::string text = c_locale != static_cast<locale_t>(nullptr) ? strerror_l(err, c_locale) : std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace blis::core
