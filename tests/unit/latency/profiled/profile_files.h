// Writing the files of a synthetic layer-wise profile (engine/latency/profiled/) in a test:
// plain CSV tables and the gzip-compressed ones (attention.csv.gz).
#pragma once

#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace blis::testing {

inline void write_text(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

inline void write_gz(const std::filesystem::path& p, const std::string& text) {
  gzFile f = gzopen(p.string().c_str(), "wb");
  REQUIRE(f != nullptr);
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

}  // namespace blis::testing
