# The two entry points of the README: `make quickstart` and `make test`.
JOBS ?= $(shell nproc)
MAKEFLAGS += --no-print-directory

.PHONY: deps build quickstart test test-release test-sanitize bench clean

deps:
	./scripts/install_deps.sh

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j $(JOBS)

quickstart: build
	./build/blis scenarios/quickstart.lua

# Every test (unit, parity, golden transcripts, Lua, determinism, invariants), first in the
# release build, then in an AddressSanitizer + UndefinedBehaviorSanitizer build.
test: deps
	$(MAKE) test-sanitize
	$(MAKE) test-release

test-release: build
	cd build && ctest --output-on-failure -j $(JOBS)

test-sanitize: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBLIS_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

bench: build
	./build/blis_bench

clean:
	rm -rf build build-asan
