// A small strict JSON reader (RFC 8259) for the inputs the reference reads with Go's
// encoding/json: HuggingFace config.json, hardware config files and the token-id arrays of CSV
// traces. Objects keep member order and duplicates, so callers can apply Go's matching rules.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blis::core {

struct JsonValue {
  struct Member;  // a key and its value (defined below: a std::pair of this still-incomplete
                  // type does not compile with clang and libstdc++)
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;          // Number: value as float64 (Go's ParseFloat of the literal)
  std::string text;           // String: decoded text; Number: the literal as written
  std::vector<JsonValue> items;                             // Array
  std::vector<Member> members;  // Object, in document order

  bool is_integer_literal() const;  // Number written without fraction or exponent
};

struct JsonValue::Member {
  std::string first;   // the key
  JsonValue second;    // its value
};

// Throws blis::Error with Go-like wording, e.g.
// "invalid character 'o' looking for beginning of value", "unexpected end of JSON input".
JsonValue parse_json(std::string_view text);

}  // namespace blis::core
