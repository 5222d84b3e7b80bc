// The KV store's reference defects (engine-core §5.6, §5.9) and their corrections, side by side.
#include <doctest/doctest.h>

#include <numeric>

#include "engine/kv/block_store.h"

using blis::core::CompatMode;
using blis::core::Corrections;
using blis::kv::BlockId;
using blis::kv::BlockStore;
using blis::kv::KvRequest;
using blis::kv::PrefixDigests;
using blis::kv::Token;

namespace {

struct TestRequest {
  TestRequest(int64_t k, std::vector<Token> in, std::vector<Token> out)
      : key(k), input(std::move(in)), output(std::move(out)) {}
  int64_t key;
  std::vector<Token> input, output;
  int64_t progress = 0;
  PrefixDigests digests;
  KvRequest view() { return KvRequest{key, progress, input, output, &digests}; }
};

std::vector<Token> tokens(int from, int count) {
  std::vector<Token> t(static_cast<size_t>(count));
  std::iota(t.begin(), t.end(), from);
  return t;
}

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
