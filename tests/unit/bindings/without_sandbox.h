// These tests read what a policy or generator left in its globals from a separate probe chunk,
// so they run their VMs without the sandbox, which gives every user chunk its own globals table.
// The views behave the same either way; the sandboxed path is covered by the golden cases.
#pragma once

#include "bindings/safety_options.h"

namespace blis::bindings::testing {

struct WithoutSandbox {
  bool saved = safety_options().unsafe;
  WithoutSandbox() { safety_options().unsafe = true; }
  ~WithoutSandbox() { safety_options().unsafe = saved; }
};

}  // namespace blis::bindings::testing
