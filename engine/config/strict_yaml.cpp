// strict_yaml.h's SchemaReader: typed reads of yaml.v3 values into Go-like fields, unknown and
// repeated keys, merge keys (<<), and the collected problems. The scalar typing it relies on is
// in strict_yaml_scalar.cpp.
#include "engine/config/strict_yaml.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "engine/core/ticks.h"

namespace blis::config::strict_yaml {

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
