// The KV block store's observable rules (engine-core §5): prefix hits, LRU reuse order, the
// capacity pre-check, rollback and its leak.
#include <doctest/doctest.h>

#include <numeric>

#include "engine/kv/block_store.h"
#include "tests/unit/kv/kv_test_request.h"

using blis::kv::BlockId;
using blis::kv::BlockStore;
using blis::kv::KvRequest;
using blis::kv::PrefixDigests;
using blis::kv::Token;

namespace {

using blis::kv::testing::TestRequest;
using blis::kv::testing::tokens;

}  // namespace

TEST_CASE("a released prompt's full blocks are found again as prefix hits") {
  BlockStore store(10, 4);
  TestRequest a{1, tokens(0, 10), tokens(100, 2)};
  REQUIRE(store.allocate(a.view(), 0, 10, {}));
  CHECK(store.used_blocks() == 3);  // 4 + 4 + 2 tokens
  store.release(1);
  CHECK(store.used_blocks() == 0);

  TestRequest b{2, tokens(0, 9), tokens(100, 2)};  // shares the first 8 tokens (two full blocks)
  std::vector<BlockId> cached;
  store.cached_blocks(b.view(), cached);
  CHECK(cached.size() == 2);
  REQUIRE(store.allocate(b.view(), 8, 9, cached));
  CHECK(store.used_blocks() == 3);
  CHECK(store.hits() == 2);
  CHECK(store.misses() == 4);  // 3 for a, 1 for b
  CHECK(store.cache_hit_rate() == doctest::Approx(2.0 / 6.0));
}

TEST_CASE("a prompt differing in its first block shares nothing") {
  BlockStore store(10, 4);
  TestRequest a{1, tokens(0, 8), std::vector<Token>{}};
  REQUIRE(store.allocate(a.view(), 0, 8, {}));
  store.release(1);
  TestRequest b{2, tokens(1, 8), std::vector<Token>{}};
  std::vector<BlockId> cached;
  store.cached_blocks(b.view(), cached);
  CHECK(cached.empty());
}

TEST_CASE("the capacity pre-check refuses a prefill that needs more blocks than are free") {
  BlockStore store(2, 4);
  TestRequest a{1, tokens(0, 9), std::vector<Token>{}};  // needs 3 blocks
  CHECK_FALSE(store.allocate(a.view(), 0, 9, {}));
  CHECK(store.used_blocks() == 0);
  CHECK(store.misses() == 0);
}

TEST_CASE("decode tokens fill the partial last block before taking a new one") {
  BlockStore store(4, 4);
  TestRequest a{1, tokens(0, 3), tokens(50, 3)};
  REQUIRE(store.allocate(a.view(), 0, 3, {}));
  CHECK(store.used_blocks() == 1);
  a.progress = 3;  // decode mode from now on
  REQUIRE(store.allocate(a.view(), 3, 4, {}));  // fills block 0 to 4 tokens
  CHECK(store.used_blocks() == 1);
  a.progress = 4;
  REQUIRE(store.allocate(a.view(), 4, 5, {}));  // needs a new block
  CHECK(store.used_blocks() == 2);
}

TEST_CASE("a failed decode allocation rolls back and leaks the request's earlier blocks") {
  BlockStore store(2, 2);
  TestRequest a{1, tokens(0, 4), tokens(50, 2)};
  REQUIRE(store.allocate(a.view(), 0, 4, {}));  // both blocks used, both full
  CHECK(store.used_blocks() == 2);
  a.progress = 4;
  CHECK_FALSE(store.allocate(a.view(), 4, 5, {}));  // no free block for the output token
  // NOTE (engine-core §5.6): the block list is deleted, its blocks stay in use forever.
  store.release(1);
  CHECK(store.used_blocks() == 2);
}

TEST_CASE("freed blocks are reused least recently freed first") {
  BlockStore store(3, 2);
  TestRequest a{1, tokens(0, 2), std::vector<Token>{}}, b{2, tokens(10, 2), std::vector<Token>{}};
  REQUIRE(store.allocate(a.view(), 0, 2, {}));  // block 0
  REQUIRE(store.allocate(b.view(), 0, 2, {}));  // block 1
  store.release(2);                              // free list: 2, 1
  store.release(1);                              // free list: 2, 1, 0
  TestRequest c{3, tokens(20, 4), std::vector<Token>{}};
  REQUIRE(store.allocate(c.view(), 0, 4, {}));  // takes blocks 2 and 1: b's prefix is evicted
  std::vector<BlockId> cached;
  store.cached_blocks(b.view(), cached);
  CHECK(cached.empty());
  store.cached_blocks(a.view(), cached);
  CHECK(cached.size() == 1);  // a's block 0 survived
}

TEST_CASE("a block size near INT64_MAX allocates one block instead of looping forever") {
  // ceil(n / B) written as (n + B - 1) / B overflowed to a negative count: the loop never ran
  // and the caller retried forever (the reliability finding hang_block_size_int64max.sh).
  BlockStore store(4, INT64_MAX);
  TestRequest a{1, tokens(0, 10), tokens(100, 2)};
  REQUIRE(store.allocate(a.view(), 0, 10, {}));
  CHECK(store.used_blocks() == 1);
}
