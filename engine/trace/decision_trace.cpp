#include "engine/trace/decision_trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/metrics/go_json.h"

namespace blis::trace {

namespace {

std::string instance_id(int32_t index) { return "instance_" + std::to_string(index); }

void append_float(std::string& out, double v) {
  // JSON has no NaN or infinities; a Lua scorer can produce them, so they become null.
  out += std::isfinite(v) ? metrics::go_json_float(v) : "null";
}

void append_key(std::string& out, std::string_view key) {
  metrics::append_go_json_string(out, key);
  out += ':';
}

}  // namespace

void compute_counterfactual(int32_t chosen, const std::optional<std::vector<double>>& scores,
                            std::span<const cluster::RoutingSnapshot> snapshots, int64_t k,
                            std::vector<CandidateScore>& candidates, double& regret, bool load_regret) {
  candidates.clear();
  regret = 0;
  if (k <= 0 || snapshots.empty()) return;
  std::vector<CandidateScore> all;
  all.reserve(snapshots.size());
  bool chosen_present = false;
  double chosen_score = 0;
  for (size_t i = 0; i < snapshots.size(); ++i) {
    const auto& s = snapshots[i];
    // Without a score map (load-based policies), lighter is better: score = -EffectiveLoad.
    const double score = scores ? (i < scores->size() ? (*scores)[i] : 0.0) : -static_cast<double>(s.effective_load());
    all.push_back({s.index, score, s.queue_depth, s.batch_size, s.pending, s.kv_utilization, s.free_kv_blocks});
    if (s.index == chosen) {
      chosen_present = true;
      chosen_score = score;
    }
  }
  if (!chosen_present) return;
  std::vector<std::string> ids;
  ids.reserve(all.size());
  for (const auto& c : all) ids.push_back(instance_id(c.instance));
  std::vector<size_t> order(all.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // Score descending, then instance id ascending by bytes ("instance_10" < "instance_2").
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (all[a].score != all[b].score) return all[a].score > all[b].score;
    return ids[a] < ids[b];
  });
  const size_t take = std::min(static_cast<size_t>(k), all.size());
  for (size_t i = 0; i < take; ++i) candidates.push_back(all[order[i]]);
  if (load_regret && scores) {
    int64_t chosen_load = 0, min_load = snapshots[0].effective_load();
    for (const auto& s : snapshots) {
      min_load = std::min(min_load, s.effective_load());
      if (s.index == chosen) chosen_load = s.effective_load();
    }
    regret = static_cast<double>(chosen_load - min_load);
    return;
  }
  const double top = all[order[0]].score;
  regret = std::max(0.0, top - chosen_score);
}

TraceSummary DecisionTrace::summarize() const {
  TraceSummary s;
  s.total_decisions = static_cast<int64_t>(admissions_.size());
  for (const auto& a : admissions_) ++(a.admitted ? s.admitted : s.rejected);
  double sum = 0;
  for (const auto& r : routings_) {
    ++s.target_distribution[instance_id(r.chosen)];
    sum += r.regret;
    s.max_regret = std::max(s.max_regret, r.regret);
  }
  if (!routings_.empty()) s.mean_regret = sum / static_cast<double>(routings_.size());
  return s;
}

std::string DecisionTrace::to_json_lines() const {
  std::string out;
  for (const Entry& e : order_) {
    if (!e.routing) {
      const AdmissionRecord& a = admissions_[e.index];
      out += "{\"kind\":\"admission\",";
      append_key(out, "request_id"); metrics::append_go_json_string(out, request_id(a.request)); out += ',';
      append_key(out, "clock_us"); out += std::to_string(a.clock); out += ',';
      append_key(out, "admitted"); out += a.admitted ? "true" : "false"; out += ',';
      append_key(out, "reason"); metrics::append_go_json_string(out, a.reason);
      out += "}\n";
      continue;
    }
    const RoutingRecord& r = routings_[e.index];
    out += "{\"kind\":\"routing\",";
    append_key(out, "request_id"); metrics::append_go_json_string(out, request_id(r.request)); out += ',';
    append_key(out, "clock_us"); out += std::to_string(r.clock); out += ',';
    append_key(out, "chosen"); metrics::append_go_json_string(out, instance_id(r.chosen)); out += ',';
    append_key(out, "reason"); metrics::append_go_json_string(out, r.reason);
    if (r.scores) {
      out += ',';
      append_key(out, "scores");
      out += '{';
      for (size_t i = 0; i < r.scores->size(); ++i) {
        if (i > 0) out += ',';
        append_key(out, instance_id(static_cast<int32_t>(i)));
        append_float(out, (*r.scores)[i]);
      }
      out += '}';
    }
    if (!r.candidates.empty()) {
      out += ',';
      append_key(out, "candidates");
      out += '[';
      for (size_t i = 0; i < r.candidates.size(); ++i) {
        const CandidateScore& c = r.candidates[i];
        if (i > 0) out += ',';
        out += '{';
        append_key(out, "instance_id"); metrics::append_go_json_string(out, instance_id(c.instance)); out += ',';
        append_key(out, "score"); append_float(out, c.score); out += ',';
        append_key(out, "queue_depth"); out += std::to_string(c.queue_depth); out += ',';
        append_key(out, "batch_size"); out += std::to_string(c.batch_size); out += ',';
        append_key(out, "pending_requests"); out += std::to_string(c.pending); out += ',';
        append_key(out, "kv_utilization"); append_float(out, c.kv_utilization); out += ',';
        append_key(out, "free_kv_blocks"); out += std::to_string(c.free_kv_blocks);
        out += '}';
      }
      out += ']';
      out += ',';
      append_key(out, "regret");
      append_float(out, r.regret);
    }
    out += "}\n";
  }
  return out;
}

}  // namespace blis::trace
