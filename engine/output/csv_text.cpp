#include "engine/output/csv_text.h"

#include <charconv>
#include <fmt/format.h>

#include <iterator>

namespace blis::output {

void append_field(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_int(std::string& out, int64_t v) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, result.ptr);
}

void append_ms(std::string& out, Tick us) {
  // The magnitude as unsigned, so INT64_MIN has one too.
  const uint64_t magnitude = us < 0 ? 0 - static_cast<uint64_t>(us) : static_cast<uint64_t>(us);
  if (us < 0) out.push_back('-');
  char digits[24];
  const auto whole = std::to_chars(digits, digits + sizeof digits, magnitude / 1000);
  out.append(digits, whole.ptr);
  const auto frac = static_cast<unsigned>(magnitude % 1000);
  const char tail[4] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                        static_cast<char>('0' + frac % 10)};
  out.append(tail, sizeof tail);
}

void append_fixed(std::string& out, double v, int decimals) {
  fmt::format_to(std::back_inserter(out), "{:.{}f}", v, decimals);
}

CsvFile::CsvFile(const std::string& path, std::string_view what) : file_(path, what) {
  buffer_.reserve(kFlushAt + 4096);
}

void CsvFile::flush() {
  file_.write(buffer_);
  buffer_.clear();
}

void CsvFile::commit() {
  flush();
  file_.commit();
}

}  // namespace blis::output
