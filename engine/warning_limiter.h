// Rate limit for repeated run-time warnings and errors: a KV-pressured run can raise the same warning for
// every step of every request ("KV cache too small to serve request ...", "dropping request
// ..."), which buries every other message. Warnings (and logged errors) of one kind — the same text once the
// numbers in it are ignored — are passed on a few times, then only counted; finish() reports
// each count once ("... (N more like this)"). Other levels pass straight through.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "engine/simulation.h"

namespace blis {

class WarningLimiter {
 public:
  static constexpr int64_t kShownPerKind = 5;

  explicit WarningLimiter(const DiagnosticSink& out) : out_(out) {}
  WarningLimiter(const WarningLimiter&) = delete;
  WarningLimiter& operator=(const WarningLimiter&) = delete;

  // The sink to hand to the engine; valid while this limiter lives.
  const DiagnosticSink& sink() const { return sink_; }
  // Reports the suppressed counts, in the order the kinds first appeared; idempotent.
  void finish();

 private:
  void receive(LogLevel level, const std::string& message);

  struct Kind {
    int64_t order;        // first appearance
    std::string first;    // the first message of this kind
    LogLevel level;
    int64_t seen = 0;
  };
  const DiagnosticSink& out_;
  std::map<std::string, Kind> kinds_;  // keyed by the message with its digits removed
  DiagnosticSink sink_ = [this](LogLevel level, const std::string& message) { receive(level, message); };
};

}  // namespace blis
