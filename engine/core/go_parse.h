// Number parsing with Go's strconv rules, for flag values, CSV fields and messages.
#pragma once

#include <cstdint>
#include <string_view>

namespace blis::core {

// strconv.ParseFloat(s, 64): decimal or "inf"/"infinity"/"nan" (any case, optional sign);
// no surrounding spaces. Out-of-range values give ±Inf and false, as Go reports ErrRange.
bool parse_go_float(std::string_view text, double& out);

// strconv.ParseInt(s, base, 64) for base 10, or base 0 (0x / 0o / 0b / leading-0 octal
// prefixes and '_' separators allowed after a prefix, as Go does).
bool parse_go_int(std::string_view text, int base, int64_t& out);

}  // namespace blis::core
