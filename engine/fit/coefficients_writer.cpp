#include "engine/fit/coefficients_writer.h"

#include <fmt/format.h>

#include <sstream>

#include "engine/fit/fit_parameters.h"

namespace blis::fit {

namespace physics = latency::physics;

std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string coefficients_yaml(const physics::PhysicsCoefficients& c, const std::string& comment_lines) {
  std::string out;
  std::istringstream lines(comment_lines);
  for (std::string line; std::getline(lines, line);) out += line.empty() ? "#\n" : "# " + line + "\n";
  out += "source: " + yaml_quoted(c.source) + "\n";
  out += "fitted_on: " + yaml_quoted(c.fitted_on) + "\n";
  out += "terms:\n";
  const std::vector<std::string>& names = fittable_names();
  for (int i = 0; i < physics::kTermCount; ++i) {
    out += fmt::format("  {}: {}\n", names[static_cast<size_t>(i)], get_coefficient(c, i));
  }
  out += "host:\n";
  for (size_t i = physics::kTermCount; i < names.size(); ++i) {
    out += fmt::format("  {}: {}\n", names[i], get_coefficient(c, static_cast<int>(i)));
  }
  return out;
}

}  // namespace blis::fit
