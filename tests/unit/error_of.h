// The message of the blis::Error an expression throws, for tests that check what a user would
// read. Shared by the unit tests so that "no error at all" fails the same way everywhere.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "engine/core/error.h"

namespace blis::testing {

// The message of the blis::Error `f()` throws ("" with a failed check when it throws none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const blis::Error& e) {
    return e.what();
  }
  FAIL_CHECK("expected a blis::Error");
  return "";
}

}  // namespace blis::testing
