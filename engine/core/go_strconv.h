// Go's strconv, for every number the reference parses with it: flag values (spf13/pflag,
// engine-core §8.1, §8.5), CSV trace arrival times (§9.4) and fitness weights. Errors keep Go's
// kinds so messages can tell "invalid syntax" from "value out of range".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace blis::core::go {

enum class NumError { kNone, kSyntax, kRange };

// strconv.ParseInt(s, 0, 64): optional sign, then decimal, 0x / 0o / 0b / leading-0 octal, '_'
// digit separators as in Go literals. On kRange `out` is left unchanged.
NumError parse_int(std::string_view s, int64_t& out);

// strconv.ParseFloat(s, 64): decimal or hexadecimal (with a mandatory p exponent) literals, '_'
// separators, "Inf"/"Infinity" with optional sign and "NaN" in any case. Overflow is kRange;
// underflow rounds to a denormal or zero without error, as in Go.
NumError parse_float(std::string_view s, double& out);

// The decimal order of magnitude of a non-zero decimal literal ([+-]digits[.digits][e[+-]digits]):
// the value lies in [10^(order-1), 10^order). std::from_chars reports overflow and underflow alike
// (result_out_of_range); order > 0 is overflow, order <= 0 underflow.
int64_t decimal_order(std::string_view literal);

// strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
NumError parse_bool(std::string_view s, bool& out);

// strconv.Quote, i.e. fmt's %q of a string.
std::string quote(std::string_view s);

// The error's text as Go prints it: `strconv.ParseInt: parsing "abc": invalid syntax`.
std::string num_error_text(std::string_view function, std::string_view s, NumError error);

}  // namespace blis::core::go
