#!/usr/bin/env bash
# Installs the Debian servers the tests start themselves (redis-server; PostgreSQL's initdb/postgres)
# when they are missing and apt is usable. The tests run them on loopback ports in temporary
# directories; nothing here starts a service.
set -u
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "installing ${missing[*]} with apt-get" >&2
  apt-get update -qq >/dev/null 2>&1 || true
  # policy-rc.d: a container has no init; the packages must not try to start their own services
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || true
  if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
for tool in redis-server; do
  command -v "$tool" >/dev/null 2>&1 || echo "$tool is not available; its tests will fail under CI=true" >&2
done
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
  echo "PostgreSQL is not available; its tests will fail under CI=true" >&2
exit 0
