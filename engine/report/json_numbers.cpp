#include "engine/report/json_numbers.h"

#include <cmath>

namespace blis::report {

void write_rounded(metrics::JsonWriter& w, const char* key, double v, int decimals) {
  w.key(key);
  if (!std::isfinite(v)) {
    w.value_null();
    return;
  }
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(v * scale) / scale;
  w.value_float(rounded == 0 ? 0.0 : rounded);  // never "-0"
}

}  // namespace blis::report
