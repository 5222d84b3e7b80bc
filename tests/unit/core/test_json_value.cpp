// The strict JSON reader: what it accepts, how it decodes, and that its error messages use
// the wording of Go's encoding/json (the reference's parser).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "engine/core/error.h"
#include "engine/core/json_value.h"

using blis::core::JsonValue;
using blis::core::parse_json;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_json(text);
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("json: scalars and literals") {
  CHECK(parse_json("null").kind == JsonValue::Kind::Null);
  CHECK(parse_json(" true ").boolean);
  CHECK(parse_json("true").kind == JsonValue::Kind::Bool);
  CHECK_FALSE(parse_json("\tfalse\r\n").boolean);
  const JsonValue s = parse_json("\"abc\"");
  CHECK(s.kind == JsonValue::Kind::String);
  CHECK(s.text == "abc");
}

TEST_CASE("json: numbers keep their literal and parse like strconv.ParseFloat") {
  const JsonValue n = parse_json("-12.5e-1");
  CHECK(n.kind == JsonValue::Kind::Number);
  CHECK(n.text == "-12.5e-1");
  CHECK(n.number == -1.25);
  CHECK_FALSE(n.is_integer_literal());

  const JsonValue i = parse_json("128000");
  CHECK(i.is_integer_literal());
  CHECK(i.number == 128000.0);
  CHECK_FALSE(parse_json("1E3").is_integer_literal());
  CHECK_FALSE(parse_json("\"5\"").is_integer_literal());

  // Correct rounding of a hard case and of the value used by the hardware file.
  CHECK(parse_json("0.1").number == 0.1);
  CHECK(parse_json("3.35").number == 3.35);
  CHECK(parse_json("9007199254740993").number == 9007199254740992.0);
  CHECK(parse_json("-0").number == 0.0);
  CHECK(std::signbit(parse_json("-0").number));
  // Out of range: overflow saturates (Go reports ErrRange), underflow goes to zero.
  CHECK(std::isinf(parse_json("1e400").number));
  CHECK(parse_json("-1e400").number < 0);
  CHECK(parse_json("1e-400").number == 0.0);
  CHECK(std::isinf(parse_json("1.5e400").number));
  CHECK(std::isinf(parse_json("123456.789e304").number));
  CHECK(parse_json("0.000001e-320").number == 0.0);
  CHECK(std::signbit(parse_json("-1e-400").number));
  CHECK(parse_json("4.9e-324").number > 0.0);
}

TEST_CASE("json: objects keep member order and duplicates") {
  const JsonValue o = parse_json(R"({"b": 1, "a": [true, null, {"x": "y"}], "b": 2})");
  REQUIRE(o.kind == JsonValue::Kind::Object);
  REQUIRE(o.members.size() == 3);
  CHECK(o.members[0].first == "b");
  CHECK(o.members[1].first == "a");
  CHECK(o.members[2].first == "b");
  CHECK(o.members[2].second.number == 2.0);
  const JsonValue& a = o.members[1].second;
  REQUIRE(a.items.size() == 3);
  CHECK(a.items[0].boolean);
  CHECK(a.items[1].kind == JsonValue::Kind::Null);
  CHECK(a.items[2].members[0].second.text == "y");
  CHECK(parse_json("{}").members.empty());
  CHECK(parse_json("[ ]").items.empty());
}

TEST_CASE("json: string escapes and UTF-8 handling follow Go's decoder") {
  CHECK(parse_json(R"("a\"b\\c\/d\b\f\n\r\t")").text == "a\"b\\c/d\b\f\n\r\t");
  CHECK(parse_json(R"("\u00e9\u20AC")").text == "\xC3\xA9\xE2\x82\xAC");
  // Surrogate pair -> one 4-byte rune (U+1F600).
  CHECK(parse_json(R"("\ud83d\ude00")").text == "\xF0\x9F\x98\x80");
  // Unpaired surrogates become U+FFFD; a following ordinary escape is kept.
  CHECK(parse_json(R"("\ud83dx")").text == "\xEF\xBF\xBDx");
  CHECK(parse_json(R"("\ude00\u0041")").text == "\xEF\xBF\xBD" "A");
  CHECK(parse_json(R"("\ud83d\u0041")").text == "\xEF\xBF\xBD" "A");
  CHECK(parse_json(R"("\u0000")").text == std::string(1, '\0'));
  // Raw UTF-8 passes through; invalid bytes are replaced one by one.
  CHECK(parse_json("\"\xC3\xA9\"").text == "\xC3\xA9");
  CHECK(parse_json("\"a\xFF" "b\"").text == "a\xEF\xBF\xBD" "b");
  CHECK(parse_json("\"\xED\xA0\x80\"").text == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("json: syntax errors use encoding/json wording") {
  CHECK(error_of("") == "unexpected end of JSON input");
  CHECK(error_of("   ") == "unexpected end of JSON input");
  CHECK(error_of("[1, 2") == "unexpected end of JSON input");
  CHECK(error_of("{\"a\": ") == "unexpected end of JSON input");
  CHECK(error_of("\"abc") == "unexpected end of JSON input");
  CHECK(error_of("-") == "unexpected end of JSON input");
  CHECK(error_of("tru") == "unexpected end of JSON input");
  CHECK(error_of("oops") == "invalid character 'o' looking for beginning of value");
  CHECK(error_of("[1 x]") == "invalid character 'x' after array element");
  CHECK(error_of("[1,]") == "invalid character ']' looking for beginning of value");
  CHECK(error_of("{\"a\" 1}") == "invalid character '1' after object key");
  CHECK(error_of("{\"a\": 1 \"b\"}") == "invalid character '\"' after object key:value pair");
  CHECK(error_of("{,}") == "invalid character ',' looking for beginning of object key string");
  CHECK(error_of("{\"a\":1,}") == "invalid character '}' looking for beginning of object key string");
  CHECK(error_of("{'a': 1}") == "invalid character '\\'' looking for beginning of object key string");
  CHECK(error_of("1 2") == "invalid character '2' after top-level value");
  CHECK(error_of("01") == "invalid character '1' after top-level value");
  CHECK(error_of("-x") == "invalid character 'x' in numeric literal");
  CHECK(error_of("1.e5") == "invalid character 'e' after decimal point in numeric literal");
  CHECK(error_of("1e+") == "unexpected end of JSON input");
  CHECK(error_of("[1e+]") == "invalid character ']' in exponent of numeric literal");
  CHECK(error_of("trUe") == "invalid character 'U' in literal true (expecting 'u')");
  CHECK(error_of("nul!") == "invalid character '!' in literal null (expecting 'l')");
  CHECK(error_of("\"a\tb\"") == "invalid character '\\t' in string literal");
  CHECK(error_of("\"\\x\"") == "invalid character 'x' in string escape code");
  CHECK(error_of("\"\\u12g4\"") == "invalid character 'g' in \\u hexadecimal character escape");
  CHECK(error_of("NaN") == "invalid character 'N' looking for beginning of value");
  CHECK(error_of("+1") == "invalid character '+' looking for beginning of value");
  CHECK(error_of("\x01") == "invalid character '\\x01' looking for beginning of value");
  CHECK(error_of("\xC3\xA9") == "invalid character '\xC3\x83' looking for beginning of value");
}

TEST_CASE("json: nesting depth is limited like Go's scanner") {
  const std::string ok = std::string(10000, '[') + std::string(10000, ']');
  CHECK_NOTHROW(parse_json(ok));
  const std::string deep = std::string(10001, '[') + std::string(10001, ']');
  CHECK(error_of(deep) == "invalid character '[' exceeded max depth");
}
