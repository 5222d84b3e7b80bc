#include "engine/core/corrections.h"

namespace blis::core {

Corrections Corrections::for_mode(CompatMode mode) {
  Corrections c;
  const bool on = mode == CompatMode::Corrected;
#define BLIS_CORRECTION_SET(name, where, what) c.name = on;
  BLIS_CORRECTIONS(BLIS_CORRECTION_SET)
#undef BLIS_CORRECTION_SET
  return c;
}

bool* Corrections::find(std::string_view wanted) {
#define BLIS_CORRECTION_FIND(name, where, what) \
  if (wanted == #name) return &name;
  BLIS_CORRECTIONS(BLIS_CORRECTION_FIND)
#undef BLIS_CORRECTION_FIND
  return nullptr;
}

bool Corrections::any() const {
  bool on = false;
#define BLIS_CORRECTION_ANY(name, where, what) on = on || name;
  BLIS_CORRECTIONS(BLIS_CORRECTION_ANY)
#undef BLIS_CORRECTION_ANY
  return on;
}

const std::vector<CorrectionInfo>& correction_catalogue() {
  static const std::vector<CorrectionInfo> catalogue = {
#define BLIS_CORRECTION_INFO(name, where, what) CorrectionInfo{#name, where, what},
      BLIS_CORRECTIONS(BLIS_CORRECTION_INFO)
#undef BLIS_CORRECTION_INFO
  };
  return catalogue;
}

std::string_view compat_mode_name(CompatMode mode) {
  return mode == CompatMode::Reference ? "reference" : "corrected";
}

}  // namespace blis::core
