// Go 1.19's text forms of numbers and strings (engine-core §7.3, §7.4; cluster-workload-trace
// §E.7). Numbers are built from the shortest round-trip digits (std::to_chars picks the same
// digit string as Go's strconv: the shortest one that reads back to the same double, the closest
// to the exact value among those) and then laid out by hand the way strconv's %e / %f writers do,
// because C++'s own layouts differ (e.g. chars_format::fixed prints the exact integer value of
// large doubles where Go pads the shortest digits with zeros).
#include "engine/metrics/go_json.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "engine/core/error.h"

namespace blis::metrics {
namespace {

// A finite double as Go's strconv sees it: value = 0.d1d2...dn × 10^point, no trailing zeros
// in digits, digits empty for zero.
struct ShortestDecimal {
  bool negative = false;
  std::string digits;
  int point = 0;
};

ShortestDecimal shortest_decimal(double x) {
  ShortestDecimal d;
  d.negative = std::signbit(x);
  const double magnitude = std::fabs(x);
  if (magnitude == 0) return d;
  char buf[64];
  const auto result =
      std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::scientific);
  if (result.ec != std::errc()) throw Error("go_json: cannot format a double");
  // Layout of to_chars: d[.ddd]e(+|-)XX[X].
  const std::string_view text(buf, static_cast<size_t>(result.ptr - buf));
  const size_t e_pos = text.find('e');
  for (size_t i = 0; i < e_pos; ++i) {
    if (text[i] != '.') d.digits.push_back(text[i]);
  }
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  int exponent = 0;
  const char* exp_begin = text.data() + e_pos + 1;
  if (*exp_begin == '+') ++exp_begin;  // from_chars accepts '-' but not '+'
  std::from_chars(exp_begin, text.data() + text.size(), exponent);
  d.point = exponent + 1;
  return d;
}

// strconv's %f layout of the shortest digits: every digit of the shortest set, integer part
// padded with zeros, no decimal point when there is no fractional digit.
std::string positional(const ShortestDecimal& d) {
  const int nd = static_cast<int>(d.digits.size());
  std::string out;
  if (d.negative) out.push_back('-');
  if (d.point > 0) {
    for (int i = 0; i < d.point; ++i)
      out.push_back(i < nd ? d.digits[static_cast<size_t>(i)] : '0');
  } else {
    out.push_back('0');
  }
  const int fraction_digits = nd - d.point;
  if (fraction_digits > 0) {
    out.push_back('.');
    for (int i = 0; i < fraction_digits; ++i) {
      const int j = d.point + i;
      out.push_back(j >= 0 && j < nd ? d.digits[static_cast<size_t>(j)] : '0');
    }
  }
  return out;
}

// strconv's %e layout of the shortest digits: d[.ddd]e±XX with at least two exponent digits.
std::string exponential(const ShortestDecimal& d) {
  std::string out;
  if (d.negative) out.push_back('-');
  out.push_back(d.digits.empty() ? '0' : d.digits[0]);
  if (d.digits.size() > 1) {
    out.push_back('.');
    out.append(d.digits, 1, std::string::npos);
  }
  out.push_back('e');
  int exponent = d.digits.empty() ? 0 : d.point - 1;
  out.push_back(exponent < 0 ? '-' : '+');
  if (exponent < 0) exponent = -exponent;
  if (exponent < 10) out.push_back('0');
  out += std::to_string(exponent);
  return out;
}

// Go's spelling of the non-finite values in strconv and fmt ("+Inf" keeps its sign).
const char* non_finite_text(double x) {
  if (std::isnan(x)) return "NaN";
  return x > 0 ? "+Inf" : "-Inf";
}

// Hex digits of encoding/json's \u00XX escapes (lower case).
constexpr char kHexDigits[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at s[i], or 0 if Go's utf8.DecodeRuneInString
// would return (RuneError, 1) there: bad lead byte, bad or missing continuation byte, overlong
// form, surrogate, or a code point above U+10FFFF.
size_t valid_utf8_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  size_t length;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // overlong
    if (lead == 0xED) second_high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // overlong
    if (lead == 0xF4) second_high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < second_low || byte(i + 1) > second_high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::string go_json_float(double x) {
  // encoding/json refuses non-finite floats; the message is Go's UnsupportedValueError text,
  // which the CLI prints after "Error marshalling metrics: " (§7.3).
  if (!std::isfinite(x)) throw Error(std::string("json: unsupported value: ") + non_finite_text(x));
  const double magnitude = std::fabs(x);
  const ShortestDecimal d = shortest_decimal(x);
  if (magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e21)) return positional(d);
  std::string out = exponential(d);
  // encoding/json shortens a two-digit negative exponent: e-07 -> e-7 (§7.4).
  const size_t n = out.size();
  if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') {
    out.erase(n - 2, 1);
  }
  return out;
}

void append_go_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          // Control bytes and the HTML-sensitive <, >, & become \u00XX (Go 1.19 has no \b, \f).
          if (b < 0x20 || b == '<' || b == '>' || b == '&') {
            out += "\\u00";
            out.push_back(kHexDigits[b >> 4]);
            out.push_back(kHexDigits[b & 0xF]);
          } else {
            out.push_back(static_cast<char>(b));
          }
      }
      ++i;
      continue;
    }
    const size_t length = valid_utf8_length(s, i);
    if (length == 0) {
      out += "\\ufffd";  // one replacement per invalid byte, as utf8.DecodeRune advances by 1
      ++i;
      continue;
    }
    // U+2028 / U+2029 (E2 80 A8 / E2 80 A9) end lines in JavaScript, so Go escapes them.
    if (length == 3 && b == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      out += (s[i + 2] == '\xA8') ? "\\u2028" : "\\u2029";
    } else {
      out.append(s, i, length);
    }
    i += length;
  }
  out.push_back('"');
}

std::string go_format_g(double x) {
  if (!std::isfinite(x)) return non_finite_text(x);
  const ShortestDecimal d = shortest_decimal(x);
  // strconv 'g' with the shortest precision switches to %e when the decimal exponent is below
  // -4 or at least 6 (a fixed 6, not the digit count): 123456 -> "123456", 1234567 ->
  // "1.234567e+06", 1e-05 -> "1e-05".
  const int exponent = d.point - 1;  // -1 for zero, which prints as "0"
  if (exponent < -4 || exponent >= 6) return exponential(d);
  return positional(d);
}

std::string go_format_fixed(double x, int decimals) {
  if (decimals < 0) throw Error("go_format_fixed: negative number of decimals");
  if (!std::isfinite(x)) return non_finite_text(x);
  // to_chars with a precision behaves like printf's %.*f: correctly rounded from the exact
  // binary value with ties to even, like Go's strconv for an explicit precision.
  // Room for the sign, 309 integer digits, the point and the decimals.
  std::string out(static_cast<size_t>(decimals) + 320, '\0');
  const auto result =
      std::to_chars(out.data(), out.data() + out.size(), x, std::chars_format::fixed, decimals);
  if (result.ec != std::errc()) throw Error("go_format_fixed: cannot format a double");
  out.resize(static_cast<size_t>(result.ptr - out.data()));
  return out;
}

// ---- JsonWriter: the layout of json.MarshalIndent(v, "", "  ") ----

void JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  stack_.push_back({true, 0});
}

void JsonWriter::end_object() {
  if (stack_.empty() || !stack_.back().is_object || after_key_) {
    throw Error("JsonWriter: end_object without a matching begin_object or after a key");
  }
  const int members = stack_.back().count;
  stack_.pop_back();
  if (members > 0) newline_indent(stack_.size());  // empty objects stay "{}"
  out_.push_back('}');
}

void JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  stack_.push_back({false, 0});
}

void JsonWriter::end_array() {
  if (stack_.empty() || stack_.back().is_object) {
    throw Error("JsonWriter: end_array without a matching begin_array");
  }
  const int elements = stack_.back().count;
  stack_.pop_back();
  if (elements > 0) newline_indent(stack_.size());  // empty arrays stay "[]"
  out_.push_back(']');
}

void JsonWriter::key(std::string_view name) {
  if (stack_.empty() || !stack_.back().is_object || after_key_) {
    throw Error("JsonWriter: key outside an object or right after another key");
  }
  Level& level = stack_.back();
  if (level.count > 0) out_.push_back(',');
  newline_indent(stack_.size());
  ++level.count;
  append_go_json_string(out_, name);
  out_ += ": ";
  after_key_ = true;
}

void JsonWriter::value_int(int64_t v) {
  before_value();
  out_ += std::to_string(v);
}

void JsonWriter::value_float(double v) {
  std::string text = go_json_float(v);  // may throw; format first so the writer stays intact
  before_value();
  out_ += text;
}

void JsonWriter::value_string(std::string_view v) {
  before_value();
  append_go_json_string(out_, v);
}

void JsonWriter::value_bool(bool v) {
  before_value();
  out_ += v ? "true" : "false";
}

void JsonWriter::value_null() {
  before_value();
  out_ += "null";
}

// Places a value: right after its key in an object, on its own line in an array, or as the
// single top-level value.
void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) {
    if (!out_.empty()) throw Error("JsonWriter: a second top-level value");
    return;
  }
  Level& level = stack_.back();
  if (level.is_object) throw Error("JsonWriter: an object member needs a key first");
  if (level.count > 0) out_.push_back(',');
  newline_indent(stack_.size());
  ++level.count;
}

void JsonWriter::newline_indent(size_t depth) {
  out_.push_back('\n');
  out_.append(2 * depth, ' ');
}

}  // namespace blis::metrics
