#!/usr/bin/env bash
# Builds one commit of pcsc-lite (LudovicRousseau/PCSC) into a prefix of its own,
# with everything it would share with the system's pcscd moved into that prefix:
# the socket and pid file (ipcdir), reader.conf.d and the driver folder. Nothing is
# installed outside the prefix, and the system's pcscd is never touched.
#
#   bash scripts/pcsc-lite/build.sh <pcsc-lite checkout> <tag|commit> [--install-deps]
#
# Prints the prefix on stdout (build output goes to <prefix>/../build.log). Cached:
# a prefix holding the marker file for that commit is not built again.
# Exit codes: 0 built (or cached); 125 this commit cannot be built here (what
# `git bisect run` takes as "skip"); 64 bad usage; 2 a tool is missing.
#
# Needs (Debian/Ubuntu names): git, gcc, make, autoconf, automake, libtool, flex,
# pkg-config, and for the 2.x releases that only have meson.build: meson, ninja-build;
# libsystemd and polkit are configured out, and USB hotplug too except for 1.6.6 to 1.7.2,
# which do not link without it: those need libusb-1.0-0-dev (1.6) or libudev-dev (1.7).
# --install-deps installs them all with apt-get (root, or sudo).
# The cache lives in $SC_REPRO_PCSC_LITE_BUILDS (default /var/tmp/sc-repro-pcsc-lite).
set -uo pipefail

usage() { echo "usage: build.sh <pcsc-lite checkout> <tag|commit> [--install-deps]" >&2; exit 64; }
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 0
fi
[ $# -ge 2 ] || usage
checkout=$1
rev=$2
install_deps=false
[ "${3:-}" = --install-deps ] && install_deps=true
[ $# -le 3 ] || usage

BUILD_PACKAGES=(git gcc make autoconf automake libtool flex pkg-config meson ninja-build libudev-dev libusb-1.0-0-dev)
if $install_deps; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  missing=()
  for pkg in "${BUILD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "build.sh: installing ${missing[*]}" >&2
    as_root apt-get install -y --no-install-recommends "${missing[@]}" >&2 || exit 2
  fi
fi
for tool in git gcc make autoreconf libtoolize flex pkg-config; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (bash scripts/pcsc-lite/build.sh … --install-deps installs the build tools)" >&2; exit 2; }
done

commit=$(git -C "$checkout" rev-parse --verify --quiet "$rev^{commit}") || { echo "build.sh: $rev is not a commit of $checkout" >&2; exit 64; }
cache=${SC_REPRO_PCSC_LITE_BUILDS:-/var/tmp/sc-repro-pcsc-lite}
dir=$cache/$commit
prefix=$dir/prefix
marker=$prefix/.sc-repro-built
mkdir -p "$cache"
# One build of a commit at a time; a second caller waits and then finds it cached.
exec 9>"$cache/$commit.lock"
flock 9
if [ -f "$marker" ]; then
  echo "$prefix"
  exit 0
fi
if [ -f "$dir/failed" ]; then
  echo "build.sh: $rev ($commit) failed to build before, see $dir/build.log (delete $dir to retry)" >&2
  exit 125
fi

rm -rf "$dir"
mkdir -p "$dir/src" "$prefix/run" "$prefix/reader.conf.d" "$prefix/drivers"
log=$dir/build.log
fail() {
  echo "build.sh: $rev ($commit) cannot be built here: $1; see $log" >&2
  echo "$1" >"$dir/failed"
  exit 125
}

# An export of the commit, so the checkout (perhaps mid-bisect) is never changed.
git -C "$checkout" archive "$commit" | tar -x -C "$dir/src" || fail "git archive failed"
cd "$dir/src" || exit 2

# 1.6 and 1.7 define globals in headers, which GCC 10 and later reject without -fcommon.
export CFLAGS="-g -O2 -fcommon -Wno-error"
{
  echo "# pcsc-lite $rev ($commit)"
  date -u
  gcc --version | head -1
} >"$log"

# USB hotplug is left out (no libudev, libusb or HAL to need); pcsc-lite 1.6.6 to 1.7.2 do
# not link without it (RFWaitForReaderInit is only defined with USE_USB), so those get it
# back with the hotplug backend their configure prefers here (libusb-1.0 or libudev), which
# finds no driver in the prefix's empty drivers folder.
autotools_build() {
  ./configure --prefix="$prefix" \
    --enable-ipcdir="$prefix/run" \
    --enable-confdir="$prefix/reader.conf.d" \
    --enable-usbdropdir="$prefix/drivers" \
    --disable-libhal --disable-libsystemd --disable-polkit --disable-documentation \
    --with-systemdsystemunitdir="$prefix/systemd" "$@" >>"$log" 2>&1 || return 1
  make -j"$(nproc)" >>"$log" 2>&1 || return 2
  make install >>"$log" 2>&1 || return 3
}
if [ -f configure.ac ] || [ -f configure.in ]; then
  # Debian's libtool wants the macro folder to exist; old trees do not ship it.
  mkdir -p m4
  autoreconf --verbose --install --force >>"$log" 2>&1 || fail "autoreconf failed"
  if ! autotools_build --disable-usb --disable-libudev --disable-libusb; then
    echo "# without USB it did not build: again with USB hotplug" >>"$log"
    make distclean >>"$log" 2>&1
    autotools_build --enable-usb
    case $? in
      0) ;;
      1) fail "configure failed" ;;
      2) fail "make failed" ;;
      *) fail "make install failed" ;;
    esac
  fi
elif [ -f meson.build ]; then
  command -v meson >/dev/null && command -v ninja >/dev/null || { echo "build.sh: meson and ninja are needed for $rev" >&2; exit 2; }
  {
    meson setup build --prefix="$prefix" --libdir=lib \
      -Dipcdir="$prefix/run" \
      -Dserialconfdir="$prefix/reader.conf.d" \
      -Dusbdropdir="$prefix/drivers" \
      -Dusb=false -Dlibudev=false -Dlibusb=false -Dlibsystemd=false -Dpolkit=false &&
      ninja -C build &&
      ninja -C build install
  } >>"$log" 2>&1 || fail "meson build failed"
else
  fail "neither configure.ac, configure.in nor meson.build"
fi

[ -x "$prefix/sbin/pcscd" ] || fail "no sbin/pcscd after install"
lib=$(ls "$prefix"/lib/libpcsclite.so.1 "$prefix"/lib/*/libpcsclite.so.1 2>/dev/null | head -1)
[ -n "$lib" ] || fail "no libpcsclite.so.1 after install"
echo "$commit $rev" >"$marker"
echo "$prefix"
