#!/usr/bin/env bash
# Installs what sc-repro needs and builds it. Safe to run again.
#   bash scripts/setup.sh                 # OS packages + npm ci (which builds dist/)
#   bash scripts/setup.sh --start-pcscd   # ... and make sure pcscd runs with the vpcd virtual reader
# On macOS and Windows PC/SC is built in: only the npm step applies.
set -euo pipefail
cd "$(dirname "$0")/.."

start_pcscd=false
for arg in "$@"; do
  case "$arg" in
    --start-pcscd) start_pcscd=true ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 64 ;;
  esac
done

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# pcscd + libpcsclite-dev: the PC/SC service and headers for the pcsclite addon;
# vsmartcard-vpcd: the virtual reader fed by the built-in virtual card;
# build-essential, pkg-config, python3: node-gyp, and the test interposers (cc);
# python3-pyscard: the pyscard baseline in scripts/baseline; procps: pgrep; pcsc-tools: pcsc_scan.
APT_PACKAGES=(pcscd libpcsclite-dev vsmartcard-vpcd build-essential pkg-config python3 python3-pyscard procps pcsc-tools)

if [ "$(uname -s)" = Linux ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit
else
  npm run build --silent
fi

if $start_pcscd && [ "$(uname -s)" = Linux ]; then
  bash scripts/ensure-pcscd.sh
fi
