#include "engine/report/html/markup_text.h"

#include <fmt/format.h>

#include <cmath>

namespace blis::report::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t':
      case '\n': out.push_back(c); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\xEF\xBF\xBD";
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string coord(double v) {
  if (!std::isfinite(v)) return "0.00";
  std::string s = fmt::format("{:.2f}", v);
  if (s == "-0.00") s = "0.00";
  return s;
}

std::string short_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double a = std::fabs(v);
  if (a == 0) return "0";
  // Large values with a suffix: 250000 -> "250k", 1500000 -> "1.5M" (tick labels stay short).
  if (a >= 1e12 || a < 1e-4) return fmt::format("{:.3g}", v);
  if (a >= 1e9) return short_number(v / 1e9) + "G";
  if (a >= 1e6) return short_number(v / 1e6) + "M";
  if (a >= 1e5) return short_number(v / 1e3) + "k";
  // Up to 4 significant digits, trailing zeros dropped.
  const int int_digits = a >= 1 ? static_cast<int>(std::floor(std::log10(a))) + 1 : 0;
  const int lead_zeros = a < 1 ? -static_cast<int>(std::floor(std::log10(a))) - 1 : 0;
  const int decimals = std::max(0, 4 - int_digits) + lead_zeros;
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace blis::report::html
