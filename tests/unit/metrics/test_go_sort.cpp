// go_sort_slice against Go 1.19's sort.Slice (engine-core §7.6.1, cluster-workload-trace §E.7).
// The reference order of equal keys is the whole point, so besides the spec's vectors the
// expected orders below were produced by go1.19.8 linux/amd64 running sort.Slice on the same
// generated inputs (the generator is reproduced here, so nothing external is read). Property tests
// then check sortedness and permutation on inputs built to reach every path: insertion sort,
// partial insertion, equal-key partitioning, breakPatterns and the heapsort fallback.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/metrics/go_sort.h"

using blis::metrics::go_sort_slice;

namespace {

struct Row {
  double key;
  uint32_t id;
};

// Sorts rows by key the way the results writer does (less = key <, swap = exchange rows) and
// returns the ids in their final order. Flags any out-of-range index passed to less or swap.
// `comparisons`, if given, receives the arguments of every less call in order (i, j, i, j, ...).
std::vector<uint32_t> go_sorted_ids(std::vector<Row> rows,
                                    std::vector<uint32_t>* comparisons = nullptr) {
  const size_t n = rows.size();
  bool index_out_of_range = false;
  std::vector<uint32_t> less_calls;
  go_sort_slice(
      n,
      [&](size_t i, size_t j) {
        less_calls.push_back(static_cast<uint32_t>(i));
        less_calls.push_back(static_cast<uint32_t>(j));
        if (i >= n || j >= n) {
          index_out_of_range = true;
          return false;
        }
        return rows[i].key < rows[j].key;
      },
      [&](size_t i, size_t j) {
        if (i >= n || j >= n) {
          index_out_of_range = true;
          return;
        }
        std::swap(rows[i], rows[j]);
      });
  CHECK_FALSE(index_out_of_range);
  if (comparisons != nullptr) *comparisons = std::move(less_calls);
  std::vector<uint32_t> ids;
  ids.reserve(n);
  for (const Row& row : rows) ids.push_back(row.id);
  return ids;
}

std::vector<Row> rows_from_keys(const std::vector<double>& keys) {
  std::vector<Row> rows;
  for (size_t i = 0; i < keys.size(); ++i) rows.push_back({keys[i], static_cast<uint32_t>(i)});
  return rows;
}

// The request numbers of "request_0".."request_<n-1>" in byte-wise sorted ID order, which is the
// order the results writer feeds to sort.Slice (§7.6).
std::vector<uint32_t> byte_sorted_request_numbers(uint32_t n) {
  std::vector<std::string> names;
  for (uint32_t i = 0; i < n; ++i) names.push_back("request_" + std::to_string(i));
  std::sort(names.begin(), names.end());
  std::vector<uint32_t> numbers;
  for (const std::string& name : names) {
    numbers.push_back(
        static_cast<uint32_t>(std::stoul(name.substr(std::string_view("request_").size()))));
  }
  return numbers;
}

// §7.6.1 vector: row i arrives at [0.002, 0.0, 0.001][i % 3] s; returns the resulting request
// numbers in results-file order.
std::vector<uint32_t> spec_vector_order(uint32_t n) {
  constexpr std::array<double, 3> kArrival = {0.002, 0.0, 0.001};
  std::vector<Row> rows;
  for (const uint32_t number : byte_sorted_request_numbers(n))
    rows.push_back({kArrival[number % 3], number});
  return go_sorted_ids(rows);
}

// SplitMix64, the generator of the Go oracle program.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// Key patterns of the oracle program (key of row i of n; param as listed per pattern), drawn
// from SplitMix64(n * 1000 + param).
std::vector<double> pattern_keys(std::string_view pattern, int n, int param) {
  SplitMix64 rng(static_cast<uint64_t>(n) * 1000 + static_cast<uint64_t>(param));
  std::vector<double> keys(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    double key = 0;
    if (pattern == "random") key = static_cast<double>(rng.next() % static_cast<uint64_t>(param));
    if (pattern == "ascending") key = i / param;
    if (pattern == "descending") key = (n - i) / param;
    if (pattern == "organ") key = std::min(i, n - i) / param;
    if (pattern == "sawtooth") key = i % param;
    if (pattern == "mostly") key = i / 2;
    keys[static_cast<size_t>(i)] = key;
  }
  if (pattern == "mostly") {  // pairs in order, then `param` random exchanges
    for (int t = 0; t < param && n > 0; ++t) {
      const auto a = static_cast<size_t>(rng.next() % static_cast<uint64_t>(n));
      const auto b = static_cast<size_t>(rng.next() % static_cast<uint64_t>(n));
      std::swap(keys[a], keys[b]);
    }
  }
  return keys;
}

// McIlroy's "killer adversary" comparator: keys are decided lazily so that every pivot the sort
// picks is as bad as possible, driving pdqsort into breakPatterns and its heapsort fallback. The
// decisions depend only on the order of comparisons, so the result is as deterministic as the
// sort itself. Returns the item ids in final order and, through `values`, each item's final key
// (an undecided item keeps the largest key, n); `comparisons` receives the less calls' arguments.
std::vector<uint32_t> adversary_order(int n, std::vector<int>& values,
                                      std::vector<uint32_t>& comparisons) {
  const int gas = n;  // undecided; compares above every decided key
  values.assign(static_cast<size_t>(n), gas);
  std::vector<uint32_t> ids(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = static_cast<uint32_t>(i);
  int candidate = -1;
  int decided = 0;
  comparisons.clear();
  const auto compare = [&](int x, int y) {
    int& vx = values[static_cast<size_t>(x)];
    int& vy = values[static_cast<size_t>(y)];
    if (vx == gas && vy == gas) (x == candidate ? vx : vy) = decided++;
    if (vx == gas) {
      candidate = x;
    } else if (vy == gas) {
      candidate = y;
    }
    return vx - vy;
  };
  go_sort_slice(
      static_cast<size_t>(n),
      [&](size_t i, size_t j) {
        comparisons.push_back(static_cast<uint32_t>(i));
        comparisons.push_back(static_cast<uint32_t>(j));
        return compare(static_cast<int>(ids[i]), static_cast<int>(ids[j])) < 0;
      },
      [&](size_t i, size_t j) { std::swap(ids[i], ids[j]); });
  return ids;
}

// FNV-1a 64 over 32-bit words as little-endian bytes (the oracle's digest).
uint64_t digest(const std::vector<uint32_t>& words) {
  uint64_t h = 14695981039346656037ULL;
  for (const uint32_t id : words) {
    for (int k = 0; k < 4; ++k) {
      h ^= (id >> (8 * k)) & 0xFF;
      h *= 1099511628211ULL;
    }
  }
  return h;
}

bool is_permutation_of_iota(std::vector<uint32_t> ids) {
  std::sort(ids.begin(), ids.end());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] != i) return false;
  }
  return true;
}

// Sorted by key, and the ids are exactly 0..n-1 once each.
void check_sorted_permutation(const std::vector<double>& keys, const std::vector<uint32_t>& ids) {
  REQUIRE(ids.size() == keys.size());
  CHECK(is_permutation_of_iota(ids));
  bool sorted = true;
  for (size_t i = 1; i < ids.size(); ++i) {
    if (keys[ids[i]] < keys[ids[i - 1]]) sorted = false;
  }
  CHECK(sorted);
}

struct OracleCase {
  const char* pattern;
  int n;
  int param;
  uint64_t order_digest;       // of the final ids
  uint64_t comparison_digest;  // of every less(i, j) call, as the words i, j in call order
};

// Digests from go1.19.8 linux/amd64 running sort.Slice on pattern_keys(pattern, n, param)
// ("adversary": adversary_order(n)). The comparison digest pins the exact sequence of less
// calls, so it also catches slips that leave the order intact, such as ending the partial
// insertion sort's backward loop at a + 1 instead of absolute index 1.
constexpr OracleCase kGo119Orders[] = {
    {"random", 13, 1, 0xe6fecf7c5a675f79ULL, 0x4a47d11657b350a6ULL},
    {"random", 13, 2, 0xe90adfeb5de66b49ULL, 0x2fd0e0299e01c12bULL},
    {"random", 13, 3, 0xa03d6b5730e76979ULL, 0x7bb38fd64a11c98fULL},
    {"random", 13, 10, 0x87fca9744174e469ULL, 0x1780c3c935972788ULL},
    {"random", 13, 1000000, 0x963b624bd555f219ULL, 0x97147b36024858ecULL},
    {"ascending", 13, 1, 0xe6fecf7c5a675f79ULL, 0x4a47d11657b350a6ULL},
    {"ascending", 13, 3, 0xe6fecf7c5a675f79ULL, 0x4a47d11657b350a6ULL},
    {"descending", 13, 1, 0x227a832092eae779ULL, 0x4c1fa35c8748691fULL},
    {"descending", 13, 3, 0x7d6832266965b509ULL, 0x087035a3bf4e58fcULL},
    {"organ", 13, 1, 0xef21a5917f406239ULL, 0x0b1266be78e3b417ULL},
    {"organ", 13, 2, 0x705aec8bb0432969ULL, 0x98569b2078d14a21ULL},
    {"sawtooth", 13, 7, 0x87fbac5606f369f9ULL, 0x359e2e575ffc1581ULL},
    {"sawtooth", 13, 64, 0xe6fecf7c5a675f79ULL, 0x4a47d11657b350a6ULL},
    {"mostly", 13, 1, 0x70bcb0631ad40d29ULL, 0xf86b77f1c433d836ULL},
    {"mostly", 13, 4, 0xca235bedc50bfdd9ULL, 0x1df94b19b630e76dULL},
    {"mostly", 13, 20, 0x2aad536f2ee459e9ULL, 0xc628d42a0e70edc7ULL},
    {"adversary", 13, 0, 0x3419cc649ca19ff9ULL, 0x9db61d873aaab6deULL},
    {"random", 20, 1, 0x180afee825580385ULL, 0xc3836b66a9b159c3ULL},
    {"random", 20, 2, 0x5201ae2ab9b0b2d5ULL, 0xcf1ce9cc9aacb6b8ULL},
    {"random", 20, 3, 0xf9df358cf1e4a9f5ULL, 0xa593a479e2659063ULL},
    {"random", 20, 10, 0x653cad1ae6402445ULL, 0x4cdf18ccfde54eb8ULL},
    {"random", 20, 1000000, 0x9608b49648587895ULL, 0xd54269e25a8a2655ULL},
    {"ascending", 20, 1, 0x180afee825580385ULL, 0xc3836b66a9b159c3ULL},
    {"ascending", 20, 3, 0x180afee825580385ULL, 0xc3836b66a9b159c3ULL},
    {"descending", 20, 1, 0x2a4758daf2ba6b85ULL, 0xefadb56f5692e871ULL},
    {"descending", 20, 3, 0xaffb085caae94b55ULL, 0x66355eadf725dfecULL},
    {"organ", 20, 1, 0x3a83280fd0de8755ULL, 0xa7a28f05c29dcda6ULL},
    {"organ", 20, 2, 0x3f11adc3a5cb2b85ULL, 0x8c5137c057c8e228ULL},
    {"sawtooth", 20, 7, 0x7df0321ac7d790c5ULL, 0xb7e883cbbc157290ULL},
    {"sawtooth", 20, 64, 0x180afee825580385ULL, 0xc3836b66a9b159c3ULL},
    {"mostly", 20, 1, 0x7ae894c4ac268135ULL, 0x270e4db1315e0019ULL},
    {"mostly", 20, 4, 0xa96021eb3a83aec5ULL, 0xa1d6fb8ba2f8dc0fULL},
    {"mostly", 20, 20, 0x7f8e72f7782059e5ULL, 0xa04acebc2ebdeb5fULL},
    {"adversary", 20, 0, 0x3f247ff5b2a59905ULL, 0xfa6cb7e90f450c1bULL},
    {"random", 49, 1, 0x93ecda67f78a4865ULL, 0xd284f29731dc6cc9ULL},
    {"random", 49, 2, 0x73aa9c3e981f5df5ULL, 0xc34221a268c7b7c9ULL},
    {"random", 49, 3, 0x417eb202273f6d75ULL, 0xa5627afcbab11edfULL},
    {"random", 49, 10, 0x40b30f9dd54d3bc5ULL, 0x5c6c7d873b80964cULL},
    {"random", 49, 1000000, 0x55ace43d7649a735ULL, 0x584b24c469b13980ULL},
    {"ascending", 49, 1, 0x93ecda67f78a4865ULL, 0xd284f29731dc6cc9ULL},
    {"ascending", 49, 3, 0x93ecda67f78a4865ULL, 0xd284f29731dc6cc9ULL},
    {"descending", 49, 1, 0x725b5589d0e2b065ULL, 0x867d55ed344d3dddULL},
    {"descending", 49, 3, 0x803b60d3211d1465ULL, 0x9aa36a406819eb33ULL},
    {"organ", 49, 1, 0x2b0127024f3aea85ULL, 0xfe823884897d1506ULL},
    {"organ", 49, 2, 0x4e1f7e4e5ea036d5ULL, 0x9f8efe9f6f8c71b2ULL},
    {"sawtooth", 49, 7, 0xea513cb660e0ccb5ULL, 0xb24a092fabfe465eULL},
    {"sawtooth", 49, 64, 0x93ecda67f78a4865ULL, 0xd284f29731dc6cc9ULL},
    {"mostly", 49, 1, 0x985d01b2e24e3f25ULL, 0xa5bb29e19e269831ULL},
    {"mostly", 49, 4, 0x5507ded6e6a98ef5ULL, 0x335dfc55c5acf8c5ULL},
    {"mostly", 49, 20, 0xd915da747308bd75ULL, 0x009afce53bed1db9ULL},
    {"adversary", 49, 0, 0xb6c7012dfee8aa55ULL, 0xe8346d760b57effaULL},
    {"random", 50, 1, 0x512d7539f3d4a794ULL, 0x09b20984b16bd2e9ULL},
    {"random", 50, 2, 0x72d155b893271a04ULL, 0x50ba4983413d5d17ULL},
    {"random", 50, 3, 0x05e57c1d71aaf664ULL, 0x3394c09b6e83e837ULL},
    {"random", 50, 10, 0xb4979e241d0ebef4ULL, 0xcce04b5eede7cf79ULL},
    {"random", 50, 1000000, 0xf27798ef88dc7cb4ULL, 0xa4628b4652d28e73ULL},
    {"ascending", 50, 1, 0x512d7539f3d4a794ULL, 0x09b20984b16bd2e9ULL},
    {"ascending", 50, 3, 0x512d7539f3d4a794ULL, 0x09b20984b16bd2e9ULL},
    {"descending", 50, 1, 0xb91d01b915b66c24ULL, 0xfe392f133f046914ULL},
    {"descending", 50, 3, 0x51f1bf9bf5f23bc4ULL, 0x611404a845203592ULL},
    {"organ", 50, 1, 0x87892a940a8893b4ULL, 0x24d1d044c341854fULL},
    {"organ", 50, 2, 0x3f2f744828ee1c84ULL, 0x11f38e9e06153871ULL},
    {"sawtooth", 50, 7, 0x4058681ce57bb734ULL, 0xe08d12c5633132a5ULL},
    {"sawtooth", 50, 64, 0x512d7539f3d4a794ULL, 0x09b20984b16bd2e9ULL},
    {"mostly", 50, 1, 0x69f815ced60574a4ULL, 0xf744b56615fe1287ULL},
    {"mostly", 50, 4, 0xfd3c16f17cfe3b24ULL, 0x73bf6473fa6e022fULL},
    {"mostly", 50, 20, 0x0a235720e7e9df24ULL, 0xbbc0b9ac6365e9cbULL},
    {"adversary", 50, 0, 0xa2b01b1d9fda9c54ULL, 0xc33c3c9fbc14f4a2ULL},
    {"random", 51, 1, 0x6b23a56bbfeedd06ULL, 0xc919ab85462c1adaULL},
    {"random", 51, 2, 0xbd6b854c3ad09b36ULL, 0x31914087f2d19353ULL},
    {"random", 51, 3, 0xb109b7d1d4682e76ULL, 0x128f2a13ff513932ULL},
    {"random", 51, 10, 0xe1dab0afcaf05f46ULL, 0x4733a56626a48ddfULL},
    {"random", 51, 1000000, 0x07135f3d81f5f506ULL, 0xe527c2f048a2387dULL},
    {"ascending", 51, 1, 0x6b23a56bbfeedd06ULL, 0xc919ab85462c1adaULL},
    {"ascending", 51, 3, 0x6b23a56bbfeedd06ULL, 0xc919ab85462c1adaULL},
    {"descending", 51, 1, 0xcd458a586ab8c286ULL, 0x6763ccda8cb9a1a7ULL},
    {"descending", 51, 3, 0x2522a7455315c436ULL, 0x436793f5e274f0a7ULL},
    {"organ", 51, 1, 0xa9c373fc19fb6816ULL, 0x79b2e70cf7c0d463ULL},
    {"organ", 51, 2, 0xf05dbf85d9babce6ULL, 0x8686f56bc9ba83a9ULL},
    {"sawtooth", 51, 7, 0x41b20e5fca021b76ULL, 0x36851b8a7b643d1cULL},
    {"sawtooth", 51, 64, 0x6b23a56bbfeedd06ULL, 0xc919ab85462c1adaULL},
    {"mostly", 51, 1, 0xb797d2b0b0128316ULL, 0xaf2daa168f304454ULL},
    {"mostly", 51, 4, 0x9413a5c7a1b74166ULL, 0xaf5caf2fd6bb4f5aULL},
    {"mostly", 51, 20, 0xb4e112b18177a406ULL, 0x50651008811f9055ULL},
    {"adversary", 51, 0, 0x14274a659c6eff76ULL, 0xe8dc033edd112f3dULL},
    {"random", 64, 1, 0xf5f45328a8ebdb25ULL, 0x8dc760e167ba73dbULL},
    {"random", 64, 2, 0x0dcf142c5cfc8805ULL, 0xa9116bedea891c4bULL},
    {"random", 64, 3, 0x069ae4830e4226f5ULL, 0x73a6a9710cfef5f8ULL},
    {"random", 64, 10, 0xc0ed11c0580198d5ULL, 0x9f57440748e06145ULL},
    {"random", 64, 1000000, 0x1f84c5dc688ff195ULL, 0x978c4edecd263430ULL},
    {"ascending", 64, 1, 0xf5f45328a8ebdb25ULL, 0x8dc760e167ba73dbULL},
    {"ascending", 64, 3, 0xf5f45328a8ebdb25ULL, 0x8dc760e167ba73dbULL},
    {"descending", 64, 1, 0x9ff05cd31c7edb25ULL, 0x6d3eb7e83cdc160aULL},
    {"descending", 64, 3, 0x2a939b2d35426655ULL, 0x3800ac88c9ddb398ULL},
    {"organ", 64, 1, 0xf4d019c44e504785ULL, 0xe72d33620c93d7d1ULL},
    {"organ", 64, 2, 0x045c09061db36625ULL, 0xb4a6caa4ad6e8932ULL},
    {"sawtooth", 64, 7, 0xae38946a5b22fb05ULL, 0x1977c3b0d9ab6716ULL},
    {"sawtooth", 64, 64, 0xf5f45328a8ebdb25ULL, 0x8dc760e167ba73dbULL},
    {"mostly", 64, 1, 0x6e2d5ccc4a7413a5ULL, 0x05a9daa4947bd162ULL},
    {"mostly", 64, 4, 0x1cc9a8cc51b18665ULL, 0xdb255c45dbbc1f06ULL},
    {"mostly", 64, 20, 0x9e9003e6091e44d5ULL, 0x8df6cd3ee6c4ee14ULL},
    {"adversary", 64, 0, 0xd185851acb1dc285ULL, 0xe1ea816fb18cce1fULL},
    {"random", 100, 1, 0x3cea9f2d76102aa5ULL, 0x86e748214f02908aULL},
    {"random", 100, 2, 0x9a20e724edb0d6c5ULL, 0x16f773a27b6a50f2ULL},
    {"random", 100, 3, 0x39303181b2a20335ULL, 0x340edea00edb6047ULL},
    {"random", 100, 10, 0x7b5e699e7adfe465ULL, 0xfd3a784215b003cdULL},
    {"random", 100, 1000000, 0x2aeabfd7ad851695ULL, 0x647522161185e093ULL},
    {"ascending", 100, 1, 0x3cea9f2d76102aa5ULL, 0x86e748214f02908aULL},
    {"ascending", 100, 3, 0x3cea9f2d76102aa5ULL, 0x86e748214f02908aULL},
    {"descending", 100, 1, 0x48bf0ac710fe80a5ULL, 0xb140d6c739fd8396ULL},
    {"descending", 100, 3, 0x2b2168d8c25c7985ULL, 0xecae99cb1bd2f085ULL},
    {"organ", 100, 1, 0x3e38fe61aae64235ULL, 0x4e0efe8f9f8f7b92ULL},
    {"organ", 100, 2, 0xa366944338e76525ULL, 0x73a05a8ed42f4646ULL},
    {"sawtooth", 100, 7, 0x81e5503599224115ULL, 0x682a7a55ae3fc604ULL},
    {"sawtooth", 100, 64, 0x740bb80fd150d385ULL, 0x219a3bae172cd74eULL},
    {"mostly", 100, 1, 0x5eb62669dcd18635ULL, 0x8516eab20042cfd8ULL},
    {"mostly", 100, 4, 0x7d4c19438fc72725ULL, 0x973e189c7a2b2083ULL},
    {"mostly", 100, 20, 0xa203f64d51ba3e45ULL, 0xa7128021a44e6bc4ULL},
    {"adversary", 100, 0, 0x149ffe8c2ee77705ULL, 0xcceae42038ac4bb6ULL},
    {"random", 257, 1, 0x9be0fc48457b614aULL, 0xfb1cdf96490557ffULL},
    {"random", 257, 2, 0xfdec59bdcd7c312aULL, 0x75976a8d4f631bb9ULL},
    {"random", 257, 3, 0x6adf2b31a04f3b72ULL, 0xd5a5880a07e59bb7ULL},
    {"random", 257, 10, 0x682c7cd3fca97fbaULL, 0x38ad2cae60f23e9fULL},
    {"random", 257, 1000000, 0x5fdbb6fb7d3c6e3eULL, 0xe2d946f54171a050ULL},
    {"ascending", 257, 1, 0x9be0fc48457b614aULL, 0xfb1cdf96490557ffULL},
    {"ascending", 257, 3, 0x9be0fc48457b614aULL, 0xfb1cdf96490557ffULL},
    {"descending", 257, 1, 0x9218d558f021c54aULL, 0x39088bf71b7d364aULL},
    {"descending", 257, 3, 0xd37fcadf7290c62aULL, 0xc8f3138c11977f21ULL},
    {"organ", 257, 1, 0xa25e81088d8173ceULL, 0x5b2b11b1f6a5ddd7ULL},
    {"organ", 257, 2, 0x03fe52009e84d46eULL, 0x4949a1877318088fULL},
    {"sawtooth", 257, 7, 0x215a6345cb6fc78aULL, 0xd8d45dad2584e4b4ULL},
    {"sawtooth", 257, 64, 0x3de9c1215e885dfaULL, 0x17fda5e45bdcba9fULL},
    {"mostly", 257, 1, 0xa52ab27b4c3fa0faULL, 0x74aa41823e55fd6dULL},
    {"mostly", 257, 4, 0x192f428057e3149aULL, 0x5aed4e19707f585cULL},
    {"mostly", 257, 20, 0xba67ead7094f437aULL, 0xd4f77de8050aa5d9ULL},
    {"adversary", 257, 0, 0x147f7766559df4eaULL, 0xdc945d0dc49a5d3eULL},
    {"random", 1000, 1, 0xb626031ca980b5d5ULL, 0x5abee7a330af9aadULL},
    {"random", 1000, 2, 0xacc9cabd6c1070edULL, 0x4533cff73617e97dULL},
    {"random", 1000, 3, 0x65b26613f5ef6eedULL, 0x6ce78cb9725ab621ULL},
    {"random", 1000, 10, 0x61e1f43417670a01ULL, 0x50be383baa71646cULL},
    {"random", 1000, 1000000, 0x836a67788cc547f9ULL, 0xe49b54e4741ef9dbULL},
    {"ascending", 1000, 1, 0xb626031ca980b5d5ULL, 0x5abee7a330af9aadULL},
    {"ascending", 1000, 3, 0xb626031ca980b5d5ULL, 0x5abee7a330af9aadULL},
    {"descending", 1000, 1, 0x685eccaeac57a2c5ULL, 0xea7b6b33caf9ebbbULL},
    {"descending", 1000, 3, 0xdced29c291801151ULL, 0x38c3056c0d526687ULL},
    {"organ", 1000, 1, 0x8a575c851e63ebe9ULL, 0x68292b85b4ec3c89ULL},
    {"organ", 1000, 2, 0x09aa6e7dd2f08055ULL, 0x24c4720b83292a30ULL},
    {"sawtooth", 1000, 7, 0x37f242b18aeed669ULL, 0x7f279c9ad96a2cacULL},
    {"sawtooth", 1000, 64, 0x29ad3fc49d2585bdULL, 0x226427ea8041394cULL},
    {"mostly", 1000, 1, 0x8ce9a435a374cdf9ULL, 0x0ba56cf4de1d12e4ULL},
    {"mostly", 1000, 4, 0x21457ee26d8e728dULL, 0x3422a34b486c852aULL},
    {"mostly", 1000, 20, 0xb30eae50ec6bf975ULL, 0x37ff2fea3d2411faULL},
    {"adversary", 1000, 0, 0xe8f7862d13174431ULL, 0x5fe4267d42cc4753ULL},
    {"random", 4096, 1, 0x0ba9ef7eed639325ULL, 0x1fb955976c69819eULL},
    {"random", 4096, 2, 0x25fd6c044010df29ULL, 0xfecda36668967c31ULL},
    {"random", 4096, 3, 0x34ac72c3db3b1435ULL, 0x89625192da015c2bULL},
    {"random", 4096, 10, 0xf66070d020792f49ULL, 0x0dcdf658b4e9c376ULL},
    {"random", 4096, 1000000, 0xca1bc0d0be01c391ULL, 0x539d3d78cf77550cULL},
    {"ascending", 4096, 1, 0x0ba9ef7eed639325ULL, 0x1fb955976c69819eULL},
    {"ascending", 4096, 3, 0x0ba9ef7eed639325ULL, 0x1fb955976c69819eULL},
    {"descending", 4096, 1, 0xf175b964ac5c1d25ULL, 0x351679d3dd7f4b53ULL},
    {"descending", 4096, 3, 0x5d73c9ba7b998fe1ULL, 0xeb857240d7e7a7c9ULL},
    {"organ", 4096, 1, 0x7bf42c538f89ac01ULL, 0x07a853384a3a549cULL},
    {"organ", 4096, 2, 0xa097f40b0e80bef9ULL, 0x7c2135e8e1b45440ULL},
    {"sawtooth", 4096, 7, 0xc79e0f6db425afa1ULL, 0x44dce0c69f6e6ec1ULL},
    {"sawtooth", 4096, 64, 0x7875528820827531ULL, 0xd6bf5ca3fa4bf224ULL},
    {"mostly", 4096, 1, 0x29f4b757e6b1d6f1ULL, 0xb54d9f6c10dcf26fULL},
    {"mostly", 4096, 4, 0x8f589d4413bca3e5ULL, 0x84557ec13fda46b2ULL},
    {"mostly", 4096, 20, 0x2680f652c45395f5ULL, 0x9d5910e07713c137ULL},
    {"adversary", 4096, 0, 0x2f3e1a785045a2a5ULL, 0x5a00f8c6c26a553cULL},
    {"random", 20000, 1, 0x4e470427b8b3fd25ULL, 0x78befbec4fdfb1f2ULL},
    {"random", 20000, 2, 0x4f60c644e4ca4739ULL, 0x56a1f6e147e43a5eULL},
    {"random", 20000, 3, 0x4d7aa6a42d54db91ULL, 0x2762aea5e34ee392ULL},
    {"random", 20000, 10, 0x846fa663a4d6760dULL, 0x1e8931df154ac59dULL},
    {"random", 20000, 1000000, 0x824237f68d22c3c1ULL, 0x85b95c2ccf72b260ULL},
    {"ascending", 20000, 1, 0x4e470427b8b3fd25ULL, 0x78befbec4fdfb1f2ULL},
    {"ascending", 20000, 3, 0x4e470427b8b3fd25ULL, 0x78befbec4fdfb1f2ULL},
    {"descending", 20000, 1, 0x4d30d0680e1e27e5ULL, 0x2b1bdbf334cc2d54ULL},
    {"descending", 20000, 3, 0x74728f3abae0b2d1ULL, 0xde173c56ed5ee90eULL},
    {"organ", 20000, 1, 0x653133500ffd5321ULL, 0xedecd6a5f6378f44ULL},
    {"organ", 20000, 2, 0x9fac76efffd10615ULL, 0x3df741a0ae085cf5ULL},
    {"sawtooth", 20000, 7, 0xc12e76cc709760adULL, 0xe56de5228efc29eeULL},
    {"sawtooth", 20000, 64, 0x9de667aa9eb17815ULL, 0xf814173143b76302ULL},
    {"mostly", 20000, 1, 0x35aea79f90448735ULL, 0x8fbcd3a08694dc4fULL},
    {"mostly", 20000, 4, 0xf9d3f8d92afa2cf5ULL, 0x022e680430b902c5ULL},
    {"mostly", 20000, 20, 0xe1fc9af264efb985ULL, 0xf0154ae906d7e982ULL},
    {"adversary", 20000, 0, 0x4e8b3e80c2b43d55ULL, 0xce16e8dc5fe9bf29ULL},
};

}  // namespace

TEST_CASE("go_sort_slice: spec §7.6.1 vectors (byte-sorted request ids, keys [0.002, 0, 0.001])") {
  // n <= 12 is a plain insertion sort, hence stable.
  CHECK(spec_vector_order(12) == std::vector<uint32_t>{1, 10, 4, 7, 11, 2, 5, 8, 0, 3, 6, 9});
  CHECK(spec_vector_order(13) == std::vector<uint32_t>{1, 10, 7, 4, 5, 11, 8, 2, 3, 6, 0, 12, 9});
  CHECK(spec_vector_order(20) == std::vector<uint32_t>{16, 1,  10, 7,  4,  13, 19, 5, 17, 14,
                                                       2,  11, 8,  15, 18, 3,  12, 0, 6,  9});
}

TEST_CASE("go_sort_slice: a stable sort gives a different order for n = 13") {
  // Guards against replacing the port by std::stable_sort: the spec's stable order differs.
  CHECK(spec_vector_order(13) != std::vector<uint32_t>{1, 10, 4, 7, 11, 2, 5, 8, 0, 12, 3, 6, 9});
}

TEST_CASE("go_sort_slice: parity case traces_ties20 (20 requests, all arriving at 0.0 s)") {
  // From shared/parity/cases/traces_ties20: every trace row arrives at 0.0, so arrived_at =
  // int64(0.0 * 1e6) / 1e6 = 0 for all; the reference's results file keeps the byte-sorted
  // order (all-equal keys: choosePivot sees no swap, the partial insertion sort finds nothing).
  const std::vector<double> arrival_seconds(20, 0.0);
  std::vector<Row> rows;
  for (const uint32_t number : byte_sorted_request_numbers(20)) {
    const double arrived_at =
        static_cast<double>(static_cast<int64_t>(arrival_seconds[number] * 1e6)) / 1e6;
    rows.push_back({arrived_at, number});
  }
  CHECK(go_sorted_ids(rows) == std::vector<uint32_t>{0,  1,  10, 11, 12, 13, 14, 15, 16, 17,
                                                     18, 19, 2,  3,  4,  5,  6,  7,  8,  9});
}

TEST_CASE("go_sort_slice: full orders from Go 1.19 (partial insertion and adversary paths)") {
  // pattern_keys("random", n, 3) drawn from SplitMix64(7) in the oracle; re-drawn here.
  const auto three_valued = [](int n) {
    SplitMix64 rng(7);
    std::vector<double> keys;
    for (int i = 0; i < n; ++i) keys.push_back(static_cast<double>(rng.next() % 3));
    return keys;
  };
  CHECK(go_sorted_ids(rows_from_keys(three_valued(30))) ==
        std::vector<uint32_t>{14, 28, 15, 3, 25, 5,  26, 7, 1,  0,  27, 2,  12, 11, 13,
                              23, 16, 10, 6, 19, 20, 4,  8, 22, 24, 21, 18, 17, 29, 9});
  CHECK(go_sorted_ids(rows_from_keys(three_valued(60))) ==
        std::vector<uint32_t>{46, 25, 2,  3,  59, 5,  28, 7,  56, 50, 48, 47, 12, 0,  14,
                              15, 44, 37, 35, 34, 33, 32, 1,  27, 26, 4,  42, 23, 57, 6,
                              30, 55, 54, 20, 19, 10, 11, 13, 38, 39, 40, 41, 45, 16, 52,
                              9,  17, 36, 43, 49, 24, 51, 18, 53, 21, 31, 8,  22, 58, 29});
  std::vector<int> values;
  std::vector<uint32_t> comparisons;
  CHECK(adversary_order(60, values, comparisons) ==
        std::vector<uint32_t>{14, 15, 29, 30, 44, 45, 0,  1,  2,  3,  4,  5,  6,  7,  8,
                              9,  10, 11, 12, 13, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                              26, 27, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
                              43, 46, 50, 53, 47, 48, 49, 51, 52, 54, 55, 56, 57, 58, 59});
}

TEST_CASE("go_sort_slice: order digests from Go 1.19 over many patterns and sizes") {
  for (const OracleCase& c : kGo119Orders) {
    CAPTURE(c.pattern);
    CAPTURE(c.n);
    CAPTURE(c.param);
    std::vector<uint32_t> ids;
    std::vector<uint32_t> comparisons;
    if (std::string_view(c.pattern) == "adversary") {
      std::vector<int> values;
      ids = adversary_order(c.n, values, comparisons);
    } else {
      const std::vector<double> keys = pattern_keys(c.pattern, c.n, c.param);
      ids = go_sorted_ids(rows_from_keys(keys), &comparisons);
      check_sorted_permutation(keys, ids);
    }
    CHECK(digest(ids) == c.order_digest);
    CHECK(digest(comparisons) == c.comparison_digest);
  }
}

TEST_CASE("go_sort_slice: empty and single-element inputs call nothing") {
  size_t calls = 0;
  const auto less = [&](size_t, size_t) {
    ++calls;
    return false;
  };
  const auto swap = [&](size_t, size_t) { ++calls; };
  go_sort_slice(0, less, swap);
  go_sort_slice(1, less, swap);
  CHECK(calls == 0);
}

TEST_CASE("go_sort_slice: random inputs of sizes 0..500 with many ties end sorted") {
  SplitMix64 rng(2024);
  for (int n = 0; n <= 500; ++n) {
    // Cycle through very few to all-distinct key values.
    const std::array<uint64_t, 6> distinct_choices = {
        1, 2, 3, 5, static_cast<uint64_t>(n / 4 + 1), 1000000};
    for (const uint64_t distinct : distinct_choices) {
      std::vector<double> keys;
      for (int i = 0; i < n; ++i) keys.push_back(static_cast<double>(rng.next() % distinct));
      CAPTURE(n);
      CAPTURE(distinct);
      check_sorted_permutation(keys, go_sorted_ids(rows_from_keys(keys)));
    }
  }
}

TEST_CASE("go_sort_slice: large structured inputs end sorted") {
  constexpr int n = 100000;
  SplitMix64 rng(99);
  std::vector<std::vector<double>> inputs;
  std::vector<double> keys(n);
  for (int i = 0; i < n; ++i) keys[i] = i;  // ascending
  inputs.push_back(keys);
  for (int i = 0; i < n; ++i) keys[i] = n - i;  // descending
  inputs.push_back(keys);
  for (int i = 0; i < n; ++i) keys[i] = 7;  // all equal
  inputs.push_back(keys);
  for (int i = 0; i < n; ++i) keys[i] = std::min(i, n - i);  // organ pipe
  inputs.push_back(keys);
  for (int i = 0; i < n; ++i) keys[i] = i % 1000;  // sawtooth
  inputs.push_back(keys);
  for (int i = 0; i < n; ++i) keys[i] = static_cast<double>(rng.next() % 16);  // heavy ties
  inputs.push_back(keys);
  for (int i = 0; i < n; ++i) keys[i] = static_cast<double>(rng.next());  // distinct
  inputs.push_back(keys);
  for (int i = 0; i < n; ++i) keys[i] = (i % 2 == 0) ? i : n - i;  // interleaved
  inputs.push_back(keys);
  for (const std::vector<double>& input : inputs) {
    std::vector<uint32_t> comparisons;
    const std::vector<uint32_t> ids = go_sorted_ids(rows_from_keys(input), &comparisons);
    check_sorted_permutation(input, ids);
    // O(n log n): a quadratic slip would need billions of comparisons here.
    CHECK(comparisons.size() / 2 < 40ULL * n * 17);
  }
}

TEST_CASE("go_sort_slice: the killer adversary is sorted in O(n log n) (heapsort fallback)") {
  for (const int n : {1000, 20000, 100000}) {
    CAPTURE(n);
    std::vector<int> values;
    std::vector<uint32_t> comparisons;
    const std::vector<uint32_t> ids = adversary_order(n, values, comparisons);
    CHECK(is_permutation_of_iota(ids));
    bool sorted = true;
    for (size_t i = 1; i < ids.size(); ++i) {
      if (values[ids[i]] < values[ids[i - 1]]) sorted = false;
    }
    CHECK(sorted);
    // Without the depth limit the adversary forces about n²/2 comparisons.
    const auto log2n = static_cast<size_t>(std::bit_width(static_cast<unsigned>(n)));
    CHECK(comparisons.size() / 2 < 8 * static_cast<size_t>(n) * log2n);
  }
}
