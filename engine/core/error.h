// The one exception type the engine throws across module boundaries. The engine never prints
// and never exits: the front ends (bindings/) catch blis::Error, print its message and choose
// the exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace blis {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace blis
