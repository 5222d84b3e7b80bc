#include "engine/config/resolve_policies.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "engine/config/policy_bundle.h"
#include "engine/config/scenario_where.h"
#include "engine/core/error.h"
#include "engine/metrics/go_json.h"

namespace blis::config {

ResolvedPolicies resolve_policies(const ScenarioSpec& spec, RunConfig& c) {
  std::optional<std::string> admission_name = spec.admission_policy;
  std::optional<std::string> routing_name = spec.routing_policy;
  std::optional<std::string> priority_name = spec.priority_policy;
  std::optional<std::string> scheduler_name = spec.scheduler;
  std::optional<double> capacity = spec.token_bucket_capacity;
  std::optional<double> refill = spec.token_bucket_refill_per_s;
  ResolvedPolicies out;
  // The policy bundle: a YAML value applies where the scenario (or an explicit flag) is silent.
  if (spec.policy_config && !spec.policy_config->empty()) {
    PolicyBundle bundle;
    try {
      bundle = load_policy_bundle(*spec.policy_config);
    } catch (const Error& e) {
      reject(spec, "policy_config", std::string("Failed to load policy config: ") + e.what(),
             std::string("names a policy bundle that cannot be loaded: ") + e.what());
    }
    try {
      validate_policy_bundle(bundle);
    } catch (const Error& e) {
      reject(spec, "policy_config", std::string("Invalid policy config: ") + e.what(),
             std::string("names an invalid policy bundle: ") + e.what());
    }
    if (bundle.admission_policy && !admission_name) admission_name = bundle.admission_policy;
    if (bundle.token_bucket_capacity && !capacity) capacity = bundle.token_bucket_capacity;
    if (bundle.token_bucket_refill_rate && !refill) refill = bundle.token_bucket_refill_rate;
    if (bundle.routing_policy && !routing_name) routing_name = bundle.routing_policy;
    if (bundle.priority_policy && !priority_name) priority_name = bundle.priority_policy;
    if (bundle.scheduler && !scheduler_name) scheduler_name = bundle.scheduler;
    out.bundle_scorers = bundle.scorers;
  }


  // ---- policies (§8.4 item 5)
  const std::string admission = spec.external_admission ? "" : admission_name.value_or(std::string("always-admit"));
  c.admission.capacity = capacity.value_or(10000.0);
  c.admission.refill_per_s = refill.value_or(1000.0);
  if (admission == "token-bucket") {
    // A value the scenario left to the policy bundle is blamed on policy_config.
    if (!std::isfinite(c.admission.capacity) || c.admission.capacity <= 0) {
      reject(spec, spec.token_bucket_capacity ? "admission.capacity" : "policy_config",
             fmt::format("--token-bucket-capacity must be a finite value > 0, got {}",
                         metrics::go_format_g(c.admission.capacity)),
             fmt::format("{}must be a finite number > 0, got {}",
                         spec.token_bucket_capacity ? "" : "(its token bucket capacity) ",
                         metrics::go_format_g(c.admission.capacity)));
    }
    if (!std::isfinite(c.admission.refill_per_s) || c.admission.refill_per_s <= 0) {
      reject(spec, spec.token_bucket_refill_per_s ? "admission.refill_per_s" : "policy_config",
             fmt::format("--token-bucket-refill-rate must be a finite value > 0, got {}",
                         metrics::go_format_g(c.admission.refill_per_s)),
             fmt::format("{}must be a finite number > 0, got {}",
                         spec.token_bucket_refill_per_s ? "" : "(its token bucket refill rate) ",
                         metrics::go_format_g(c.admission.refill_per_s)));
    }
  }
  if (spec.external_admission) {
    c.admission.kind = cluster::AdmissionKind::External;
    c.admission.external = spec.external_admission;
  } else if (admission.empty() || admission == "always-admit") {
    c.admission.kind = cluster::AdmissionKind::AlwaysAdmit;
  } else if (admission == "reject-all") {
    c.admission.kind = cluster::AdmissionKind::RejectAll;
  } else if (admission == "token-bucket") {
    c.admission.kind = cluster::AdmissionKind::TokenBucket;
  } else {
    reject(spec, admission_name == spec.admission_policy ? "admission.policy" : "policy_config",
           fmt::format("Unknown admission policy \"{}\". Valid: always-admit, reject-all, token-bucket", admission),
           fmt::format("names an unknown admission policy \"{}\"; valid: always-admit, reject-all, token-bucket, or a "
                       "function{}", admission,
                       did_you_mean(admission, {"always-admit", "reject-all", "token-bucket"})));
  }
  out.routing = routing_name.value_or(std::string("round-robin"));
  const std::string& routing = out.routing;
  static const char* const kRouting[] = {"", "round-robin", "least-loaded", "weighted", "prefix-affinity", "always-busiest"};
  if (std::find(std::begin(kRouting), std::end(kRouting), routing) == std::end(kRouting)) {
    reject(spec, routing_name == spec.routing_policy ? "routing.policy" : "policy_config",
           fmt::format("Unknown routing policy \"{}\". Valid: always-busiest, least-loaded, prefix-affinity, "
                       "round-robin, weighted", routing),
           fmt::format("names an unknown routing policy \"{}\"; valid: always-busiest, least-loaded, prefix-affinity, "
                       "round-robin, weighted{}", routing,
                       did_you_mean(routing, {"always-busiest", "least-loaded", "prefix-affinity", "round-robin",
                                              "weighted"})));
  }
  c.routing.policy = cluster::Router::parse_policy(routing);
  c.routing.block_size = c.block_size;
  c.priority_policy_name = priority_name.value_or(std::string("constant"));
  try {
    c.instance.priority = batch::parse_priority_policy(c.priority_policy_name);
  } catch (const Error& e) {
    reject(spec, priority_name == spec.priority_policy ? "engine.priority" : "policy_config", e.what(),
           fmt::format("names an unknown priority policy \"{}\"; valid: constant, inverted-slo, slo-based{}",
                       c.priority_policy_name,
                       did_you_mean(c.priority_policy_name, {"constant", "inverted-slo", "slo-based"})));
  }
  const std::string scheduler = scheduler_name.value_or(std::string("fcfs"));
  try {
    c.instance.scheduler = batch::parse_scheduler(scheduler);
  } catch (const Error& e) {
    reject(spec, scheduler_name == spec.scheduler ? "engine.scheduler" : "policy_config", e.what(),
           fmt::format("names an unknown scheduler \"{}\"; valid: fcfs, priority-fcfs, reverse-priority, sjf{}",
                       scheduler, did_you_mean(scheduler, {"fcfs", "priority-fcfs", "reverse-priority", "sjf"})));
  }
  return out;
}

// The weighted policy's scorers (§B.4, §B.7, §C.3): the scenario's list or --routing-scorers
// string, else the bundle's list, else the default profile. Only a weighted policy uses them.
// NOTE (§B.7, NOTE 25): for any other policy the reference does not even parse a given string,
// so a malformed one only gets the "no effect" warning. `check_unused` (the scorers_need_weighted
// correction) checks a given string or list exactly as for weighted routing first.
void resolve_scorers(const ScenarioSpec& spec, const std::string& routing,
                     const std::vector<cluster::ScorerWeight>& bundle_scorers, cluster::RouterConfig& out,
                     const DiagnosticSink& log, bool check_unused) {
  const bool string_given = spec.routing_scorers && !spec.routing_scorers->empty();
  const bool weighted = routing == "weighted";
  const auto warn_unused = [&] {
    log(LogLevel::Warning, fmt::format("--routing-scorers has no effect when routing policy is \"{}\" "
                                       "(only applies to 'weighted')", routing));
  };
  if (!weighted && !(check_unused && (string_given || spec.scorer_list))) {
    if (string_given || spec.scorer_list) warn_unused();
    return;
  }
  cluster::RouterConfig unused;  // where a checked but unused list goes
  cluster::RouterConfig& target = weighted ? out : unused;
  std::vector<ScorerSpec> chosen;
  if (spec.scorer_list) {
    chosen = *spec.scorer_list;
  } else {
    std::vector<cluster::ScorerWeight> weights;
    if (string_given) {
      try {
        weights = cluster::parse_scorer_config(*spec.routing_scorers);
      } catch (const Error& e) {
        reject(spec, "routing.scorers", std::string("Invalid --routing-scorers: ") + e.what(),
               std::string("is invalid: ") + e.what());
      }
    } else if (!bundle_scorers.empty()) {
      weights = bundle_scorers;
    } else {
      weights = {{"prefix-affinity", 3}, {"queue-depth", 2}, {"kv-utilization", 2}};
    }
    for (const auto& w : weights) chosen.push_back(ScorerSpec{w.name, w.weight, -1});
  }
  // Scorers the scenario did not give came from the policy bundle.
  const char* key = string_given || spec.scorer_list ? "routing.scorers" : "policy_config";
  std::string active;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const ScorerSpec& s = chosen[i];
    if (!std::isfinite(s.weight) || s.weight <= 0) {
      reject(spec, key,
             fmt::format("Invalid --routing-scorers: weight of scorer \"{}\" must be a finite value > 0, got {}",
                         s.name, metrics::go_format_g(s.weight)),
             fmt::format("gives scorer \"{}\" the weight {}; weights must be finite numbers > 0", s.name,
                         metrics::go_format_g(s.weight)));
    }
    cluster::WeightedScorer w{cluster::ScorerKind::External, s.name, s.weight, s.external};
    if (s.external < 0) {
      if (s.name == "queue-depth") w.kind = cluster::ScorerKind::QueueDepth;
      else if (s.name == "kv-utilization") w.kind = cluster::ScorerKind::KvUtilization;
      else if (s.name == "load-balance") w.kind = cluster::ScorerKind::LoadBalance;
      else if (s.name == "prefix-affinity") w.kind = cluster::ScorerKind::PrefixAffinity;
      else {
        reject(spec, key,
               fmt::format("Invalid --routing-scorers: unknown scorer \"{}\"; valid: {}", s.name,
                           cluster::known_scorer_list()),
               fmt::format("names an unknown scorer \"{}\"; valid: {}{}", s.name, cluster::known_scorer_list(),
                           did_you_mean(s.name, {"kv-utilization", "load-balance", "prefix-affinity", "queue-depth"})));
      }
      for (size_t j = 0; j < i; ++j) {
        if (chosen[j].external < 0 && chosen[j].name == s.name) {
          reject(spec, key, fmt::format("Invalid --routing-scorers: duplicate scorer \"{}\"", s.name),
                 fmt::format("names scorer \"{}\" twice", s.name));
        }
      }
    } else if (!spec.external_scorers || static_cast<size_t>(s.external) >= spec.external_scorers->count()) {
      throw Error(fmt::format("scorer \"{}\" refers to a missing external scorer", s.name));
    }
    target.scorers.push_back(w);
    active += fmt::format("{}{}:{:.1f}", i > 0 ? ", " : "", s.name, s.weight);
  }
  if (!weighted) {
    warn_unused();  // valid, and still of no use to this policy
    return;
  }
  out.external = spec.external_scorers;
  log(LogLevel::Info, "Weighted routing scorers: " + active);
}

}  // namespace blis::config
