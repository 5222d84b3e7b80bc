// Text exactly as Go 1.19 prints it: encoding/json numbers and strings, the MarshalIndent
// layout, and the strconv/fmt float forms used in messages and report lines
// (engine-core §7.3, §7.4; cluster-workload-trace §E.7).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace blis::metrics {

// encoding/json float64: shortest round-trip digits; positional for 0 and 1e-6 <= |x| < 1e21
// (zero-padded, never more digits than the shortest set), otherwise d.ddde±XX with a
// two-digit negative exponent shortened (e-07 -> e-7). x must be finite.
std::string go_json_float(double x);

// encoding/json string (with quotes): <, >, & as \u003c \u003e \u0026, U+2028/2029 escaped,
// invalid UTF-8 -> \ufffd, \n \r \t, other control bytes \u00xx (lower-case hex; no \b \f).
void append_go_json_string(std::string& out, std::string_view s);

// fmt's %v / strconv.FormatFloat(x, 'g', -1, 64): "1", "-1", "0.5", "1e+06", "1e-07", "NaN", "+Inf".
std::string go_format_g(double x);

// fmt's %.Nf (correctly rounded; "NaN", "+Inf", "-Inf" for non-finite values).
std::string go_format_fixed(double x, int decimals);

// Builds a JSON document laid out like json.MarshalIndent(v, "", "  "): one member per line,
// "key": value, two spaces per nesting level, {} / [] for empty containers, no trailing newline.
class JsonWriter {
 public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);  // inside an object, before each value
  void value_int(int64_t v);
  void value_float(double v);       // go_json_float
  void value_string(std::string_view v);
  void value_bool(bool v);
  void value_null();
  const std::string& text() const { return out_; }

 private:
  struct Level { bool is_object; int count; };
  void before_value();
  void newline_indent(size_t depth);
  std::string out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace blis::metrics
