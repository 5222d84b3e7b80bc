// A Lua table as a YAML document, so an inline spec in a scenario goes through the same strict
// reader as a file (engine/config/strict_yaml.h). Arrays (keys 1..n) become sequences, other
// tables mappings with their keys sorted (deterministic; pairs() order is not), strings quoted
// scalars, numbers and booleans plain scalars typed by the YAML resolver, as in a file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

struct lua_State;

namespace blis::bindings {

// Throws Error for values YAML cannot hold (functions, userdata, cyclic tables), naming the path.
YAML::Node yaml_from_lua(lua_State* L, int index, const std::string& path);

}  // namespace blis::bindings
