#include "bindings/flag_value.h"

#include "engine/core/error.h"

namespace blis::bindings {

std::optional<std::string> flag_value(const std::vector<std::string>& args, size_t& i, const std::string& name) {
  const std::string& arg = args[i];
  if (arg == "--" + name) {
    if (i + 1 >= args.size()) throw Error("--" + name + " needs a value");
    return args[++i];
  }
  if (arg.rfind("--" + name + "=", 0) == 0) return arg.substr(name.size() + 3);
  return std::nullopt;
}

}  // namespace blis::bindings
