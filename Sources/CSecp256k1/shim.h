// SPDX-License-Identifier: Apache-2.0
// The system libsecp256k1 (Debian: libsecp256k1-dev), with the ECDH module.
#pragma once
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_recovery.h>
