#!/usr/bin/env bash
# Installs Debian chromium for the browser tests when it is missing and apt is usable.
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "installing chromium with apt-get" >&2
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 || true
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is not available; browser tests will fail under CI=true" >&2
fi
exit 0
