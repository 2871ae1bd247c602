#!/usr/bin/env bash
# Installs axe-core (test-only, pinned in tests/browser/package-lock.json) for the accessibility checks of
# the browser tests, when it is missing and npm is usable. Idempotent: nothing happens once it is there.
set -u
here="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if [ -f "$here/node_modules/axe-core/axe.min.js" ]; then exit 0; fi
if command -v npm >/dev/null 2>&1; then
  echo "installing axe-core with npm into tests/browser/node_modules" >&2
  (cd "$here" && npm ci --no-audit --no-fund --silent) || true
fi
if [ ! -f "$here/node_modules/axe-core/axe.min.js" ]; then
  echo "axe-core is not available; the accessibility tests will fail under CI=true" >&2
fi
exit 0
