# The two entry points of the README: `make quickstart` and `make test`; `make install`.
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
MAKEFLAGS += --no-print-directory

.PHONY: deps build install quickstart accuracy accuracy-cv refit-physics test test-release test-sanitize test-fuzz fuzz-build fuzz-long bench clean

deps:
	./scripts/install_deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j $(JOBS)

quickstart: build
	./build/blis scenarios/quickstart.lua

# PREFIX/bin/blis, PREFIX/share/blis/model_configs and PREFIX/share/blis/scripts (the CMake
# install rules of CMakeLists.txt; the binary finds its data there, docs/catalogs.md).
install: build
	cmake --install build --prefix "$(PREFIX)"

# The full accuracy suite (docs/accuracy.md): every sim2real experiment blis can represent, the
# error table printed and rewritten into docs/accuracy.md, exit 1 when an error leaves its band
# in tests/accuracy/tolerances.json (after an intended change: add --update-tolerances FILE).
accuracy: build
	python3 tests/accuracy/run_accuracy.py build/blis -j $(JOBS) --whole-run --json build/accuracy.json \
	        --markdown docs/accuracy.md --check tests/accuracy/tolerances.json

# Refit the physics model's shipped coefficients (model_configs/physics/default.yaml) on the
# sim2real experiments of tests/accuracy (docs/latency-models.md, "The shipped coefficients"):
# the list of every experiment the physics model runs, minus the overloaded 'reasoning' runs and
# the trainval13 copy of an A_ run, stages shortened to 120 s, fitted for the mean APE from
# tests/accuracy/fit_start.yaml. About 7 minutes on two cores; deterministic for the seed.
FIT_DIR ?= build/fit-defaults
FIT_COEFFICIENTS ?= prefill_compute,decode_compute,decode_kv,weights,tp_all_reduce,per_step,per_layer,moe_routing,queueing_us,queueing_us_per_input_token,link_latency,queueing_us_tp
refit-physics: build
	rm -rf $(FIT_DIR)
	python3 tests/accuracy/build_fit_list.py $(FIT_DIR) --skip reasoning --skip B/2026 --stage-seconds 120 \
	        --objective absolute --no-requests --start $(CURDIR)/tests/accuracy/fit_start.yaml --fit $(FIT_COEFFICIENTS)
	build/blis fit $(FIT_DIR)/fit.lua --max-evals 300 --seed 1 --jobs $(JOBS) --out $(FIT_DIR)/fit.yaml \
	        --report $(FIT_DIR)/residuals.csv
	{ echo '# Written by `make refit-physics` (Makefile): the fit list comes from tests/accuracy/build_fit_list.py,'; \
	  echo '# then `source` below ran. Do not edit by hand; refit instead.'; \
	  sed 's|^fitted_on: ".* (\([0-9]*\) experiments)"|fitted_on: "\1 real vLLM runs of sim2real (tests/accuracy, make refit-physics)"|' \
	        $(FIT_DIR)/fit.yaml; } > model_configs/physics/default.yaml

# Leave-one-model-out cross-validation of that fit (docs/accuracy.md, "Cross-validated"): for each
# model of the list, the coefficients are fitted on the other models' experiments and the held-out
# model's are predicted. CV_EVALS evaluations per fold (the folds' searches are shorter than the
# shipped fit's; the report names the count).
CV_EVALS ?= 200
accuracy-cv: build
	rm -rf $(FIT_DIR)-cv
	python3 tests/accuracy/build_fit_list.py $(FIT_DIR)-cv --skip reasoning --skip B/2026 --stage-seconds 120 \
	        --objective absolute --no-requests --start $(CURDIR)/tests/accuracy/fit_start.yaml --fit $(FIT_COEFFICIENTS)
	build/blis fit $(FIT_DIR)-cv/fit.lua --cv --max-evals $(CV_EVALS) --seed 1 --jobs $(JOBS) \
	        --report $(FIT_DIR)-cv/residuals.csv

# Every test (unit, parity, golden transcripts, Lua, determinism, invariants), first in the
# release build, then in an AddressSanitizer + UndefinedBehaviorSanitizer build.
test: deps
	$(MAKE) test-sanitize
	$(MAKE) test-release
	$(MAKE) test-fuzz

test-release: build
	cd build && ctest --output-on-failure -j $(JOBS)

# The sanitizer build makes only what the tests run (the benchmarks are built in the release
# build): each sanitized executable links the whole engine, minutes of CI on 2 cores.
test-sanitize: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBLIS_SANITIZE=ON
	cmake --build build-asan -j $(JOBS) --target blis blis_unit_tests
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# The libFuzzer harnesses of tests/fuzz (docs/safety.md, "Fuzzing"): a separate clang build
# with ASan+UBSan. test-fuzz replays tests/fuzz/regressions and fuzzes each harness briefly;
# fuzz-long fuzzes each for FUZZ_SECONDS (default 10 minutes) and prints the executions.
FUZZ_SECONDS ?= 600
fuzz-build: deps
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBLIS_FUZZ=ON -DBLIS_BUILD_TESTS=OFF \
	      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14
	cmake --build build-fuzz -j $(JOBS) --target fuzz_harnesses

test-fuzz: fuzz-build
	python3 tests/fuzz/run_fuzz.py build-fuzz --seconds 5

fuzz-long: fuzz-build
	python3 tests/fuzz/run_fuzz.py build-fuzz --seconds $(FUZZ_SECONDS)

bench: build
	./build/blis_bench

clean:
	rm -rf build build-asan build-fuzz
