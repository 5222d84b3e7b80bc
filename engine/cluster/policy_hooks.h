// The extension points through which policies written outside the engine (Lua scorers and
// admission rules, bound in bindings/) take part in decisions. The engine stays free of any
// scripting header: it hands over plain data and receives numbers back, once per decision.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "engine/cluster/routing_snapshot.h"
#include "engine/core/ticks.h"
#include "engine/request/request.h"

namespace blis::cluster {

// Everything a decision may read. Views are valid for the duration of the call only.
struct DecisionContext {
  const Request& request;
  Tick clock;                                    // cluster clock at the decision
  std::span<const RoutingSnapshot> snapshots;    // one per instance, in index order
  // Router-side prefix index (§B.6), filled only when some scorer asked for it:
  int64_t prefix_blocks = 0;                     // complete blocks of the request's input
  std::span<const int64_t> prefix_matches;       // per instance: leading blocks already recorded there
};

// A set of scorers evaluated together: one call per routing decision computes every score.
class ExternalScorers {
 public:
  virtual ~ExternalScorers() = default;
  virtual size_t count() const = 0;
  virtual const std::string& name(size_t scorer) const = 0;
  // True when some scorer reads the prefix-match fields: the engine then keeps the router-side
  // prefix index and records every routed request on its chosen instance.
  virtual bool uses_prefix_index() const = 0;
  // out[s * n + i] = raw score of scorer s for snapshot i (n = snapshots.size()). The engine
  // clamps to [0, 1] and weights. Throws blis::Error (naming the scorer and the user's
  // file:line) when a scorer fails.
  virtual void score_all(const DecisionContext& ctx, std::span<double> out) = 0;
};

struct AdmissionVerdict {
  bool admitted = true;
  std::string reason;  // recorded in the decision trace
};

// An admission rule; called once per admission decision. Throws blis::Error on failure.
class ExternalAdmission {
 public:
  virtual ~ExternalAdmission() = default;
  virtual const std::string& name() const = 0;
  virtual AdmissionVerdict admit(const DecisionContext& ctx) = 0;
};

}  // namespace blis::cluster
