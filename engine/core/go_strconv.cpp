#include "engine/core/go_strconv.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <locale.h>  // newlocale, strtod_l (POSIX 2008 / glibc)
#include <stdlib.h>

namespace blis::core::go {

namespace {

char lower(char c) { return static_cast<char>(c | 0x20); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_letter(char c) { return lower(c) >= 'a' && lower(c) <= 'f'; }

// strconv's underscoreOK: '_' only between digits, or between a base prefix and a digit.
bool underscore_ok(std::string_view s) {
  char saw = '^';  // ^ start, 0 digit or prefix, _ underscore, ! anything else
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (is_digit(s[i]) || (hex && is_hex_letter(s[i]))) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

std::size_t common_prefix_ignore_case(std::string_view s, std::string_view word) {
  std::size_t n = 0;
  while (n < s.size() && n < word.size() && lower(s[n]) == word[n]) ++n;
  return n;
}

// strconv's special(): "inf", "infinity" (optionally signed) and "nan". Returns the number of
// bytes consumed, 0 when `s` does not start with one of them.
std::size_t special(std::string_view s, double& out) {
  if (s.empty()) return 0;
  std::size_t sign_length = 0;
  double sign = 1;
  if (s[0] == '+' || s[0] == '-') {
    sign = s[0] == '-' ? -1 : 1;
    sign_length = 1;
    s.remove_prefix(1);
  } else if (lower(s[0]) == 'n') {
    if (common_prefix_ignore_case(s, "nan") == 3) {
      out = std::nan("");
      return 3;
    }
    return 0;
  }
  std::size_t n = common_prefix_ignore_case(s, "infinity");
  if (n > 3 && n < 8) n = 3;  // "infin" consumes "inf" only
  if (n == 3 || n == 8) {
    out = sign * HUGE_VAL;
    return sign_length + n;
  }
  return 0;
}

// strconv's readFloat, as a syntax check: the length of the longest prefix of `s` that is a
// well-formed float literal, or 0 if there is none.
std::size_t float_literal_length(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool hex = false;
  if (i + 2 < s.size() && s[i] == '0' && lower(s[i + 1]) == 'x') {
    hex = true;
    i += 2;
  }
  bool underscores = false, saw_dot = false, saw_digits = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
    } else if (is_digit(c) || (hex && is_hex_letter(c))) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) return 0;
  const char exponent_char = hex ? 'p' : 'e';
  if (i < s.size() && lower(s[i]) == exponent_char) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !is_digit(s[i])) return 0;
    for (; i < s.size() && (is_digit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') underscores = true;
    }
  } else if (hex) {
    return 0;  // a hexadecimal mantissa requires a 'p' exponent
  }
  if (underscores && !underscore_ok(s.substr(0, i))) return 0;
  return i;
}

}  // namespace

NumError parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return NumError::kSyntax;
  const std::string_view original = s;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return NumError::kSyntax;
  // ParseUint(s, 0, 64)
  unsigned base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && lower(s[1]) == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && lower(s[1]) == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && lower(s[1]) == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  const uint64_t max_uint = ~uint64_t{0};
  const uint64_t cutoff = max_uint / base + 1;  // smallest n with n * base > max_uint
  bool underscores = false;
  uint64_t n = 0;
  for (const char c : s) {
    unsigned digit = 0;
    if (c == '_') {
      underscores = true;
      continue;
    } else if (is_digit(c)) {
      digit = static_cast<unsigned>(c - '0');
    } else if (lower(c) >= 'a' && lower(c) <= 'z') {
      digit = static_cast<unsigned>(lower(c) - 'a' + 10);
    } else {
      return NumError::kSyntax;
    }
    if (digit >= base) return NumError::kSyntax;
    // Go reports the overflow as soon as it happens, before looking at later characters.
    if (n >= cutoff) return NumError::kRange;
    n *= base;
    const uint64_t next = n + digit;
    if (next < n) return NumError::kRange;
    n = next;
  }
  if (underscores && !underscore_ok(original.substr(negative || original[0] == '+' ? 1 : 0))) return NumError::kSyntax;
  const uint64_t limit = uint64_t{1} << 63;
  if (!negative && n >= limit) return NumError::kRange;
  if (negative && n > limit) return NumError::kRange;
  out = negative ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
  return NumError::kNone;
}

namespace {

locale_t c_locale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return locale;
}

}  // namespace

NumError parse_float(std::string_view s, double& out) {
  double value = 0;
  if (const std::size_t n = special(s, value); n > 0) {
    if (n != s.size()) return NumError::kSyntax;
    out = value;
    return NumError::kNone;
  }
  const std::size_t length = float_literal_length(s);
  if (length == 0 || length != s.size()) return NumError::kSyntax;
  // The syntax is Go's; the conversion is strtod's (correctly rounded, hex floats), fed without
  // the underscores, in the "C" locale whatever the process's is: a scenario run with --unsafe
  // may call os.setlocale("de_DE.UTF-8"), where plain strtod would stop at the '.'.
  std::string digits;
  digits.reserve(s.size());
  for (const char c : s) {
    if (c != '_') digits.push_back(c);
  }
  errno = 0;
  char* end = nullptr;
  value = strtod_l(digits.c_str(), &end, c_locale());
  if (end != digits.c_str() + digits.size()) return NumError::kSyntax;
  if (errno == ERANGE && std::isinf(value)) return NumError::kRange;
  out = value;
  return NumError::kNone;
}

NumError parse_bool(std::string_view s, bool& out) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
    out = true;
    return NumError::kNone;
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    out = false;
    return NumError::kNone;
  }
  return NumError::kSyntax;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < s.size()) {
    const auto byte = static_cast<unsigned char>(s[i]);
    if (byte < 0x80) {
      switch (byte) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (byte < 0x20 || byte == 0x7f) out += fmt::format("\\x{:02x}", byte);
          else out += static_cast<char>(byte);
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: kept when valid and printable, escaped like Go otherwise.
    const std::size_t length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 0;
    bool valid = length > 0 && byte < 0xf5 && i + length <= s.size();
    uint32_t rune = length == 4 ? byte & 0x07u : length == 3 ? byte & 0x0fu : byte & 0x1fu;
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      valid = (next & 0xc0) == 0x80;
      rune = (rune << 6) | (next & 0x3fu);
    }
    const uint32_t minimum = length == 4 ? 0x10000 : length == 3 ? 0x800 : 0x80;
    valid = valid && rune >= minimum && rune <= 0x10ffff && !(rune >= 0xd800 && rune <= 0xdfff);
    if (!valid) {
      out += fmt::format("\\x{:02x}", byte);
      ++i;
      continue;
    }
    // Go's IsPrint, approximated: C1 controls, the soft hyphen and U+FFFE/U+FFFF are escaped.
    if (rune < 0xa0 || rune == 0xad || rune == 0xfffe || rune == 0xffff) {
      out += rune < 0x10000 ? fmt::format("\\u{:04x}", rune) : fmt::format("\\U{:08x}", rune);
    } else {
      out.append(s.substr(i, length));
    }
    i += length;
  }
  out += '"';
  return out;
}

std::string num_error_text(std::string_view function, std::string_view s, NumError error) {
  return fmt::format("strconv.{}: parsing {}: {}", function, quote(s),
                     error == NumError::kRange ? "value out of range" : "invalid syntax");
}

int64_t decimal_order(std::string_view lit) {
  size_t i = (!lit.empty() && (lit[0] == '-' || lit[0] == '+')) ? 1 : 0;
  int64_t int_digits = 0;
  int64_t leading_zeros = 0;  // zeros before the first non-zero digit
  bool seen_nonzero = false;
  bool after_point = false;
  for (; i < lit.size() && lit[i] != 'e' && lit[i] != 'E'; ++i) {
    if (lit[i] == '.') {
      after_point = true;
      continue;
    }
    if (!after_point) ++int_digits;
    if (!seen_nonzero) {
      if (lit[i] == '0') {
        ++leading_zeros;
      } else {
        seen_nonzero = true;
      }
    }
  }
  int64_t exponent = 0;
  if (i < lit.size()) {
    ++i;
    bool negative = false;
    if (i < lit.size() && (lit[i] == '+' || lit[i] == '-')) negative = lit[i++] == '-';
    for (; i < lit.size(); ++i) {
      if (exponent < 1000000000) exponent = exponent * 10 + (lit[i] - '0');  // saturate
    }
    if (negative) exponent = -exponent;
  }
  return int_digits - leading_zeros + exponent;
}


}  // namespace blis::core::go
