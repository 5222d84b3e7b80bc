#include <doctest/doctest.h>

#include <set>
#include <string>

#include "engine/core/corrections.h"

using blis::core::CompatMode;
using blis::core::Corrections;

TEST_CASE("corrections: the modes switch every correction off or on") {
  const Corrections reference = Corrections::for_mode(CompatMode::Reference);
  const Corrections corrected = Corrections::for_mode(CompatMode::Corrected);
  CHECK_FALSE(reference.any());
  CHECK(corrected.any());
  for (const auto& info : blis::core::correction_catalogue()) {
    Corrections r = reference, c = corrected;
    REQUIRE(r.find(info.name) != nullptr);
    CHECK_FALSE(*r.find(info.name));
    CHECK(*c.find(info.name));
  }
}

TEST_CASE("corrections: names are unique and documented, unknown names are not found") {
  std::set<std::string> names;
  for (const auto& info : blis::core::correction_catalogue()) {
    CHECK(names.insert(info.name).second);
    CHECK(std::string(info.where).size() > 0);
    CHECK(std::string(info.what).size() > 10);
  }
  Corrections c;
  CHECK(c.find("no_such_correction") == nullptr);
  CHECK(blis::core::compat_mode_name(CompatMode::Reference) == "reference");
}
