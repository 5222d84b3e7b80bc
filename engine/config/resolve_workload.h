// The workload part of config::resolve() (engine-core §8.3, §8.4 items 1-2; cluster-workload-trace
// §D.3): the distribution, preset, CSV trace, WorkloadSpec, generator or trace v2 source, each
// checked before the run, with messages that name the flag for `blis run` and the scenario key
// and line for a scenario file (engine/config/scenario_where.h).
#pragma once

#include <string>

#include "engine/config/run_config.h"
#include "engine/config/defaults_file.h"
#include "engine/config/scenario_spec.h"

namespace blis::config {

// Fills c.workload and the fields of the chosen source; c.horizon must already be set.
void resolve_workload(const ScenarioSpec& spec, const DefaultsFile& defaults_file, RunConfig& c,
                      const DiagnosticSink& log);

}  // namespace blis::config
