#!/usr/bin/env bash
# Baseline for the benchmark: the original two-program reproduction, driven
# end to end. lock.py holds the first reader EXCLUSIVE, connect.py tries a
# SHARED connect meanwhile. Exits 0 when connect.py got the correct
# "Sharing violation", 1 for any other outcome (El Capitan would print
# "Card protocol mismatch."), 2 when lock.py never got hold of the reader.
#
# Usage: run-baseline.sh [hold-seconds]   (default 1: enough for connect.py
# to start and connect, since it only starts once lock.py holds the reader)
set -euo pipefail

PY=/usr/bin/python3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOLD="${1:-1}"
HANDSHAKE_TIMEOUT=10

work="$(mktemp -d)"
lock_pid=""
cleanup() {
  # Only on an early exit is lock.py still ours to stop.
  if [ -n "$lock_pid" ] && kill -0 "$lock_pid" 2>/dev/null; then kill "$lock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A fifo turns "lock.py has the reader" into an event to wait on, so the
# handshake costs exactly as long as connecting takes, no guessed sleep.
mkfifo "$work/lock.out"
"$PY" "$HERE/lock.py" "$HOLD" >"$work/lock.out" &
lock_pid=$!
# Kept open until lock.py ends so it never writes to a closed pipe.
exec 3<"$work/lock.out"

held=0
while IFS= read -r -t "$HANDSHAKE_TIMEOUT" line <&3; do
  echo "lock.py: $line"
  if [ "$line" = "held" ]; then held=1; break; fi
done
if [ "$held" -ne 1 ]; then
  echo "run-baseline: lock.py did not hold the reader" >&2
  exit 2
fi

set +e
outcome="$("$PY" "$HERE/connect.py" 2>&1)"
connect_status=$?
set -e
sed 's/^/connect.py: /' <<<"$outcome"

# lock.py's own status is irrelevant once it has held the reader.
wait "$lock_pid" || true
lock_pid=""
exec 3<&-

if [ "$connect_status" -ne 0 ] && grep -qi 'sharing violation' <<<"$outcome"; then
  echo "result: sharing violation (expected behaviour)"
  exit 0
fi
echo "result: no sharing violation (connect.py exit $connect_status)"
exit 1
