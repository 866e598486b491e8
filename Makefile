# SPDX-License-Identifier: Apache-2.0
SWIFT ?= swift

.PHONY: all deps build test lint run clean fuzz fuzz-smoke

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Serial: the suite holds real-socket transfers that would otherwise starve the event loops of
# timing-sensitive tests running beside them on a 2-core machine.
test: deps lint
	$(SWIFT) test --no-parallel

# Licence headers and formatting (.swift-format, the swift-nio style).
lint:
	@scripts/check-license-headers.sh
	@$(SWIFT) format lint --strict --recursive Package.swift Sources Plugins Examples Tests \
		FuzzTesting/Package.swift FuzzTesting/Sources

# The main job: a small network in one process (8 nodes on 127.0.0.1: discovery, a 64 MiB getdata
# transfer over uTP checked by SHA-256, a content-exchange offer) with a summary; release build.
run: deps
	$(SWIFT) build -c release --product discv5
	$$($(SWIFT) build -c release --show-bin-path)/discv5 demo

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
	rm -rf .build
