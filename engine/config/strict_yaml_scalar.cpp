// yaml.v3's scalar resolution (its resolve()) for strict_yaml.h: how a plain scalar is typed
// (null, bool, int, uint, float or string), with Go's strconv rules for the numbers, so that a
// value converts (or fails to) exactly as it does when the reference decodes the same file.
#include "engine/config/strict_yaml.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "engine/core/go_strconv.h"
#include "engine/core/ticks.h"

namespace blis::config::strict_yaml {

const char* tag_name(Scalar::Kind k) {
  switch (k) {
    case Scalar::Kind::Null: return "!!null";
    case Scalar::Kind::Bool: return "!!bool";
    case Scalar::Kind::Int:
    case Scalar::Kind::Uint: return "!!int";
    case Scalar::Kind::Float: return "!!float";
    case Scalar::Kind::String: return "!!str";
  }
  return "!!str";
}

namespace {

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// strconv.ParseUint(s, 0, 64) on an unsigned, underscore-free body: 0x/0o/0b prefixes and a
// leading 0 for octal.
bool parse_go_uint_base0(std::string_view s, uint64_t& out) {
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else if (p == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (p == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  for (const char c : s) {
    const int d = digit_value(c);
    if (d >= base) return false;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

// strconv.ParseInt(s, 0, 64): optional sign, then the unsigned form, range-checked.
bool parse_go_int_base0(std::string_view s, int64_t& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t u = 0;
  if (!parse_go_uint_base0(s, u)) return false;
  if (negative) {
    if (u > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    out = static_cast<int64_t>(0 - u);
  } else {
    if (u > static_cast<uint64_t>(INT64_MAX)) return false;
    out = static_cast<int64_t>(u);
  }
  return true;
}

// yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool is_yaml_style_float(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// strconv.ParseFloat for a decimal literal; false on syntax error or overflow (Go's ErrRange),
// while underflow yields zero as in Go.
bool parse_decimal_float(std::string_view s, double& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || !(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return false;
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ptr != s.data() + s.size()) return false;
  if (res.ec == std::errc::result_out_of_range) {
    // from_chars reports overflow and underflow alike and leaves v unset.
    if (core::go::decimal_order(s) > 0) return false;  // overflow: Go's ErrRange
    v = 0;
  } else if (res.ec != std::errc()) {
    return false;
  }
  out = negative ? -v : v;
  return true;
}

}  // namespace

Scalar resolve(const YAML::Node& node) {
  Scalar r;
  if (node.IsNull()) {
    r.kind = Scalar::Kind::Null;
    return r;
  }
  const std::string& tag = node.Tag();
  const bool plain = tag == "?" || tag == "tag:yaml.org,2002:int" ||
                     tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:bool" ||
                     tag == "tag:yaml.org,2002:null";
  if (!plain) return r;  // String
  const std::string& in = node.Scalar();
  static const std::set<std::string> kTrue = {"true", "True", "TRUE"};
  static const std::set<std::string> kFalse = {"false", "False", "FALSE"};
  static const std::set<std::string> kNull = {"", "~", "null", "Null", "NULL"};
  if (kNull.count(in)) {
    r.kind = Scalar::Kind::Null;
    return r;
  }
  if (kTrue.count(in) || kFalse.count(in)) {
    r.kind = Scalar::Kind::Bool;
    return r;
  }
  if (in == ".nan" || in == ".NaN" || in == ".NAN") {
    r.kind = Scalar::Kind::Float;
    r.f = std::nan("");
    return r;
  }
  for (const char* sign : {"", "+", "-"}) {
    for (const char* inf : {".inf", ".Inf", ".INF"}) {
      if (in == std::string(sign) + inf) {
        r.kind = Scalar::Kind::Float;
        r.f = sign[0] == '-' ? -INFINITY : INFINITY;
        return r;
      }
    }
  }
  const char c0 = in[0];
  if (c0 == '.') {
    if (parse_decimal_float(in, r.f)) r.kind = Scalar::Kind::Float;
    return r;
  }
  if (c0 == '+' || c0 == '-' || (c0 >= '0' && c0 <= '9')) {
    std::string body;
    for (const char c : in) {
      if (c != '_') body += c;
    }
    if (parse_go_int_base0(body, r.i)) {
      r.kind = Scalar::Kind::Int;
    } else if (body[0] != '+' && body[0] != '-' && parse_go_uint_base0(body, r.u)) {
      r.kind = Scalar::Kind::Uint;
    } else if (is_yaml_style_float(body) && parse_decimal_float(body, r.f)) {
      r.kind = Scalar::Kind::Float;
    }
  }
  return r;
}

}  // namespace blis::config::strict_yaml
