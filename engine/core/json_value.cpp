// Strict JSON reader whose accept/reject decisions and error wording follow Go's encoding/json
// scanner, because the reference reads config.json and hardware files with json.Unmarshal and
// a malformed file must fail here exactly when it fails there.
#include "engine/core/json_value.h"

#include <charconv>
#include <cstdint>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/go_strconv.h"

namespace blis::core {
namespace {

// Go's scanner refuses nesting deeper than this many open arrays/objects.
constexpr int kMaxNestingDepth = 10000;

constexpr char32_t kReplacementChar = 0xFFFD;

void append_utf8(std::string& out, char32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

// The printed form of an offending byte, as Go's quoteChar renders it: the byte is taken as the
// code point U+00XX and quoted like strconv.Quote, inside single quotes.
std::string quote_char(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  static const char* kHex = "0123456789abcdef";
  std::string body;
  switch (c) {
    case '\a': body = "\\a"; break;
    case '\b': body = "\\b"; break;
    case '\f': body = "\\f"; break;
    case '\n': body = "\\n"; break;
    case '\r': body = "\\r"; break;
    case '\t': body = "\\t"; break;
    case '\v': body = "\\v"; break;
    case '\\': body = "\\\\"; break;
    default:
      if (c < 0x20 || c == 0x7F) {
        body = std::string("\\x") + kHex[c >> 4] + kHex[c & 0xF];
      } else if ((c >= 0x80 && c <= 0xA0) || c == 0xAD) {
        // Not printable per unicode.IsPrint (C1 controls, NBSP, soft hyphen).
        body = std::string("\\u00") + kHex[c >> 4] + kHex[c & 0xF];
      } else {
        append_utf8(body, c);
      }
  }
  return "'" + body + "'";
}

// utf8.DecodeRune: the rune and its length, or (U+FFFD, 1) for any invalid or truncated
// sequence, including encoded surrogates and overlong forms.
std::pair<char32_t, size_t> decode_rune(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {kReplacementChar, 1};
  }
  if (i + len > s.size()) return {kReplacementChar, 1};
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return {kReplacementChar, 1};
  char32_t r = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  r = (r << 6) | (b1 & 0x3F);
  for (size_t k = 2; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < 0x80 || b > 0xBF) return {kReplacementChar, 1};
    r = (r << 6) | (b & 0x3F);
  }
  return {r, len};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// strconv.ParseFloat for a literal already known to match the JSON number grammar: correctly
// rounded; overflow gives ±Inf (Go reports ErrRange there; callers that care check isinf),
// underflow gives a signed zero, as Go does.
double parse_number_literal(std::string_view lit) {
  double v = 0;
  const auto res = std::from_chars(lit.data(), lit.data() + lit.size(), v);
  if (res.ec == std::errc()) return v;
  // from_chars reports overflow and underflow alike and leaves v unset.
  const bool negative = lit[0] == '-';
  if (go::decimal_order(lit) > 0) return negative ? -HUGE_VAL : HUGE_VAL;
  return negative ? -0.0 : 0.0;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  JsonValue parse_document() {
    skip_ws();
    JsonValue v = parse_value();
    skip_ws();
    if (pos_ < s_.size()) fail("after top-level value");
    return v;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;

  [[noreturn]] void fail(const char* context) const {
    if (pos_ >= s_.size()) throw Error("unexpected end of JSON input");
    throw Error("invalid character " + quote_char(static_cast<unsigned char>(s_[pos_])) + " " +
                context);
  }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }

  void skip_ws() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  // A container still being filled, with the key of the member whose value comes next.
  struct Open {
    JsonValue container;
    std::string pending_key;
  };

  // Iterative rather than recursive: Go accepts nesting up to 10000 levels, which would need
  // a deep native stack (and overflows it under sanitizers) if each level were a call.
  JsonValue parse_value() {
    std::vector<Open> open;
    for (;;) {
      // State: at the beginning of a value (whitespace already skipped).
      JsonValue done;
      bool have_value = false;
      if (at_end()) fail("looking for beginning of value");
      const char c = peek();
      if (c == '{' || c == '[') {
        if (open.size() + 1 > static_cast<size_t>(kMaxNestingDepth)) fail("exceeded max depth");
        ++pos_;
        Open frame;
        frame.container.kind = c == '{' ? JsonValue::Kind::Object : JsonValue::Kind::Array;
        skip_ws();
        const char close = c == '{' ? '}' : ']';
        if (!at_end() && peek() == close) {
          ++pos_;
          done = std::move(frame.container);
          have_value = true;
        } else {
          if (c == '{') frame.pending_key = parse_member_key();
          open.push_back(std::move(frame));
        }
      } else {
        done = parse_scalar();
        have_value = true;
      }
      // State: a value is complete; attach it to its container and close finished ones.
      while (have_value) {
        if (open.empty()) return done;
        Open& top = open.back();
        if (top.container.kind == JsonValue::Kind::Array) {
          top.container.items.push_back(std::move(done));
          skip_ws();
          if (!at_end() && peek() == ',') {
            ++pos_;
            skip_ws();
            have_value = false;
          } else if (!at_end() && peek() == ']') {
            ++pos_;
            done = std::move(top.container);
            open.pop_back();
          } else {
            fail("after array element");
          }
        } else {
          top.container.members.push_back(JsonValue::Member{std::move(top.pending_key), std::move(done)});
          skip_ws();
          if (!at_end() && peek() == ',') {
            ++pos_;
            skip_ws();
            top.pending_key = parse_member_key();
            have_value = false;
          } else if (!at_end() && peek() == '}') {
            ++pos_;
            done = std::move(top.container);
            open.pop_back();
          } else {
            fail("after object key:value pair");
          }
        }
      }
    }
  }

  // At the start of a member: its key, the ':' and the whitespace before the value.
  std::string parse_member_key() {
    if (at_end() || peek() != '"') fail("looking for beginning of object key string");
    std::string key = parse_string();
    skip_ws();
    if (at_end() || peek() != ':') fail("after object key");
    ++pos_;
    skip_ws();
    return key;
  }

  // A string, number or literal; anything else cannot begin a value.
  JsonValue parse_scalar() {
    const char c = peek();
    switch (c) {
      case '"': {
        JsonValue v;
        v.kind = JsonValue::Kind::String;
        v.text = parse_string();
        return v;
      }
      case 't': expect_literal("true"); return make_bool(true);
      case 'f': expect_literal("false"); return make_bool(false);
      case 'n': {
        expect_literal("null");
        return JsonValue{};
      }
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
        fail("looking for beginning of value");
    }
  }

  static JsonValue make_bool(bool b) {
    JsonValue v;
    v.kind = JsonValue::Kind::Bool;
    v.boolean = b;
    return v;
  }

  void expect_literal(std::string_view word) {
    ++pos_;  // first letter already identified the literal
    for (size_t i = 1; i < word.size(); ++i, ++pos_) {
      if (at_end() || peek() != word[i]) {
        const std::string context = "in literal " + std::string(word) + " (expecting '" +
                                    std::string(1, word[i]) + "')";
        fail(context.c_str());
      }
    }
  }

  // Number grammar of RFC 8259, checked in the order of Go's scanner states so the reported
  // context ("in numeric literal", "after decimal point ...", "in exponent ...") matches.
  JsonValue parse_number() {
    const size_t start = pos_;
    auto is_digit = [this] { return !at_end() && peek() >= '0' && peek() <= '9'; };
    if (peek() == '-') {
      ++pos_;
      if (!is_digit()) fail("in numeric literal");
    }
    if (peek() == '0') {
      ++pos_;
    } else {
      while (is_digit()) ++pos_;
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (!is_digit()) fail("after decimal point in numeric literal");
      while (is_digit()) ++pos_;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (!is_digit()) fail("in exponent of numeric literal");
      while (is_digit()) ++pos_;
    }
    JsonValue v;
    v.kind = JsonValue::Kind::Number;
    v.text = std::string(s_.substr(start, pos_ - start));
    v.number = parse_number_literal(v.text);
    return v;
  }

  // Validates the literal first (Go rejects before decoding), then decodes it like Go's
  // unquote: invalid UTF-8 bytes and unpaired surrogate escapes become U+FFFD.
  std::string parse_string() {
    ++pos_;  // opening quote
    const size_t body = pos_;
    for (;;) {
      if (at_end()) fail("in string literal");
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') break;
      if (c < 0x20) fail("in string literal");
      if (c == '\\') {
        ++pos_;
        if (at_end()) fail("in string escape code");
        const char e = peek();
        if (e == 'u') {
          ++pos_;
          for (int k = 0; k < 4; ++k, ++pos_) {
            if (at_end() || hex_value(peek()) < 0) fail("in \\u hexadecimal character escape");
          }
          continue;
        }
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
            e != 'r' && e != 't') {
          fail("in string escape code");
        }
      }
      ++pos_;
    }
    const std::string_view raw = s_.substr(body, pos_ - body);
    ++pos_;  // closing quote
    return decode_string_body(raw);
  }

  static bool is_u_escape(std::string_view raw, size_t i) {
    if (i + 6 > raw.size() || raw[i] != '\\' || raw[i + 1] != 'u') return false;
    for (size_t k = 2; k < 6; ++k) {
      if (hex_value(raw[i + k]) < 0) return false;
    }
    return true;
  }

  static std::string decode_string_body(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    size_t i = 0;
    while (i < raw.size()) {
      const char c = raw[i];
      if (c != '\\') {
        const auto [r, len] = decode_rune(raw, i);
        if (r == kReplacementChar && len == 1) {
          append_utf8(out, kReplacementChar);
        } else {
          out.append(raw.substr(i, len));
        }
        i += len;
        continue;
      }
      const char e = raw[i + 1];
      switch (e) {
        case '"': out += '"'; i += 2; continue;
        case '\\': out += '\\'; i += 2; continue;
        case '/': out += '/'; i += 2; continue;
        case 'b': out += '\b'; i += 2; continue;
        case 'f': out += '\f'; i += 2; continue;
        case 'n': out += '\n'; i += 2; continue;
        case 'r': out += '\r'; i += 2; continue;
        case 't': out += '\t'; i += 2; continue;
        default: break;  // 'u'
      }
      char32_t r = 0;
      for (size_t k = 2; k < 6; ++k) r = r * 16 + static_cast<char32_t>(hex_value(raw[i + k]));
      i += 6;
      if (r >= 0xD800 && r < 0xE000) {
        // Only a high surrogate immediately followed by a low-surrogate escape forms a pair;
        // otherwise this escape alone becomes U+FFFD and the next one is decoded on its own.
        char32_t combined = kReplacementChar;
        if (r < 0xDC00 && is_u_escape(raw, i)) {
          char32_t r2 = 0;
          for (size_t k = 2; k < 6; ++k) {
            r2 = r2 * 16 + static_cast<char32_t>(hex_value(raw[i + k]));
          }
          if (r2 >= 0xDC00 && r2 < 0xE000) {
            combined = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
            i += 6;
          }
        }
        r = combined;
      }
      append_utf8(out, r);
    }
    return out;
  }
};

}  // namespace

bool JsonValue::is_integer_literal() const {
  return kind == Kind::Number && text.find_first_of(".eE") == std::string::npos;
}

JsonValue parse_json(std::string_view text) { return Parser(text).parse_document(); }

}  // namespace blis::core
