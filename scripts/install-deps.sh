#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the system libraries the package links against, only when they are missing.
# Idempotent and quiet when everything is present.
set -euo pipefail
missing=()
pkg-config --exists libsecp256k1 2>/dev/null || missing+=(libsecp256k1-dev)
pkg-config --exists libcrypto 2>/dev/null || missing+=(libssl-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing system packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
