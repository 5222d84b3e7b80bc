// A PhysicsCoefficients as the coefficient file load_physics_coefficients reads
// (model_configs/physics/*.yaml): what `blis fit --out FILE` writes.
#pragma once

#include <string>

#include "engine/latency/physics/physics_coefficients.h"

namespace blis::fit {

// The file's text: a comment naming `comment_lines` (each line prefixed "# "), source, fitted_on,
// every term and host overhead, numbers in the shortest form that reads back exactly.
std::string coefficients_yaml(const latency::physics::PhysicsCoefficients& c, const std::string& comment_lines);

// A YAML double-quoted scalar of `text`.
std::string yaml_quoted(const std::string& text);

}  // namespace blis::fit
