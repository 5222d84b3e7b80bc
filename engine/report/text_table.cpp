#include "engine/report/text_table.h"

#include <algorithm>
#include <cmath>

#include "engine/metrics/go_json.h"

namespace blis::report {

std::string TextTable::render(int indent) const {
  size_t columns = 0;
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<size_t> width(columns, 0);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line(static_cast<size_t>(indent), ' ');
    for (size_t c = 0; c < columns; ++c) {
      const std::string cell = c < row.size() ? row[c] : std::string();
      const std::string pad(width[c] - cell.size(), ' ');
      if (c > 0) line += "  ";
      line += c == 0 || align_ == Align::AllLeft ? cell + pad : pad + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

namespace {

// Inserts a comma every three digits of the integer part of a plain decimal string.
std::string group_digits(const std::string& plain) {
  size_t start = plain.empty() || plain[0] != '-' ? 0 : 1;
  size_t end = plain.find('.');
  if (end == std::string::npos) end = plain.size();
  std::string out = plain.substr(0, start);
  for (size_t i = start; i < end; ++i) {
    out += plain[i];
    const size_t left = end - i - 1;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  return out + plain.substr(end);
}

}  // namespace

std::string grouped(int64_t value) { return group_digits(std::to_string(value)); }

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return metrics::go_format_fixed(value, decimals);  // NaN, +Inf, -Inf
  return group_digits(metrics::go_format_fixed(value, decimals));
}

std::string percent(double share, int decimals) { return fixed(share * 100.0, decimals) + "%"; }

}  // namespace blis::report
