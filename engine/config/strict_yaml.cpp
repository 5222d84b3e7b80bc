#include "engine/config/strict_yaml.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "engine/core/ticks.h"

namespace blis::config::strict_yaml {

// ---- scalar resolution (yaml.v3's resolve()) ------------------------------------------------

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

// True when an unsigned decimal literal that from_chars reported out of range is too large
// rather than too small: with the value written as 0.d1d2... x 10^order (d1 the first non-zero
// digit), overflow has order > 0 and underflow order <= 0.
bool is_overflow(std::string_view s) {
  int64_t int_digits = 0;
  int64_t leading_zeros = 0;
  bool seen_nonzero = false;
  bool after_point = false;
  size_t i = 0;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      after_point = true;
      continue;
    }
    if (!after_point) ++int_digits;
    if (!seen_nonzero) {
      if (s[i] == '0') {
        ++leading_zeros;
      } else {
        seen_nonzero = true;
      }
    }
  }
  int64_t exponent = 0;
  if (i < s.size()) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    for (; i < s.size(); ++i) {
      if (exponent < 1000000000) exponent = exponent * 10 + (s[i] - '0');  // saturate
    }
    if (negative) exponent = -exponent;
  }
  return int_digits - leading_zeros + exponent > 0;
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
    if (is_overflow(s)) return false;
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


void SchemaReader::problem(const YAML::Node& at, const std::string& what) {
  // Documents built in memory (a scenario's inline table) have no lines: the key path says where.
  if (at.Mark().is_null()) {
    problems_.push_back(what);
  } else {
    problems_.push_back(fmt::format("line {}: {}", at.Mark().line + 1, what));
  }
}

void SchemaReader::type_error(const YAML::Node& node, const char* go_type, const std::string& path) {
  std::string shown;
  if (node.IsSequence()) {
    shown = "!!seq";
  } else if (node.IsMap()) {
    shown = "!!map";
  } else {
    shown = fmt::format("{} `{}`", tag_name(resolve(node).kind), node.Scalar());
  }
  problem(node, fmt::format("cannot unmarshal {} into {} (at {})", shown, go_type, path));
}

std::string SchemaReader::read_string(const YAML::Node& node, const std::string& path) {
  if (node.IsNull()) return "";
  if (!node.IsScalar()) {
    type_error(node, "string", path);
    return "";
  }
  return node.Scalar();  // yaml.v3 stores any scalar's text in a string field
}

int64_t SchemaReader::read_int(const YAML::Node& node, const std::string& path) {
  if (node.IsScalar() || node.IsNull()) {
    const Scalar s = resolve(node);
    switch (s.kind) {
      case Scalar::Kind::Null: return 0;
      case Scalar::Kind::Int: return s.i;
      case Scalar::Kind::Float:
        // yaml.v3 truncates a float into an int field when it is <= MaxInt64 (as float64).
        if (s.f <= 9223372036854775807.0) return go_int64(s.f);
        break;
      default: break;
    }
  }
  type_error(node, "int", path);
  return 0;
}

double SchemaReader::read_float(const YAML::Node& node, const std::string& path) {
  if (node.IsScalar() || node.IsNull()) {
    const Scalar s = resolve(node);
    switch (s.kind) {
      case Scalar::Kind::Null: return 0;
      case Scalar::Kind::Int: return static_cast<double>(s.i);
      case Scalar::Kind::Uint: return static_cast<double>(s.u);
      case Scalar::Kind::Float: return s.f;
      default: break;
    }
  }
  type_error(node, "float64", path);
  return 0;
}

bool SchemaReader::read_bool(const YAML::Node& node, const std::string& path) {
  if (node.IsNull()) return false;
  if (node.IsScalar()) {
    const Scalar s = resolve(node);
    const std::string& t = node.Scalar();
    if (s.kind == Scalar::Kind::Bool) return t == "true" || t == "True" || t == "TRUE";
    // yaml.v3 also takes YAML 1.1's spellings when the target is a bool, quoted or not.
    if (s.kind == Scalar::Kind::String) {
      for (const char* yes : {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"}) {
        if (t == yes) return true;
      }
      for (const char* no : {"n", "N", "no", "No", "NO", "off", "Off", "OFF"}) {
        if (t == no) return false;
      }
    }
  }
  type_error(node, "bool", path);
  return false;
}

std::vector<double> SchemaReader::read_float_list(const YAML::Node& node, const std::string& path) {
  std::vector<double> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    type_error(node, "[]float64", path);
    return out;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    if (node[i].IsNull()) continue;  // yaml.v3 drops null items of a number sequence
    out.push_back(read_float(node[i], fmt::format("{}[{}]", path, i)));
  }
  return out;
}


bool SchemaReader::expect_mapping(const YAML::Node& node, const char* go_type, const std::string& path) {
  if (node.IsNull()) return false;
  if (!node.IsMap()) {
    type_error(node, go_type, path);
    return false;
  }
  return true;
}

void SchemaReader::for_each_member(const YAML::Node& map, const std::string& path, const MemberVisitor& visit) {
  const UnknownKeyHint* outer = hint_;  // a nested mapping without a hint must not use the outer one
  hint_ = nullptr;
  std::map<std::string, int> done;
  visit_members(map, path, visit, done, false);
  hint_ = outer;
}

void SchemaReader::for_each_member(const YAML::Node& map, const std::string& path, const MemberVisitor& visit,
                                   const UnknownKeyHint& hint) {
  const UnknownKeyHint* outer = hint_;
  std::map<std::string, int> done;
  // The hint is needed only when the mapping's own unknown keys are reported, after each visit:
  // set it around each visit's return, not across the visit (which may read nested mappings).
  const MemberVisitor wrapped = [&](const std::string& key, const YAML::Node& value, const std::string& p) {
    hint_ = outer;
    const bool known = visit(key, value, p);
    hint_ = &hint;
    return known;
  };
  hint_ = &hint;
  visit_members(map, path, wrapped, done, false);
  hint_ = outer;
}

namespace {

// yaml.v3's isMerge: a "<<" key that is plain, non-specifically tagged or tagged !!merge.
bool is_merge_key(const YAML::Node& key) {
  return key.IsScalar() && key.Scalar() == "<<" &&
         (key.Tag() == "?" || key.Tag() == "!" || key.Tag() == "tag:yaml.org,2002:merge");
}

}  // namespace

void SchemaReader::visit_members(const YAML::Node& map, const std::string& path, const MemberVisitor& visit,
                                 std::map<std::string, int>& done, bool merged) {
  visiting_.push_back(map);
  struct Leave {
    std::vector<YAML::Node>& stack;
    ~Leave() { stack.pop_back(); }
  } leave{visiting_};
  YAML::Node merge_source;
  bool has_merge = false;
  for (auto it = map.begin(); it != map.end(); ++it) {
    // Copies: yaml-cpp's iterator hands out a temporary pair of (cheap, shared) handles.
    const YAML::Node key_node = it->first;
    const YAML::Node value = it->second;
    if (is_merge_key(key_node)) {  // applied after the mapping's own keys; the last one counts
      merge_source = value;
      has_merge = true;
      continue;
    }
    if (!key_node.IsScalar() && !key_node.IsNull()) {
      problem(key_node, fmt::format("mapping key at {} is not a scalar", path.empty() ? "top level" : path));
      continue;
    }
    const std::string key = key_node.IsNull() ? "" : key_node.Scalar();
    const std::string key_path = path.empty() ? key : path + "." + key;
    const int line = key_node.Mark().line + 1;
    if (const auto seen = done.find(key); seen != done.end()) {
      if (!merged) {
        problem(key_node, fmt::format("mapping key \"{}\" already defined at line {} (at {})", key, seen->second,
                                      key_path));
      }
      continue;
    }
    done.emplace(key, line);
    if (!visit(key, value, key_path)) {
      problem(key_node, fmt::format("unknown key \"{}\" (at {}){}", key, key_path, hint_ != nullptr ? (*hint_)(key) : ""));
    }
  }
  if (has_merge) visit_merge(merge_source, path, visit, done);
}

void SchemaReader::visit_merge(const YAML::Node& source, const std::string& path, const MemberVisitor& visit,
                               std::map<std::string, int>& done) {
  static const char* const kWantMap = "map merge requires map or sequence of maps as the value";
  // yaml.v3 fails such a document ("anchor 'a' value contains itself"); yaml-cpp has resolved
  // the alias, so the anchor's name is gone.
  const auto contains_itself = [&](const YAML::Node& m) {
    for (const YAML::Node& open : visiting_) {
      if (open.is(m)) {
        problem(m, fmt::format("an anchor's value contains itself: the merge (<<) at {} includes its own mapping",
                               path.empty() ? "top level" : path));
        return true;
      }
    }
    return false;
  };
  if (source.IsMap()) {
    if (contains_itself(source)) return;
    visit_members(source, path, visit, done, true);
  } else if (source.IsSequence()) {
    for (size_t i = 0; i < source.size(); ++i) {
      if (!source[i].IsMap()) {
        problem(source[i], kWantMap);
        return;
      }
      if (contains_itself(source[i])) return;
      visit_members(source[i], path, visit, done, true);
    }
  } else {
    problem(source, kWantMap);
  }
}


namespace {

class DocumentProbe final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

bool has_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentProbe probe;
  return parser.HandleNextDocument(probe);
}


}  // namespace blis::config::strict_yaml
