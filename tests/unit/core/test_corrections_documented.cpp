// Every correction switch has its row in docs/deviations.md ("Corrections (corrected mode)"), so
// a switch cannot be added without telling users what it changes.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/core/corrections.h"

TEST_CASE("every correction has a row in docs/deviations.md") {
  std::ifstream in(std::string(BLIS_SOURCE_DIR) + "/docs/deviations.md");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::size_t table = doc.find("## Corrections (corrected mode)");
  REQUIRE(table != std::string::npos);
  const std::size_t end = doc.find("\n## ", table + 1);
  const std::string rows = doc.substr(table, end == std::string::npos ? std::string::npos : end - table);
  for (const auto& c : blis::core::correction_catalogue()) {
    CAPTURE(c.name);
    CHECK(rows.find(std::string("\n| `") + c.name + "` |") != std::string::npos);
  }
}
