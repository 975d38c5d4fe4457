# Thin wrapper over CMake. `make run` runs the product, `make check` passes
# every test; both install the Debian packages they need first.
# SPDX-License-Identifier: AGPL-3.0-or-later
.POSIX:
.PHONY: all build run check test asan fuzz bench clean

BUILD ?= build
SHARED ?= $(CURDIR)/../shared
JOBS ?= 2
FUZZ_SECONDS ?= 20

all: build

build:
	@scripts/install-deps.sh build
	@scripts/npm-deps.sh
	cmake -S . -B $(BUILD) -DILMAVA_SHARED=$(SHARED) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The server with the demo store (var/ilmava.db, created on the first run).
DB ?= var/ilmava.db
run: build
	@scripts/run-demo.sh $(BUILD)/ilmava $(DB)

# Sanitizers and the fuzzer first, so that the last lines are CTest's summary.
check:
	@scripts/install-deps.sh check
	@scripts/npm-deps.sh
	$(MAKE) asan fuzz
	cmake -S . -B $(BUILD) -DILMAVA_WERROR=ON -DILMAVA_SHARED=$(SHARED) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan:
	@scripts/npm-deps.sh
	cmake -S . -B build-asan -DILMAVA_WERROR=ON -DILMAVA_SANITIZE=ON \
	  -DCMAKE_BUILD_TYPE=Debug -DILMAVA_SHARED=$(SHARED) >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --output-on-failure -j $(JOBS)

fuzz:
	@scripts/npm-deps.sh
	CC=clang cmake -S . -B build-fuzz -DILMAVA_FUZZ=ON -DILMAVA_WERROR=ON \
	  -DILMAVA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	bench/run.sh && bench/http.sh && bench/import.sh && bench/ui.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
