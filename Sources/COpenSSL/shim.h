// SPDX-License-Identifier: Apache-2.0
// The system OpenSSL libcrypto (Debian: libssl-dev): EVP ciphers, KDFs, digests, RAND.
#pragma once
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/err.h>
