# SPDX-License-Identifier: Apache-2.0
SWIFT ?= swift

.PHONY: all deps build test lint run soak clean

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
	@$(SWIFT) format lint --strict --recursive Package.swift Sources Plugins Examples Tests

# The main job: a small network in one process (8 nodes on 127.0.0.1: discovery, a 64 MiB getdata
# transfer over uTP checked by SHA-256, a content-exchange offer) with a summary; release build.
run: deps
	$(SWIFT) build -c release --product discv5
	$$($(SWIFT) build -c release --show-bin-path)/discv5 demo

# Long-running soak (not in CI): 50 `discv5 run` processes on 127.0.0.1 with churn (SIGTERM/SIGKILL and
# rejoin with the same data dir) and continuous SHA-256-checked `discv5 get` transfers for MINUTES
# minutes; the summary is printed and written to .build/soak/summary.txt.
MINUTES ?= 10
soak: deps
	$(SWIFT) build -c release --product discv5
	python3 scripts/soak.py --discv5 $$($(SWIFT) build -c release --show-bin-path)/discv5 --minutes $(MINUTES)

clean:
	rm -rf .build
