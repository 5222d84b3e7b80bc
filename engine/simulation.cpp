#include "engine/simulation.h"

#include "engine/cluster/cluster_simulation.h"
#include "engine/config/run_config.h"
#include "engine/metrics/run_report.h"

namespace blis {

SimulationOutput run_scenario(const config::ScenarioSpec& spec, const DiagnosticSink& log) {
  const config::RunConfig config = config::resolve(spec, log);
  cluster::ClusterSimulation sim(config, log);
  sim.run();
  return metrics::build_report(sim, config, log);
}

}  // namespace blis
