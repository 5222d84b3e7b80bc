// Go 1.19 text forms (engine-core §7.3, §7.4; cluster-workload-trace §E.7): encoding/json floats
// and strings, the MarshalIndent layout, fmt's %v and %.Nf. Every expected string here was
// checked against go1.19.8 linux/amd64; the breadth test at the end compares a digest of 100 000
// formatted values with the digest Go produced for the same generated inputs.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "engine/core/error.h"
#include "engine/metrics/go_json.h"

using blis::metrics::append_go_json_string;
using blis::metrics::go_format_fixed;
using blis::metrics::go_format_g;
using blis::metrics::go_json_float;
using blis::metrics::JsonWriter;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string json_string(std::string_view s) {
  std::string out;
  append_go_json_string(out, s);
  return out;
}

std::string json_error(double x) {
  try {
    go_json_float(x);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("go_json_float: positional range keeps the shortest digits, zero padded") {
  CHECK(go_json_float(0.0) == "0");
  CHECK(go_json_float(-0.0) == "-0");
  CHECK(go_json_float(1000.0) == "1000");
  CHECK(go_json_float(31.667365) == "31.667365");
  CHECK(go_json_float(3112.8645000000006) == "3112.8645000000006");
  CHECK(go_json_float(15.239798225071501) == "15.239798225071501");
  CHECK(go_json_float(0.1 + 0.2) == "0.30000000000000004");
  CHECK(go_json_float(-0.5) == "-0.5");
  CHECK(go_json_float(0.0000015) == "0.0000015");
  CHECK(go_json_float(0.000001) == "0.000001");  // the lower bound is inclusive
  CHECK(go_json_float(0.00001) == "0.00001");
  CHECK(go_json_float(1234567.0) == "1234567");
  // Beyond 2^53 Go pads the shortest digits with zeros instead of printing the exact integer.
  CHECK(go_json_float(1152921504606846976.0) == "1152921504606847000");  // 2^60
  CHECK(go_json_float(54043195528445952.0) == "54043195528445950");
  // §7.4 lists 27021597764222976 -> "27021597764222980", but that is a different double
  // (spacing 4 here): the shortest round-trip digits are all 17, and go1.19.8 prints them.
  CHECK(go_json_float(27021597764222976.0) == "27021597764222976");
  CHECK(go_json_float(123456789012345678901.0) == "123456789012345680000");
  CHECK(go_json_float(1e20) == "100000000000000000000");
}

TEST_CASE("go_json_float: exponent form below 1e-6 and from 1e21 on") {
  CHECK(go_json_float(1e-7) == "1e-7");  // Go's "1e-07" with the exponent's leading zero dropped
  CHECK(go_json_float(1.5e-7) == "1.5e-7");
  CHECK(go_json_float(1.5e-10) == "1.5e-10");
  CHECK(go_json_float(-2.5e-8) == "-2.5e-8");
  CHECK(go_json_float(1e-100) == "1e-100");
  CHECK(go_json_float(5e-324) == "5e-324");
  CHECK(go_json_float(1e21) == "1e+21");
  CHECK(go_json_float(1e300) == "1e+300");
  CHECK(go_json_float(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(go_json_float(-1.3105392275553895e+21) == "-1.3105392275553895e+21");
}

TEST_CASE("go_json_float: non-finite values are refused with Go's error text") {
  CHECK_THROWS_AS(go_json_float(kInf), blis::Error);
  CHECK(json_error(kInf) == "json: unsupported value: +Inf");
  CHECK(json_error(-kInf) == "json: unsupported value: -Inf");
  CHECK(json_error(kNaN) == "json: unsupported value: NaN");
}

TEST_CASE("go_format_g: fmt %v switches to %e below 1e-4 and from 1e6 on") {
  CHECK(go_format_g(0.0) == "0");
  CHECK(go_format_g(-0.0) == "-0");
  CHECK(go_format_g(1.0) == "1");
  CHECK(go_format_g(-1.0) == "-1");
  CHECK(go_format_g(0.5) == "0.5");
  CHECK(go_format_g(2.5) == "2.5");
  CHECK(go_format_g(100000.0) == "100000");
  CHECK(go_format_g(123456.0) == "123456");
  CHECK(go_format_g(999999.5) == "999999.5");
  CHECK(go_format_g(1e6) == "1e+06");
  CHECK(go_format_g(1234567.0) == "1.234567e+06");
  CHECK(go_format_g(123456789.0) == "1.23456789e+08");
  CHECK(go_format_g(4792343750.0) == "4.79234375e+09");
  CHECK(go_format_g(1e20) == "1e+20");
  CHECK(go_format_g(1e21) == "1e+21");
  CHECK(go_format_g(0.0001) == "0.0001");
  CHECK(go_format_g(0.00001) == "1e-05");
  CHECK(go_format_g(1e-7) == "1e-07");  // %v keeps the two-digit exponent (only JSON shortens)
  CHECK(go_format_g(-1e-5) == "-1e-05");
  CHECK(go_format_g(1e-100) == "1e-100");
  CHECK(go_format_g(0.1 + 0.2) == "0.30000000000000004");
  CHECK(go_format_g(kNaN) == "NaN");
  CHECK(go_format_g(kInf) == "+Inf");
  CHECK(go_format_g(-kInf) == "-Inf");
}

TEST_CASE("go_format_fixed: %.Nf is correctly rounded, ties to even on exact halves") {
  CHECK(go_format_fixed(0.0, 4) == "0.0000");
  CHECK(go_format_fixed(-0.0, 2) == "-0.00");
  CHECK(go_format_fixed(-0.00001, 2) == "-0.00");
  CHECK(go_format_fixed(0.125, 2) == "0.12");
  CHECK(go_format_fixed(0.375, 2) == "0.38");
  CHECK(go_format_fixed(2.5, 0) == "2");
  CHECK(go_format_fixed(1.5, 0) == "2");
  CHECK(go_format_fixed(0.5, 0) == "0");
  CHECK(go_format_fixed(999999.5, 0) == "1000000");
  CHECK(go_format_fixed(48.061, 1) == "48.1");
  CHECK(go_format_fixed(0.2250582394130577, 4) == "0.2251");
  CHECK(go_format_fixed(1e21, 2) == "1000000000000000000000.00");
  CHECK(go_format_fixed(2.551385674e+31, 4) == "25513856739999998943957627174912.0000");
  CHECK(go_format_fixed(1.0 / 3.0, 6) == "0.333333");
  CHECK(go_format_fixed(kNaN, 3) == "NaN");
  CHECK(go_format_fixed(kInf, 3) == "+Inf");
  CHECK(go_format_fixed(-kInf, 3) == "-Inf");
  CHECK_THROWS_AS(go_format_fixed(1.0, -1), blis::Error);
}

TEST_CASE("append_go_json_string: Go 1.19 escaping") {
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("plain text 123") == "\"plain text 123\"");
  CHECK(json_string("<a&b>") == "\"\\u003ca\\u0026b\\u003e\"");
  CHECK(json_string("say \"hi\" \\ bye") == "\"say \\\"hi\\\" \\\\ bye\"");
  CHECK(json_string("a\nb\rc\td") == "\"a\\nb\\rc\\td\"");
  CHECK(json_string("\x01") == "\"\\u0001\"");
  CHECK(json_string("\x08") == "\"\\u0008\"");  // no \b in Go 1.19
  CHECK(json_string("\x0c") == "\"\\u000c\"");  // no \f, lower-case hex
  CHECK(json_string("\x1f") == "\"\\u001f\"");
  CHECK(json_string(std::string_view("\0", 1)) == "\"\\u0000\"");
  CHECK(json_string("\x7f") == "\"\x7f\"");  // DEL is not escaped
  CHECK(json_string("/") == "\"/\"");
  CHECK(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(json_string("\xe2\x80\xa8") == "\"\\u2028\"");
  CHECK(json_string("x\xe2\x80\xa9y") == "\"x\\u2029y\"");
  CHECK(json_string("\xef\xbf\xbd") == "\"\xef\xbf\xbd\"");  // a real U+FFFD stays as it is
}

TEST_CASE("append_go_json_string: invalid UTF-8 becomes one \\ufffd per bad byte") {
  CHECK(json_string("\xff") == "\"\\ufffd\"");
  CHECK(json_string("a\x80z") == "\"a\\ufffdz\"");
  CHECK(json_string("\xc0\xaf") == "\"\\ufffd\\ufffd\"");                        // overlong '/'
  CHECK(json_string("\xe0\x80\xaf") == "\"\\ufffd\\ufffd\\ufffd\"");             // overlong
  CHECK(json_string("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");             // surrogate U+D800
  CHECK(json_string("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
  CHECK(json_string("\xf5\x80") == "\"\\ufffd\\ufffd\"");
  CHECK(json_string("\xe2\x82") == "\"\\ufffd\\ufffd\"");  // truncated sequence
  CHECK(json_string("\xe2\x82<") == "\"\\ufffd\\ufffd\\u003c\"");
  CHECK(json_string("\xc2\n") == "\"\\ufffd\\n\"");
  // Appends: existing content is kept.
  std::string out = "prefix:";
  append_go_json_string(out, "v");
  CHECK(out == "prefix:\"v\"");
}

TEST_CASE("JsonWriter: MarshalIndent layout") {
  JsonWriter w;
  w.begin_object();
  w.key("a");
  w.value_int(1);
  w.key("r");
  w.begin_array();
  w.begin_object();
  w.key("x");
  w.value_int(1);
  w.end_object();
  w.end_array();
  w.end_object();
  CHECK(w.text() == "{\n  \"a\": 1,\n  \"r\": [\n    {\n      \"x\": 1\n    }\n  ]\n}");
}

TEST_CASE("JsonWriter: empty containers, nesting, every value kind") {
  // Go: json.MarshalIndent of a struct with these fields and tags.
  JsonWriter w;
  w.begin_object();
  w.key("a");
  w.value_int(1);
  w.key("r");
  w.begin_array();
  for (int x : {1, 2}) {
    w.begin_object();
    w.key("x");
    w.value_int(x);
    w.end_object();
  }
  w.end_array();
  w.key("e");
  w.begin_array();
  w.end_array();
  w.key("o");
  w.begin_object();
  w.end_object();
  w.key("s<&>");
  w.value_string("\xe2\x80\xa8x");
  w.key("n");
  w.begin_array();
  w.begin_object();
  w.end_object();
  w.begin_object();
  w.key("t");
  w.value_bool(true);
  w.key("u");
  w.value_bool(false);
  w.end_object();
  w.end_array();
  w.key("f");
  w.value_float(1e-7);
  w.end_object();
  // One line per output line, as go1.19.8's MarshalIndent printed it.
  CHECK(w.text() ==
        "{\n"
        "  \"a\": 1,\n"
        "  \"r\": [\n"
        "    {\n"
        "      \"x\": 1\n"
        "    },\n"
        "    {\n"
        "      \"x\": 2\n"
        "    }\n"
        "  ],\n"
        "  \"e\": [],\n"
        "  \"o\": {},\n"
        "  \"s\\u003c\\u0026\\u003e\": \"\\u2028x\",\n"
        "  \"n\": [\n"
        "    {},\n"
        "    {\n"
        "      \"t\": true,\n"
        "      \"u\": false\n"
        "    }\n"
        "  ],\n"
        "  \"f\": 1e-7\n"
        "}");
}

TEST_CASE("JsonWriter: top-level empty containers and arrays of arrays") {
  JsonWriter empty_object;
  empty_object.begin_object();
  empty_object.end_object();
  CHECK(empty_object.text() == "{}");

  JsonWriter empty_array;
  empty_array.begin_array();
  empty_array.end_array();
  CHECK(empty_array.text() == "[]");

  JsonWriter nested;
  nested.begin_array();
  nested.begin_array();
  nested.end_array();
  nested.begin_array();
  nested.value_int(1);
  nested.value_int(-2);
  nested.end_array();
  nested.end_array();
  CHECK(nested.text() == "[\n  [],\n  [\n    1,\n    -2\n  ]\n]");

  JsonWriter scalar;
  scalar.value_float(54043195528445952.0);
  CHECK(scalar.text() == "54043195528445950");

  JsonWriter extremes;
  extremes.begin_array();
  extremes.value_int(std::numeric_limits<int64_t>::min());
  extremes.value_int(std::numeric_limits<int64_t>::max());
  extremes.end_array();
  CHECK(extremes.text() == "[\n  -9223372036854775808,\n  9223372036854775807\n]");
}

TEST_CASE("JsonWriter: misuse throws blis::Error") {
  {
    JsonWriter w;
    CHECK_THROWS_AS(w.key("k"), blis::Error);  // no object open
  }
  {
    JsonWriter w;
    w.begin_object();
    CHECK_THROWS_AS(w.value_int(1), blis::Error);  // member without key
    CHECK_THROWS_AS(w.end_array(), blis::Error);
    w.key("k");
    CHECK_THROWS_AS(w.key("again"), blis::Error);
    CHECK_THROWS_AS(w.end_object(), blis::Error);  // key without value
  }
  {
    JsonWriter w;
    w.begin_array();
    CHECK_THROWS_AS(w.key("k"), blis::Error);
    CHECK_THROWS_AS(w.end_object(), blis::Error);
  }
  {
    JsonWriter w;
    w.value_int(1);
    CHECK_THROWS_AS(w.value_int(2), blis::Error);  // a second top-level value
    CHECK_THROWS_AS(w.end_array(), blis::Error);
  }
  {
    // A refused float leaves the document as it was.
    JsonWriter w;
    w.begin_object();
    w.key("v");
    CHECK_THROWS_AS(w.value_float(kInf), blis::Error);
    w.value_float(0.5);
    w.end_object();
    CHECK(w.text() == "{\n  \"v\": 0.5\n}");
  }
}

TEST_CASE("Go 1.19 digest of 100 000 generated values in JSON, %v, %.4f and %.1f") {
  // Inputs cycle through: random bit patterns (including NaN and Inf), m·2^e with a 53-bit m,
  // three-decimal values, and 10-digit integers divided or multiplied by an exact power of ten.
  // Each value adds the line "<json or its error>|<%v>|<%.4f>|<%.1f>\n" to an FNV-1a 64 digest;
  // the expected digest is Go's for the same generator.
  uint64_t state = 2019;
  const auto next = [&state] {  // SplitMix64
    state += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  constexpr std::array<double, 23> kPow10 = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                             1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                             1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  uint64_t digest = 14695981039346656037ULL;
  for (int i = 0; i < 100000; ++i) {
    double x = 0;
    switch (i % 4) {
      case 0:
        x = std::bit_cast<double>(next());
        break;
      case 1: {
        const auto mantissa = static_cast<double>(next() >> 11);
        const int exponent = static_cast<int>(next() % 200) - 150;
        x = std::ldexp(mantissa, exponent);
        break;
      }
      case 2:
        x = static_cast<double>(next() % 100000) / 1000;
        break;
      default: {
        const auto mantissa = static_cast<double>(next() % 10000000000ULL);
        const double power = kPow10[next() % 23];
        x = (next() % 2 == 1) ? mantissa * power : mantissa / power;
        break;
      }
    }
    std::string json;
    try {
      json = go_json_float(x);
    } catch (const blis::Error& e) {
      json = e.what();
    }
    const std::string line = json + "|" + go_format_g(x) + "|" + go_format_fixed(x, 4) + "|" +
                             go_format_fixed(x, 1) + "\n";
    for (const char c : line) {
      digest ^= static_cast<unsigned char>(c);
      digest *= 1099511628211ULL;
    }
  }
  CHECK(digest == 0x7c5219615f1c3bc7ULL);
}
