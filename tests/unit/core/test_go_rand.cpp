// GoRand and PartitionedRng against values produced by Go's math/rand (engine-core §9.1–9.2).
// Besides the spec's vectors, the seed-0 sequences are Go's own regression goldens
// (src/math/rand/regress_test.go), which Go guarantees never change between releases; that test
// reseeds with 0 before each method and, for the bounded methods, cycles through its argument
// lists on one continuing stream, which the helpers below replicate.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/go_rand.h"
#include "engine/core/partitioned_rng.h"

using blis::core::fnv1a64;
using blis::core::GoRand;
using blis::core::PartitionedRng;

namespace {

// Argument lists of Go's regression test, cycled with the repeat index.
constexpr std::array<int32_t, 9> kRegressInt32Args = {
    1, 10, 32, 1 << 20, (1 << 20) + 1, 1000000000, 1 << 30, 2147483646, 2147483647};
constexpr std::array<int64_t, 13> kRegressInt64Args = {1,
                                                       10,
                                                       32,
                                                       1 << 20,
                                                       (1 << 20) + 1,
                                                       1000000000,
                                                       1 << 30,
                                                       2147483646,
                                                       2147483647,
                                                       1000000000000000000,
                                                       int64_t{1} << 60,
                                                       9223372036854775806,
                                                       9223372036854775807};

}  // namespace

TEST_CASE("GoRand: spec test vectors for seed 42 and seed 0") {
  GoRand r(42);
  CHECK(r.int63() == 3440579354231278675);
  CHECK(r.int63() == 608747136543856411);
  CHECK(r.int63() == 5571782338101878760);

  GoRand tokens(42);
  CHECK(tokens.intn(128000) == 48305);
  CHECK(tokens.intn(128000) == 38987);
  CHECK(tokens.intn(128000) == 1668);

  GoRand normal(42);
  CHECK(normal.norm_float64() == 1.5536305584564762);
  CHECK(normal.norm_float64() == 0.12525608682704692);
  CHECK(normal.norm_float64() == -0.4943748127704828);

  GoRand zero(0);
  CHECK(zero.int63() == 8717895732742165505);
}

TEST_CASE("GoRand: Go regression goldens, seed 0 (Int63, Int31, Uint32, Uint64 relation)") {
  const std::vector<int64_t> int63 = {
      8717895732742165505, 2259404117704393152, 6050128673802995827, 501233450539197794,
      3390393562759376202, 2669985732393126063, 1774932891286980153, 6044372234677422456,
      8274930044578894929, 1543572285742637646, 2661732831099943416, 8325060299420976708,
      7837839688282259259, 2518412263346885298, 5617773211005988520, 2339563716805116249,
      7144924247938981575, 161231572858529631,  7259475919510918339, 7373105480197164748};
  const std::vector<int32_t> int31 = {2029793274, 526058514,  1408655353, 116702506,  789387515,
                                      621654496,  413258767,  1407315077, 1926657288, 359390928,
                                      619732968,  1938329147, 1824889259, 586363548,  1307989752,
                                      544722126,  1663557311, 37539650,   1690228450, 1716684894};
  const std::vector<uint32_t> uint32 = {
      4059586549u, 1052117029u, 2817310706u, 233405013u,  1578775030u, 1243308993u, 826517535u,
      2814630155u, 3853314576u, 718781857u,  1239465936u, 3876658295u, 3649778518u, 1172727096u,
      2615979505u, 1089444252u, 3327114623u, 75079301u,   3380456901u, 3433369789u};

  GoRand a(0);
  for (const int64_t want : int63) CHECK(a.int63() == want);
  GoRand b(0);
  for (const int32_t want : int31) CHECK(b.int31() == want);
  GoRand c(0);
  for (const uint32_t want : uint32) CHECK(c.uint32() == want);
  // Int63 is Uint64 with the top bit cleared.
  GoRand d(0);
  for (const int64_t want : int63) {
    CHECK(static_cast<int64_t>(d.uint64() & ~(uint64_t{1} << 63)) == want);
  }
}

TEST_CASE("GoRand: Go regression goldens, seed 0 (Float64, ExpFloat64, NormFloat64)") {
  const std::vector<double> float64 = {
      0.9451961492941164,  0.24496508529377975,  0.6559562651954052,  0.05434383959970039,
      0.36758720663245853, 0.2894804331565928,   0.19243860967493215, 0.6553321508148324,
      0.897169713149801,   0.16735444255905835,  0.2885856518054551,  0.9026048462705047,
      0.8497802817628735,  0.2730468047134829,   0.6090801919903561,  0.25365600644283687,
      0.7746542391859803,  0.017480762156647272, 0.7870739563039942,  0.7993936979594545};
  const std::vector<double> exp_float64 = {
      4.668112973579268,  0.1601593871172866,   3.0465834105636,     0.06385839451671879,
      1.8578917487258961, 0.784676123472182,    0.11225477361256932, 0.20173283329802255,
      0.3468619496201105, 0.35601103454384536,  0.888376329507869,   1.4081362450365698,
      1.0077753823151994, 0.23594100766227588,  2.777245612300007,   0.5202997830662377,
      1.2842705247770294, 0.030307408362776206, 2.204156824853721,   2.09891923895058};
  const std::vector<double> norm_float64 = {
      -0.28158587086436215, 0.570933095808067,   -1.6920196326157044, 0.1996229111693099,
      1.9195199291234621,   0.8954838794918353,  0.41457072128813166, -0.48700161491544713,
      -0.1684059662402393,  0.37056410998929545, 1.0156889027029008,  -0.5174422210625114,
      -0.5565834214413804,  0.778320596648391,   -1.8970718197702225, 0.5229525761688676,
      -1.5515595563231523,  0.0182029289376123,  -0.6820951356608795, -0.5987943422687668};

  GoRand a(0);
  for (const double want : float64) CHECK(a.float64() == want);
  GoRand b(0);
  for (const double want : exp_float64) CHECK(b.exp_float64() == want);
  GoRand c(0);
  for (const double want : norm_float64) CHECK(c.norm_float64() == want);
}

TEST_CASE("GoRand: Go regression goldens, seed 0 (Int31n, Int63n, Intn)") {
  const std::vector<int32_t> int31n = {
      0, 4,  25,     310570, 857611,    621654496, 413258767,  1407315077, 1926657288, 0,
      8, 27, 367019, 209005, 307989752, 544722126, 1663557311, 37539650,   0,          4};
  const std::vector<int64_t> int63n = {0,
                                       2,
                                       19,
                                       959842,
                                       688912,
                                       393126063,
                                       89212473,
                                       834026388,
                                       1577188963,
                                       543572285742637646,
                                       355889821886249464,
                                       8325060299420976708,
                                       7837839688282259259,
                                       0,
                                       0,
                                       25,
                                       679623,
                                       882178,
                                       510918339,
                                       782454476};
  const std::vector<int64_t> intn = {0,
                                     4,
                                     25,
                                     310570,
                                     857611,
                                     621654496,
                                     413258767,
                                     1407315077,
                                     1926657288,
                                     543572285742637646,
                                     355889821886249464,
                                     8325060299420976708,
                                     7837839688282259259,
                                     0,
                                     2,
                                     14,
                                     515775,
                                     839455,
                                     690228450,
                                     642943070};

  GoRand a(0);
  for (size_t k = 0; k < int31n.size(); ++k) {
    CHECK(a.int31n(kRegressInt32Args[k % kRegressInt32Args.size()]) == int31n[k]);
  }
  GoRand b(0);
  for (size_t k = 0; k < int63n.size(); ++k) {
    CHECK(b.int63n(kRegressInt64Args[k % kRegressInt64Args.size()]) == int63n[k]);
  }
  // Intn switches from the Int31n draw to the Int63n draw above 2^31-1, on one stream.
  GoRand c(0);
  for (size_t k = 0; k < intn.size(); ++k) {
    CHECK(c.intn(kRegressInt64Args[k % kRegressInt64Args.size()]) == intn[k]);
  }
}

TEST_CASE("GoRand: seed reduction modulo 2^31-1") {
  // Seeds congruent modulo 2^31-1 give the same stream; a zero residue uses Go's fixed
  // replacement seed, and negative seeds are shifted into range.
  const auto first_draws = [](int64_t seed) {
    GoRand r(seed);
    return std::array<int64_t, 3>{r.int63(), r.int63(), r.int63()};
  };
  CHECK(first_draws(0) == first_draws(2147483647));
  CHECK(first_draws(0) == first_draws(89482311));
  CHECK(first_draws(-1) == first_draws(2147483646));
  CHECK(first_draws(42) == first_draws(42 + 2147483647LL * 1000));
  CHECK(first_draws(1) != first_draws(2));
  // Extremes of int64 must not overflow the reduction.
  CHECK(first_draws(INT64_MIN) == first_draws(INT64_MIN % 2147483647 + 2147483647));
  CHECK(first_draws(INT64_MAX) == first_draws(INT64_MAX % 2147483647));
}

TEST_CASE("GoRand: bounded draws stay in range and power-of-two bounds use the mask") {
  GoRand r(7);
  int out_of_range = 0;
  for (int k = 0; k < 10000; ++k) {
    const int64_t v = r.intn(128000);
    if (v < 0 || v >= 128000) ++out_of_range;
    const double f = r.float64();
    if (f < 0.0 || f >= 1.0) ++out_of_range;
  }
  CHECK(out_of_range == 0);

  // A power-of-two bound takes the low bits of a single Int31 / Int63 draw.
  GoRand masked(9);
  GoRand plain(9);
  int mask_mismatches = 0;
  for (int k = 0; k < 100; ++k) {
    if (masked.int31n(1024) != (plain.int31() & 1023)) ++mask_mismatches;
    constexpr int64_t kBound = int64_t{1} << 40;
    if (masked.int63n(kBound) != (plain.int63() & (kBound - 1))) ++mask_mismatches;
  }
  CHECK(mask_mismatches == 0);
}

TEST_CASE("GoRand: invalid bounds throw blis::Error") {
  GoRand r(1);
  CHECK_THROWS_AS(r.intn(0), blis::Error);
  CHECK_THROWS_AS(r.intn(-5), blis::Error);
  CHECK_THROWS_AS(r.int31n(0), blis::Error);
  CHECK_THROWS_AS(r.int31n(-1), blis::Error);
  CHECK_THROWS_AS(r.int63n(0), blis::Error);
  CHECK_THROWS_AS(r.int63n(INT64_MIN), blis::Error);
  // A rejected call draws nothing: the stream continues as if it had not happened.
  GoRand fresh(1);
  CHECK(r.int63() == fresh.int63());
}

TEST_CASE("GoRand: NormFloat64 and ExpFloat64 moments (loose sanity check)") {
  constexpr int kDraws = 100000;
  GoRand r(2024);
  double sum = 0;
  double sum_sq = 0;
  for (int k = 0; k < kDraws; ++k) {
    const double v = r.norm_float64();
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / kDraws;
  const double variance = sum_sq / kDraws - mean * mean;
  CHECK(mean == doctest::Approx(0.0).epsilon(0.02));
  CHECK(variance == doctest::Approx(1.0).epsilon(0.02));

  GoRand e(2025);
  double exp_sum = 0;
  double exp_min = 1e300;
  for (int k = 0; k < kDraws; ++k) {
    const double v = e.exp_float64();
    exp_sum += v;
    exp_min = v < exp_min ? v : exp_min;
  }
  CHECK(exp_sum / kDraws == doctest::Approx(1.0).epsilon(0.02));
  CHECK(exp_min >= 0.0);
}

TEST_CASE("fnv1a64: spec values") {
  CHECK(fnv1a64("") == 14695981039346656037ULL);  // empty input leaves the offset basis
  CHECK(fnv1a64("workload-gen") == 7079132663427089759ULL);
  CHECK(fnv1a64("workload-gen") == 0x623e21a6896fc55fULL);
  CHECK(static_cast<int64_t>(fnv1a64("router")) == -6855704586828942012LL);
}

TEST_CASE("PartitionedRng: subsystem seeds and cached, independent streams") {
  CHECK(PartitionedRng::subsystem_seed(42, "workload") == 42);
  CHECK(PartitionedRng::subsystem_seed(42, "workload-gen") == 7079132663427089781);
  CHECK(PartitionedRng::subsystem_seed(42, "router") == (42 ^ -6855704586828942012LL));
  CHECK(PartitionedRng::subsystem_seed(-7, "workload") == -7);

  PartitionedRng rng(42);
  CHECK(rng.seed() == 42);
  GoRand& workload = rng.for_subsystem("workload");
  CHECK(&workload == &rng.for_subsystem("workload"));  // cached, not re-created

  GoRand reference(42);
  GoRand gen_reference(7079132663427089781);
  CHECK(workload.int63() == reference.int63());
  // Interleaving another subsystem does not disturb the first stream's position.
  CHECK(rng.for_subsystem("workload-gen").int63() == gen_reference.int63());
  CHECK(rng.for_subsystem("workload").int63() == reference.int63());
  CHECK(rng.for_subsystem("workload-gen").int63() == gen_reference.int63());
}

TEST_CASE("GoRand::fill_intn draws exactly what a loop of Intn draws, and leaves the stream in step") {
  const int64_t bounds[] = {1, 2, 3, 7, 1000, 128000, 1 << 20, 2147483647, 2147483648LL, 1LL << 40,
                            (1LL << 40) + 17, 999999937};
  for (const int64_t n : bounds) {
    CAPTURE(n);
    GoRand bulk(1234 + n), single(1234 + n);
    std::vector<int64_t> drawn(5000);
    bulk.fill_intn(n, drawn);
    for (const int64_t v : drawn) REQUIRE(v == single.intn(n));
    CHECK(bulk.int63() == single.int63());
  }
  GoRand rng(1);
  std::vector<int64_t> one(1);
  CHECK_THROWS(rng.fill_intn(0, one));
}
