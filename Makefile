# SPDX-License-Identifier: Apache-2.0
SWIFT ?= swift

.PHONY: all deps build test lint run bench flood soak fuzz fuzz-smoke clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Optimised, with @testable imports kept (-enable-testing), in a build directory of its own so
# `make run`'s release build is not rebuilt: the suite's 64 MiB real-socket transfers and its
# 200-node simulation spend most of an unoptimised run in generic and retain/release overhead
# (591 tests: 87 s optimised against 402 s debug on this 2-core machine). Serial: the suite holds
# real-socket transfers that would otherwise starve the event loops of timing-sensitive tests
# running beside them. `swift test` alone still runs the same suite in a debug build.
TEST_FLAGS ?= -c release -Xswiftc -enable-testing --scratch-path .build-test
test: deps lint
	$(SWIFT) test $(TEST_FLAGS) --no-parallel

# Licence headers and formatting (.swift-format, the swift-nio style).
lint:
	@scripts/check-license-headers.sh
	@$(SWIFT) format lint --strict --recursive Package.swift Sources Plugins Examples Tests \
		Benchmarks/Package.swift Benchmarks/Sources Benchmarks/Benchmarks \
		FuzzTesting/Package.swift FuzzTesting/Sources

# The main job: a small network in one process (8 nodes on 127.0.0.1: discovery, a 64 MiB getdata
# transfer over uTP checked by SHA-256, a content-exchange offer) with a summary; release build.
run: deps
	$(SWIFT) build -c release --product discv5
	$$($(SWIFT) build -c release --show-bin-path)/discv5 demo

# The benchmark suite (Benchmarks/, a package of its own) with its baselines measured in the same run: writes
# Benchmarks/REPORT.md and its SVG charts. About 10 minutes once built; installs python3-libtorrent if missing.
bench: deps
	@Benchmarks/run.sh

# A release node under a 60 s flood of junk (random datagrams, valid-looking packets from random
# ids, WHOAREYOU triggers from many addresses and ports, uTP SYNs over TALKREQ) while a peer pings
# it: prints RSS before/peak/after, bytes sent back per byte received, and pings answered.
flood: deps
	$(SWIFT) build -c release --product discv5
	scripts/flood.py --discv5 $$($(SWIFT) build -c release --show-bin-path)/discv5 --seconds $${FLOOD_SECONDS:-60}

# Long-running soak (not in CI): 50 `discv5 run` processes on 127.0.0.1 with churn (SIGTERM/SIGKILL and
# rejoin with the same data dir) and continuous SHA-256-checked `discv5 get` transfers for MINUTES
# minutes; the summary is printed and written to .build/soak/summary.txt.
MINUTES ?= 10
soak: deps
	$(SWIFT) build -c release --product discv5
	python3 scripts/soak.py --discv5 $$($(SWIFT) build -c release --show-bin-path)/discv5 --minutes $(MINUTES)

# libFuzzer targets (FuzzTesting/, its own package): each runs until FUZZ_RUNS inputs or
# FUZZ_SECONDS per target, whichever comes first; any crash, leak, timeout or oversized
# allocation fails. Crash inputs go to FuzzTesting/Artifacts/.
FUZZ_SECONDS ?= 1800
FUZZ_RUNS ?= 1000000
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) SWIFT=$(SWIFT) FuzzTesting/Scripts/run-fuzzers.sh

# CI: 20 seconds per target, no run count.
fuzz-smoke: deps
	FUZZ_SECONDS=20 FUZZ_RUNS=0 SWIFT=$(SWIFT) FuzzTesting/Scripts/run-fuzzers.sh

clean:
	rm -rf .build .build-test Benchmarks/.build FuzzTesting/.build
