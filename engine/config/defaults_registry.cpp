// defaults.yaml (engine-core §4.4). The reference decodes it with gopkg.in/yaml.v3 and
// KnownFields(true), so this reader is strict in the same places: an unknown or repeated key
// anywhere, or a value that yaml.v3 cannot convert to the Go field type, is an error. Like
// yaml.v3, all such problems are collected and reported together.
#include "engine/config/defaults_registry.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/ticks.h"

namespace blis::config {
namespace {

// ---- scalar resolution (yaml.v3's resolve() for the types this file uses) ------------------

struct Scalar {
  enum class Kind { Null, Bool, Int, Uint, Float, String } kind = Kind::String;
  int64_t i = 0;
  uint64_t u = 0;  // Uint: integers above INT64_MAX
  double f = 0;
};

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

// How yaml.v3 types a scalar: quoted and block scalars (yaml-cpp tag "!") and !!str are
// strings; plain scalars go through the resolver (null/bool/special floats by table, then
// int, uint and float syntax for scalars starting with a digit or sign, '.'-prefixed floats).
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

// ---- strict schema walk ---------------------------------------------------------------------

class SchemaReader {
 public:
  void problem(const YAML::Node& at, const std::string& what) {
    problems_.push_back(fmt::format("line {}: {}", at.Mark().line + 1, what));
  }
  const std::vector<std::string>& problems() const { return problems_; }

  // Go type names appear in the messages so they read like the reference's.
  void type_error(const YAML::Node& node, const char* go_type, const std::string& path) {
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

  std::string read_string(const YAML::Node& node, const std::string& path) {
    if (node.IsNull()) return "";
    if (!node.IsScalar()) {
      type_error(node, "string", path);
      return "";
    }
    return node.Scalar();  // yaml.v3 stores any scalar's text in a string field
  }

  int64_t read_int(const YAML::Node& node, const std::string& path) {
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

  double read_float(const YAML::Node& node, const std::string& path) {
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

  std::vector<double> read_float_list(const YAML::Node& node, const std::string& path) {
    std::vector<double> out;
    if (node.IsNull()) return out;
    if (!node.IsSequence()) {
      type_error(node, "[]float64", path);
      return out;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      out.push_back(read_float(node[i], fmt::format("{}[{}]", path, i)));
    }
    return out;
  }

  // Visits the members of a mapping in file order, after reporting repeated keys (yaml.v3
  // refuses them) and keys that are not scalars. `visit` returns false for an unknown key.
  using MemberVisitor =
      std::function<bool(const std::string& key, const YAML::Node& value, const std::string& path)>;

  // A null value decodes to the zero value; anything but a mapping is a type error.
  bool expect_mapping(const YAML::Node& node, const char* go_type, const std::string& path) {
    if (node.IsNull()) return false;
    if (!node.IsMap()) {
      type_error(node, go_type, path);
      return false;
    }
    return true;
  }

  void for_each_member(const YAML::Node& map, const std::string& path, const MemberVisitor& visit) {
    std::map<std::string, int> first_line;
    for (auto it = map.begin(); it != map.end(); ++it) {
      // Copies: yaml-cpp's iterator hands out a temporary pair of (cheap, shared) handles.
      const YAML::Node key_node = it->first;
      const YAML::Node value = it->second;
      if (!key_node.IsScalar() && !key_node.IsNull()) {
        problem(key_node, fmt::format("mapping key at {} is not a scalar", path.empty() ? "top level" : path));
        continue;
      }
      const std::string key = key_node.IsNull() ? "" : key_node.Scalar();
      const std::string key_path = path.empty() ? key : path + "." + key;
      const int line = key_node.Mark().line + 1;
      if (const auto seen = first_line.find(key); seen != first_line.end()) {
        problem(key_node, fmt::format("mapping key \"{}\" already defined at line {} (at {})", key,
                                      seen->second, key_path));
        continue;
      }
      first_line.emplace(key, line);
      if (!visit(key, value, key_path)) {
        problem(key_node, fmt::format("unknown key \"{}\" (at {})", key, key_path));
      }
    }
  }

 private:
  std::vector<std::string> problems_;
};

DefaultDeployment read_deployment(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  DefaultDeployment d;
  if (!r.expect_mapping(node, "DefaultConfig", path)) return d;
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    if (key == "GPU") {
      d.gpu = r.read_string(v, p);
    } else if (key == "tensor_parallelism") {
      d.tensor_parallelism = r.read_int(v, p);
    } else if (key == "vllm_version") {
      d.vllm_version = r.read_string(v, p);
    } else {
      return false;
    }
    return true;
  });
  return d;
}

PresetWorkload read_workload(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  PresetWorkload w;
  if (!r.expect_mapping(node, "Workload", path)) return w;
  // prefix_tokens is optional (multidoc omits it): the zero default is the Go zero value.
  const std::map<std::string, int64_t PresetWorkload::*> fields = {
      {"prefix_tokens", &PresetWorkload::prefix_tokens},
      {"prompt_tokens", &PresetWorkload::prompt_tokens},
      {"prompt_tokens_stdev", &PresetWorkload::prompt_tokens_stdev},
      {"prompt_tokens_min", &PresetWorkload::prompt_tokens_min},
      {"prompt_tokens_max", &PresetWorkload::prompt_tokens_max},
      {"output_tokens", &PresetWorkload::output_tokens},
      {"output_tokens_stdev", &PresetWorkload::output_tokens_stdev},
      {"output_tokens_min", &PresetWorkload::output_tokens_min},
      {"output_tokens_max", &PresetWorkload::output_tokens_max},
  };
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    const auto f = fields.find(key);
    if (f == fields.end()) return false;
    w.*(f->second) = r.read_int(v, p);
    return true;
  });
  return w;
}

CoefficientRow read_row(SchemaReader& r, const YAML::Node& node, const std::string& path) {
  CoefficientRow row;
  if (!r.expect_mapping(node, "Model", path)) return row;
  r.for_each_member(node, path, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    if (key == "GPU") {
      row.gpu = r.read_string(v, p);
    } else if (key == "alpha_coeffs") {
      row.alpha = r.read_float_list(v, p);
    } else if (key == "beta_coeffs") {
      row.beta = r.read_float_list(v, p);
    } else if (key == "best_loss") {
      row.best_loss = r.read_float(v, p);  // informational only
    } else if (key == "id") {
      row.id = r.read_string(v, p);
    } else if (key == "tensor_parallelism") {
      row.tensor_parallelism = r.read_int(v, p);
    } else if (key == "total_kv_blocks") {
      row.total_kv_blocks = r.read_int(v, p);
    } else if (key == "vllm_version") {
      row.vllm_version = r.read_string(v, p);
    } else {
      return false;
    }
    return true;
  });
  return row;
}

// yaml-cpp returns a null node both for "no document at all" and for a document that is null;
// yaml.v3's Decode fails (EOF) only in the first case.
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

bool has_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentProbe probe;
  return parser.HandleNextDocument(probe);
}

}  // namespace

DefaultsRegistry DefaultsRegistry::load(const std::string& path) {
  const std::string where = "defaults file \"" + path + "\"";
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("failed to read " + where);
  std::ostringstream buf;
  buf << file.rdbuf();
  const std::string text = buf.str();

  YAML::Node root;
  try {
    root = YAML::Load(text);  // first document only, as yaml.v3's Decoder.Decode
    if (root.IsNull() && !has_document(text)) {
      throw Error("failed to parse " + where + ": the file contains no YAML document");
    }
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("failed to parse {}: line {}: {}", where, e.mark.line + 1, e.msg));
  }

  DefaultsRegistry registry;
  SchemaReader r;
  if (r.expect_mapping(root, "Config", "top level")) {
    r.for_each_member(root, "", [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      if (key == "version") {
        registry.version_ = r.read_string(v, p);
      } else if (key == "defaults") {
        if (r.expect_mapping(v, "map[string]DefaultConfig", p)) {
          r.for_each_member(v, p, [&](const std::string& model, const YAML::Node& e, const std::string& ep) {
            registry.defaults_[model] = read_deployment(r, e, ep);
            return true;
          });
        }
      } else if (key == "workloads") {
        if (r.expect_mapping(v, "map[string]Workload", p)) {
          r.for_each_member(v, p, [&](const std::string& name, const YAML::Node& e, const std::string& ep) {
            registry.workloads_[name] = read_workload(r, e, ep);
            return true;
          });
        }
      } else if (key == "models") {
        if (v.IsSequence()) {
          for (size_t i = 0; i < v.size(); ++i) {
            registry.rows_.push_back(read_row(r, v[i], fmt::format("models[{}]", i)));
          }
        } else if (!v.IsNull()) {
          r.type_error(v, "[]Model", p);
        }
      } else {
        return false;
      }
      return true;
    });
  }
  if (!r.problems().empty()) {
    std::string joined;
    for (const std::string& p : r.problems()) joined += (joined.empty() ? "" : "; ") + p;
    throw Error("failed to parse " + where + ": " + joined);
  }
  return registry;
}

const DefaultDeployment* DefaultsRegistry::deployment(const std::string& model) const {
  const auto it = defaults_.find(model);
  return it == defaults_.end() ? nullptr : &it->second;
}

// Rows are kept in file order; the reference returns the first full match, which matters for
// the keys that appear twice with different coefficients (§4.4).
const CoefficientRow* DefaultsRegistry::coefficients(const std::string& model, int64_t tp,
                                                     const std::string& gpu,
                                                     const std::string& vllm_version) const {
  for (const CoefficientRow& row : rows_) {
    if (row.id == model && row.tensor_parallelism == tp && row.gpu == gpu &&
        row.vllm_version == vllm_version) {
      return &row;
    }
  }
  return nullptr;
}

const PresetWorkload* DefaultsRegistry::preset(const std::string& name) const {
  const auto it = workloads_.find(name);
  return it == workloads_.end() ? nullptr : &it->second;
}

}  // namespace blis::config
