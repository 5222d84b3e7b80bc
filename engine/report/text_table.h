// A plain-text table for the human report: a header row, then rows, columns padded to their
// widest cell; the first column is left-aligned (names), the others right-aligned (numbers).
// Also the number forms the human report uses, so every figure reads the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace blis::report {

class TextTable {
 public:
  enum class Align { NumbersRight, AllLeft };  // AllLeft: label/value lists of words
  explicit TextTable(std::vector<std::string> header, Align align = Align::NumbersRight)
      : rows_{std::move(header)}, align_(align) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // Each row on its own line, indented by `indent` spaces, columns two spaces apart.
  std::string render(int indent = 2) const;
  // The header row, then the rows (the HTML report lays the same cells out as a table).
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }

 private:
  std::vector<std::vector<std::string>> rows_;
  Align align_;
};

// 1234567 -> "1,234,567" (no locale: the same bytes everywhere).
std::string grouped(int64_t value);
// A fixed-point figure with thousands grouped: fixed(4238.0152, 2) -> "4,238.02".
std::string fixed(double value, int decimals);
// A share as a percentage: percent(0.4521) -> "45.2%".
std::string percent(double share, int decimals = 1);

}  // namespace blis::report
