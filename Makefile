# SPDX-License-Identifier: Apache-2.0
SWIFT ?= swift

.PHONY: all deps build test lint run clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

test: deps lint
	$(SWIFT) test

# Licence headers and formatting (.swift-format, the swift-nio style).
lint:
	@scripts/check-license-headers.sh
	@$(SWIFT) format lint --strict --recursive Package.swift Sources Plugins Tests

# The main job: until the node exists, print a fresh node's signed ENR.
run: deps
	$(SWIFT) build --product discv5
	$$($(SWIFT) build --show-bin-path)/discv5 enr new --ip 127.0.0.1 --udp 30303

clean:
	rm -rf .build
