// A request as the KV tests drive it: token lists, progress and prefix digests, viewed as the
// KvRequest the block store takes; and consecutive token ids.
#pragma once

#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "engine/kv/block_store.h"

namespace blis::kv::testing {

struct TestRequest {
  TestRequest(int64_t k, std::vector<Token> in, std::vector<Token> out)
      : key(k), input(std::move(in)), output(std::move(out)) {}
  int64_t key;
  std::vector<Token> input, output;
  int64_t progress = 0;
  PrefixDigests digests;
  KvRequest view() { return KvRequest{key, progress, input, output, &digests}; }
};

inline std::vector<Token> tokens(int from, int count) {
  std::vector<Token> t(static_cast<size_t>(count));
  std::iota(t.begin(), t.end(), from);
  return t;
}

}  // namespace blis::kv::testing
