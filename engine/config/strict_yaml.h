// Strict YAML reading with the rules of gopkg.in/yaml.v3 decoding into Go structs with known
// fields: scalars are typed by yaml.v3's resolver, an unknown or repeated key is an error, a
// value that cannot convert to the Go field type is an error, and all problems are collected
// (each with its line and key path) so one message can list them. Used by defaults.yaml and
// policy bundles (and workload specs).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace blis::config::strict_yaml {

struct Scalar {
  enum class Kind { Null, Bool, Int, Uint, Float, String } kind = Kind::String;
  int64_t i = 0;
  uint64_t u = 0;  // Uint: integers above INT64_MAX
  double f = 0;
};

const char* tag_name(Scalar::Kind k);

// How yaml.v3 types a scalar: quoted and block scalars (yaml-cpp tag "!") and !!str are
// strings; plain scalars go through the resolver (null/bool/special floats by table, then
// int, uint and float syntax for scalars starting with a digit or sign, '.'-prefixed floats).
Scalar resolve(const YAML::Node& node);

// yaml-cpp returns a null node both for "no document at all" and for a document that is null;
// yaml.v3's Decode fails (EOF) only in the first case.
bool has_document(const std::string& text);

class SchemaReader {
 public:
  void problem(const YAML::Node& at, const std::string& what);
  const std::vector<std::string>& problems() const { return problems_; }

  // Go type names appear in the messages so they read like the reference's.
  void type_error(const YAML::Node& node, const char* go_type, const std::string& path);

  std::string read_string(const YAML::Node& node, const std::string& path);
  int64_t read_int(const YAML::Node& node, const std::string& path);
  double read_float(const YAML::Node& node, const std::string& path);
  bool read_bool(const YAML::Node& node, const std::string& path);
  std::vector<double> read_float_list(const YAML::Node& node, const std::string& path);

  // A null value decodes to the zero value; anything but a mapping is a type error.
  bool expect_mapping(const YAML::Node& node, const char* go_type, const std::string& path);

  // Visits the members of a mapping in file order, after reporting repeated keys (yaml.v3
  // refuses them) and keys that are not scalars. `visit` returns false for an unknown key.
  // A merge key (`<<: *defaults`, or a sequence of mappings) is honoured as yaml.v3 does:
  // after the mapping's own keys, the merged mappings fill in only the keys not yet set, the
  // first mapping of a sequence winning.
  using MemberVisitor =
      std::function<bool(const std::string& key, const YAML::Node& value, const std::string& path)>;
  void for_each_member(const YAML::Node& map, const std::string& path, const MemberVisitor& visit);
  // The same, with `hint(key)` appended to each unknown key's message (" (did you mean ...?)").
  using UnknownKeyHint = std::function<std::string(const std::string& key)>;
  void for_each_member(const YAML::Node& map, const std::string& path, const MemberVisitor& visit,
                       const UnknownKeyHint& hint);

 private:
  // `done` holds the keys already set; members of a merged mapping (`merged`) that are in it
  // are skipped instead of being reported as repeated.
  void visit_members(const YAML::Node& map, const std::string& path, const MemberVisitor& visit,
                     std::map<std::string, int>& done, bool merged);
  void visit_merge(const YAML::Node& source, const std::string& path, const MemberVisitor& visit,
                   std::map<std::string, int>& done);

  std::vector<std::string> problems_;
  const UnknownKeyHint* hint_ = nullptr;  // of the for_each_member call under way, if it gave one
  // The mappings whose members are being visited, outermost first: a merge of one of them (an
  // anchor whose value contains itself, `- &a {<<: *a}`) is refused instead of recursing forever.
  std::vector<YAML::Node> visiting_;
};

}  // namespace blis::config::strict_yaml
