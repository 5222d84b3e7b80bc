#include "engine/warning_limiter.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace blis {

namespace {

std::string without_digits(const std::string& message) {
  std::string key;
  key.reserve(message.size());
  for (const char ch : message) {
    if (ch < '0' || ch > '9') key.push_back(ch);
    else if (key.empty() || key.back() != '#') key.push_back('#');
  }
  return key;
}

}  // namespace

void WarningLimiter::receive(LogLevel level, const std::string& message) {
  if (level != LogLevel::Warning && level != LogLevel::Error) {
    out_(level, message);
    return;
  }
  auto [it, fresh] = kinds_.try_emplace(without_digits(message));
  Kind& kind = it->second;
  if (fresh) {
    kind.order = static_cast<int64_t>(kinds_.size());
    kind.first = message;
    kind.level = level;
  }
  if (++kind.seen <= kShownPerKind) out_(level, message);
}

void WarningLimiter::finish() {
  std::vector<const Kind*> suppressed;
  for (const auto& [key, kind] : kinds_) {
    if (kind.seen > kShownPerKind) suppressed.push_back(&kind);
  }
  std::sort(suppressed.begin(), suppressed.end(), [](const Kind* a, const Kind* b) { return a->order < b->order; });
  for (const Kind* kind : suppressed) {
    out_(kind->level, fmt::format("{} ... ({} more like this)", kind->first, kind->seen - kShownPerKind));
  }
  kinds_.clear();
}

}  // namespace blis
