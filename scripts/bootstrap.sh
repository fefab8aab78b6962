#!/usr/bin/env bash
# Brings a fresh Debian 12 clone (root, Node 20) to the point where `npm test` and
# `npm run demo` work: Debian packages, node_modules, then the build (packager + kernel).
# Idempotent and quiet when everything is present; prints what it installs.
# Arguments are passed to scripts/build.mjs (npm test passes --kernel-optional).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages the build and the tests use (binary the test looks for in parentheses
# is not needed: dpkg-query is the truth for what is installed).
debs=(qemu-system-x86 gcc make musl-tools binutils file tar wrk curl iproute2)

missing=()
for p in "${debs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# node_modules: install from the lockfile when absent or older than package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

node scripts/build.mjs "$@"
