#include "engine/core/go_parse.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace blis::core {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

bool parse_go_float(std::string_view text, double& out) {
  if (text.empty()) return false;
  bool negative = false;
  std::string_view body = text;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (iequals(body, "inf") || iequals(body, "infinity")) {
    out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (iequals(body, "nan")) {
    if (text.front() == '+' || text.front() == '-') return false;
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body.front())) || body.front() == '.')) return false;
  double value = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, std::chars_format::general);
  if (ptr != body.data() + body.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Go returns ±Inf (overflow) or ±0 (underflow) together with ErrRange: an error.
    return false;
  }
  if (ec != std::errc()) return false;
  out = negative ? -value : value;
  return true;
}

bool parse_go_int(std::string_view text, int base, int64_t& out) {
  if (text.empty()) return false;
  bool negative = false;
  std::string_view body = text;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  bool underscores_ok = false;
  if (base == 0) {
    base = 10;
    if (body.size() >= 2 && body[0] == '0') {
      const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(body[1])));
      if (p == 'x') { base = 16; body.remove_prefix(2); underscores_ok = true; }
      else if (p == 'o') { base = 8; body.remove_prefix(2); underscores_ok = true; }
      else if (p == 'b') { base = 2; body.remove_prefix(2); underscores_ok = true; }
      else { base = 8; body.remove_prefix(1); underscores_ok = true; }
    } else {
      underscores_ok = true;
    }
  }
  std::string digits;
  for (char c : body) {
    if (c == '_' && underscores_ok) continue;
    digits.push_back(c);
  }
  if (digits.empty()) return false;
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return false;
  if (negative) {
    if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
    out = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    out = static_cast<int64_t>(magnitude);
  }
  return true;
}

}  // namespace blis::core
