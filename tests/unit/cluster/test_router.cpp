// Routing policies and scorers (cluster-workload-trace §B.3–B.6), driven with hand-made snapshots.
#include <doctest/doctest.h>

#include <vector>

#include "engine/cluster/prefix_index.h"
#include "engine/cluster/router.h"

using namespace blis;
using namespace blis::cluster;

namespace {

std::vector<RoutingSnapshot> snaps(std::initializer_list<std::array<int64_t, 3>> loads) {
  std::vector<RoutingSnapshot> out;
  int32_t i = 0;
  for (const auto& l : loads) {
    RoutingSnapshot s;
    s.index = i++;
    s.queue_depth = l[0];
    s.batch_size = l[1];
    s.pending = l[2];
    out.push_back(s);
  }
  return out;
}

Request request_with(std::vector<kv::Token> tokens) {
  Request r;
  r.input = std::move(tokens);
  r.input_len = static_cast<int64_t>(r.input.size());
  return r;
}

std::vector<kv::Token> iota_tokens(int n, int start = 0) {
  std::vector<kv::Token> t;
  for (int i = 0; i < n; ++i) t.push_back(start + i);
  return t;
}

}  // namespace

TEST_CASE("round-robin cycles through instances and names its counter") {
  Router router(RouterConfig{}, 3);
  const auto s = snaps({{0, 0, 0}, {9, 9, 9}, {0, 0, 0}});
  const Request r = request_with({1});
  for (int i = 0; i < 7; ++i) {
    const RoutingDecision d = router.route(r, s, 0);
    CHECK(d.target == i % 3);
    CHECK(d.reason.text() == "round-robin[" + std::to_string(i) + "]");
    CHECK_FALSE(d.has_scores);
  }
}

TEST_CASE("least-loaded and always-busiest break ties toward the lowest index") {
  const auto s = snaps({{2, 1, 0}, {1, 1, 0}, {0, 1, 1}, {5, 0, 0}});
  const Request r = request_with({1});
  RouterConfig ll;
  ll.policy = RoutingPolicyKind::LeastLoaded;
  Router least(ll, 4);
  const RoutingDecision a = least.route(r, s, 0);
  CHECK(a.target == 1);  // loads 3, 2, 2, 5: first of the two minima
  CHECK(a.reason.text() == "least-loaded (load=2)");
  RouterConfig ab;
  ab.policy = RoutingPolicyKind::AlwaysBusiest;
  Router busiest(ab, 4);
  const RoutingDecision b = busiest.route(r, s, 0);
  CHECK(b.target == 3);
  CHECK(b.reason.text() == "always-busiest (load=5)");
}

TEST_CASE("prefix-affinity policy: identical aligned inputs stick, others fall back to least-loaded") {
  RouterConfig cfg;
  cfg.policy = RoutingPolicyKind::PrefixAffinity;
  cfg.block_size = 4;
  Router router(cfg, 3);
  auto s = snaps({{1, 0, 0}, {0, 0, 0}, {2, 0, 0}});
  const Request first = request_with(iota_tokens(9));  // two complete blocks + one token
  RoutingDecision d = router.route(first, s, 0);
  CHECK(d.target == 1);
  CHECK(d.reason.text() == "prefix-affinity (cache-miss, fallback to least-loaded)");
  s[1].queue_depth = 10;  // now the busiest, but the key is mapped
  auto same_blocks = iota_tokens(8);
  same_blocks.push_back(777);  // a different partial tail does not matter
  d = router.route(request_with(same_blocks), s, 0);
  CHECK(d.target == 1);
  CHECK(d.reason.text() == "prefix-affinity (cache-hit)");
  // Sharing only the first block is not enough: the key is the last complete block's hash.
  auto other = iota_tokens(4);
  for (int i = 0; i < 4; ++i) other.push_back(100 + i);
  d = router.route(request_with(other), s, 0);
  CHECK(d.target == 0);
  CHECK(d.reason.text() == "prefix-affinity (cache-miss, fallback to least-loaded)");
  // Inputs shorter than a block are keyed by all their tokens.
  CHECK(router.route(request_with({5, 6}), s, 0).target == 0);
  s[0].queue_depth = 50;
  CHECK(router.route(request_with({5, 6}), s, 0).target == 0);
  CHECK(router.route(request_with({5, 7}), s, 0).target == 2);
}

TEST_CASE("weighted: normalised weights, clamped scores, composite argmax, default-like profile") {
  RouterConfig cfg;
  cfg.policy = RoutingPolicyKind::Weighted;
  cfg.scorers = {{ScorerKind::QueueDepth, "queue-depth", 1, -1}, {ScorerKind::LoadBalance, "load-balance", 3, -1}};
  Router router(cfg, 3);
  const auto s = snaps({{4, 0, 0}, {1, 0, 0}, {2, 0, 0}});
  const RoutingDecision d = router.route(request_with({1}), s, 0);
  REQUIRE(d.has_scores);
  // queue-depth: (4-L)/3 -> 0, 1, 2/3; load-balance: 1/(1+L) -> 0.2, 0.5, 1/3; weights 0.25, 0.75.
  CHECK(d.scores[0] == doctest::Approx(0.75 * 0.2));
  CHECK(d.scores[1] == doctest::Approx(0.25 + 0.75 * 0.5));
  CHECK(d.scores[2] == doctest::Approx(0.25 * 2.0 / 3.0 + 0.75 / 3.0));
  CHECK(d.target == 1);
  CHECK(d.reason.text() == "weighted-scoring (score=0.625)");
}

TEST_CASE("weighted: equal loads give queue-depth 1.0 everywhere and the lowest index wins") {
  RouterConfig cfg;
  cfg.policy = RoutingPolicyKind::Weighted;
  cfg.scorers = {{ScorerKind::QueueDepth, "queue-depth", 2, -1}, {ScorerKind::KvUtilization, "kv-utilization", 2, -1}};
  Router router(cfg, 2);
  auto s = snaps({{1, 1, 0}, {1, 1, 0}});
  s[0].kv_utilization = 0.5;
  s[1].kv_utilization = 0.5;
  const RoutingDecision d = router.route(request_with({1}), s, 0);
  CHECK(d.scores[0] == doctest::Approx(0.75));
  CHECK(d.target == 0);
}

TEST_CASE("weighted prefix-affinity scorer remembers what was routed where") {
  RouterConfig cfg;
  cfg.policy = RoutingPolicyKind::Weighted;
  cfg.block_size = 2;
  cfg.scorers = {{ScorerKind::PrefixAffinity, "prefix-affinity", 1, -1}};
  Router router(cfg, 3);
  const auto s = snaps({{0, 0, 0}, {0, 0, 0}, {0, 0, 0}});
  // No history: all zero, lowest index wins, and the blocks are recorded on instance 0.
  RoutingDecision d = router.route(request_with(iota_tokens(6)), s, 0);
  CHECK(d.target == 0);
  CHECK(d.scores[0] == 0.0);
  // A request sharing the first two of its three blocks scores 2/3 on instance 0.
  auto t = iota_tokens(4);
  t.push_back(90);
  t.push_back(91);
  d = router.route(request_with(t), s, 0);
  CHECK(d.target == 0);
  CHECK(d.scores[0] == doctest::Approx(2.0 / 3.0));
  CHECK(d.scores[1] == 0.0);
  // Fewer tokens than a block: 0 for everyone.
  d = router.route(request_with({1}), s, 0);
  CHECK(d.scores[0] == 0.0);
}

TEST_CASE("PrefixCacheIndex evicts the least recently recorded hash at capacity") {
  std::vector<kv::Digest> h;
  router_block_hashes(iota_tokens(8), 2, h);  // 4 chained hashes
  REQUIRE(h.size() == 4);
  PrefixCacheIndex index(2, 3);
  index.record(std::span(h).first(3), 0);
  CHECK(index.match_length(h, 0) == 3);
  CHECK(index.match_length(h, 1) == 0);  // never recorded
  index.record(std::span(h).subspan(3, 1), 0);  // evicts h[0]
  CHECK(index.match_length(h, 0) == 0);
  CHECK(index.match_length(std::span(h).subspan(1), 0) == 3);
  // Re-recording refreshes recency: h[1] survives the next insertion, h[2] does not.
  index.record(std::span(h).subspan(1, 1), 0);
  index.record(std::span(h).first(1), 0);
  CHECK(index.match_length(std::span(h).first(2), 0) == 2);
  CHECK(index.match_length(std::span(h).subspan(2, 1), 0) == 0);
}

TEST_CASE("chained block hashes depend on the whole prefix, not only the block") {
  std::vector<kv::Digest> a, b;
  router_block_hashes(std::vector<kv::Token>{1, 2, 3, 4}, 2, a);
  router_block_hashes(std::vector<kv::Token>{9, 9, 3, 4}, 2, b);
  REQUIRE(a.size() == 2);
  CHECK(a[1] != b[1]);
  router_block_hashes(std::vector<kv::Token>{1, 2, 3}, 2, b);
  CHECK(b.size() == 1);
  CHECK(b[0] == a[0]);
}
