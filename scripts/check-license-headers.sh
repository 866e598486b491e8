#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a tracked source file lacks an SPDX licence header in its first lines.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
while IFS= read -r file; do
    if ! head -n 3 "$file" | grep -q "SPDX-License-Identifier"; then
        echo "missing SPDX header: $file" >&2
        missing=1
    fi
done < <(git ls-files '*.swift' '*.h' '*.c' '*.sh' '*.py' 'Makefile' '.ci/run' 2>/dev/null || find . -name '*.swift' -not -path './.build*')
exit $missing
