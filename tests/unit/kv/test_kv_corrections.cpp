// The KV store's reference defects (engine-core §5.6, §5.9) and their corrections, side by side.
#include <doctest/doctest.h>

#include <numeric>

#include "engine/kv/block_store.h"
#include "tests/unit/kv/kv_test_request.h"
#include "engine/kv/tiered_cache.h"

using blis::core::CompatMode;
using blis::core::Corrections;
using blis::kv::BlockId;
using blis::kv::BlockStore;
using blis::kv::KvRequest;
using blis::kv::PrefixDigests;
using blis::kv::Token;

namespace {

using blis::kv::testing::TestRequest;
using blis::kv::testing::tokens;

const Corrections kReference = Corrections::for_mode(CompatMode::Reference);
const Corrections kCorrected = Corrections::for_mode(CompatMode::Corrected);

}  // namespace

TEST_CASE("kv_rollback_leak: a failed decode allocation leaks in reference mode and changes nothing corrected") {
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    BlockStore store(2, 2, corrected ? kCorrected : kReference);
    TestRequest a{1, tokens(0, 4), tokens(50, 2)};
    REQUIRE(store.allocate(a.view(), 0, 4, {}));
    a.progress = 4;
    CHECK_FALSE(store.allocate(a.view(), 4, 5, {}));  // no free block for the output token
    store.release(1);
    CHECK(store.used_blocks() == (corrected ? 0 : 2));
    CHECK(store.leaked_blocks() == (corrected ? 0 : 2));
  }
}

TEST_CASE("kv_rollback_leak: a chunked prefill continuation that does not fit is refused up front in both modes") {
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    BlockStore store(3, 4, corrected ? kCorrected : kReference);
    TestRequest a{1, tokens(0, 16), {}};
    REQUIRE(store.allocate(a.view(), 0, 6, {}));  // blocks: 4 + 2 tokens
    a.progress = 6;
    TestRequest b{2, tokens(100, 4), {}};
    REQUIRE(store.allocate(b.view(), 0, 4, {}));  // the third block
    // 10 more tokens: 2 top up a's partial block, 8 need two more blocks; none is free.
    CHECK_FALSE(store.allocate(a.view(), 6, 16, {}));
    CHECK(store.used_blocks() == 3);
    store.release(1);
    store.release(2);
    CHECK(store.used_blocks() == 0);
  }
}

TEST_CASE("kv_rollback_leak: the corrected check uses the room in a partial last block") {
  BlockStore store(2, 4, kCorrected);
  TestRequest a{1, tokens(0, 8), {}};
  REQUIRE(store.allocate(a.view(), 0, 6, {}));  // 4 + 2 tokens, both blocks in use
  a.progress = 6;
  CHECK(store.allocate(a.view(), 6, 8, {}));  // fits in the partial block without a free one
  CHECK(store.used_blocks() == 2);
}

TEST_CASE("kv_stale_hash_deletion: reusing the older of two same-prefix blocks keeps the newer one findable") {
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    BlockStore store(3, 4, corrected ? kCorrected : kReference);
    TestRequest a{1, tokens(0, 4), {}}, b{2, tokens(0, 4), {}};
    REQUIRE(store.allocate(a.view(), 0, 4, {}));  // block 0, registered under the prefix
    REQUIRE(store.allocate(b.view(), 0, 4, {}));  // block 1, same prefix: the index now names it
    store.release(1);                              // block 0 goes to the free list, its hash kept
    TestRequest c{3, tokens(100, 4), {}};
    REQUIRE(store.allocate(c.view(), 0, 4, {}));  // takes block 2, the free-list head
    TestRequest d{4, tokens(200, 4), {}};
    REQUIRE(store.allocate(d.view(), 0, 4, {}));  // reuses block 0 and clears its old prefix
    TestRequest e{5, tokens(0, 5), {}};
    std::vector<BlockId> cached;
    store.cached_blocks(e.view(), cached);
    // b's block 1 still holds the prefix; the reference deleted its index entry with block 0's.
    CHECK(cached.size() == (corrected ? 1u : 0u));
  }
}

TEST_CASE("kv_fully_cached_prompt: a fully cached prompt leaves its last block to recompute") {
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    BlockStore store(4, 4, corrected ? kCorrected : kReference);
    TestRequest a{1, tokens(0, 8), {}};
    REQUIRE(store.allocate(a.view(), 0, 8, {}));
    store.release(1);
    TestRequest b{2, tokens(0, 8), tokens(50, 2)};
    std::vector<BlockId> cached;
    store.cached_blocks(b.view(), cached);
    CHECK(cached.size() == (corrected ? 1u : 2u));
    TestRequest c{3, tokens(0, 9), {}};  // a longer prompt is not fully cached: both blocks hit
    store.cached_blocks(c.view(), cached);
    CHECK(cached.size() == 2u);
  }
}

TEST_CASE("tiered_cpu_overwrite: offloading over a record of the same block id uses no new CPU block") {
  for (const bool corrected : {false, true}) {
    CAPTURE(corrected);
    blis::kv::TieredConfig config;
    config.cpu_blocks = 10;
    config.offload_threshold = 0.0;  // offload whenever anything is in use
    blis::kv::TieredKvCache cache(3, 2, config, corrected ? kCorrected : kReference);
    TestRequest holder{1, tokens(900, 1), {}};
    REQUIRE(cache.allocate(holder.view(), 0, 1, {}));  // keeps usage above the threshold
    for (int round = 0; round < 2; ++round) {
      TestRequest a{2 + round, tokens(100 * round, 4), {}};
      REQUIRE(cache.allocate(a.view(), 0, 4, {}));  // the same two GPU blocks each round
      cache.release(a.key);                          // both offloaded
    }
    CHECK(cache.cpu_records() == 2);
    CHECK(cache.cpu_blocks_used() == (corrected ? 2 : 4));
  }
}
