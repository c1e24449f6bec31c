#!/usr/bin/env bash
# Makes sure pcscd runs and has loaded the vpcd virtual reader (Linux).
# pcscd reads /etc/reader.conf.d only at start, so a pcscd started before
# vsmartcard-vpcd was installed is restarted.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# vpcd listens on 35963 (0x8C7B) once pcscd has loaded it.
vpcd_listening() { grep -qi ':8C7B 00000000:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
# The system's pcscd is the one its pid file names: private daemons (other
# pcsc-lite releases, on their own sockets) are pcscd processes too, and are left alone.
PID_FILE=/run/pcscd/pcscd.pid
system_pcscd() {
  local pid
  [ -r "$PID_FILE" ] || return 1
  pid=$(tr -dc 0-9 < "$PID_FILE")
  [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = pcscd ] && echo "$pid"
}
pcscd_running() { [ -n "$(system_pcscd)" ]; }
has_systemd() { [ -d /run/systemd/system ]; }

if pcscd_running && vpcd_listening; then exit 0; fi

if has_systemd; then
  as_root systemctl restart pcscd.socket pcscd.service 2>/dev/null || as_root systemctl restart pcscd
  # Socket activation starts pcscd on the first client; ask it for the reader list once.
  command -v pcsc_scan >/dev/null && timeout 3 pcsc_scan -r >/dev/null 2>&1 || true
else
  if pcscd_running; then as_root kill "$(system_pcscd)"; while pcscd_running; do sleep 0.1; done; fi
  as_root pcscd
fi

for _ in $(seq 1 100); do
  if vpcd_listening; then echo "pcscd is running with the vpcd reader"; exit 0; fi
  sleep 0.1
done
echo "ensure-pcscd: pcscd did not load the vpcd reader (is vsmartcard-vpcd installed?)" >&2
exit 2
