#!/usr/bin/env bash
# CI: the README's first two commands, exactly as the README writes them, run
# as root in a fresh Debian 12 root (debootstrap --variant=minbase from this
# machine's configured apt source, then chroot), on a clone of HEAD with
# ../shared beside it (read-only): what a new user on a new machine gets.
#
#   bash .ci/fresh-debian.sh        # from the repository; exit 0 when both pass
#   bash .ci/fresh-debian.sh 'bash .ci/fuzz.sh'   # then more commands in that root
#
# Exit 0 when every command passed, 1 when one failed, 2 when no fresh root
# can be made here (not root, no apt source, debootstrap failed): the caller
# then runs the suite on this machine instead (.ci/run).
#
# Needs root (debootstrap, mount, chroot). The base root is built once and
# kept in $TRACUU_CI_CACHE (default /var/tmp/tracuu-ci), with the .deb files
# apt downloads (only downloads are cached: every run installs into a new copy
# of the bare base root). Logs: $TRACUU_CI_CACHE/fresh-N.log.
set -euo pipefail
proj=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$proj/../shared" 2>/dev/null && pwd) || { echo "fresh-debian: no ../shared beside $proj" >&2; exit 2; }
cache=${TRACUU_CI_CACHE:-/var/tmp/tracuu-ci}
limit=${TRACUU_CI_FRESH_TIMEOUT:-2100} # seconds for all the commands together (CI: 40 min in all)
[ "$(id -u)" = 0 ] || { echo "fresh-debian: needs root (debootstrap, mount, chroot)" >&2; exit 2; }
mkdir -p "$cache/apt-archives/partial"

# The README's first code block: its first two commands (comments stripped
# by the shell that runs them).
mapfile -t cmds < <(awk '/^```/ { if (inblock) exit; inblock = 1; next }
  inblock && $0 !~ /^[[:space:]]*(#|$)/ { sub(/^[[:space:]]*(\$ )?/, ""); print; if (++n == 2) exit }' \
  "$proj/README.md")
[ ${#cmds[@]} = 2 ] || { echo "fresh-debian: the README does not open with two commands in a code block" >&2; exit 1; }
readme=${#cmds[@]}
cmds+=("$@") # the caller's commands, run after the README's in the same root

# The machine's own apt source (deb822 first, then the one-line format).
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
  tr ' ' '\n' | grep -v -- '-security' | head -n1 || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++)
  if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "fresh-debian: no apt source configured on this machine" >&2; exit 2; }

base=$cache/rootfs-bookworm
if [ ! -f "$base/.complete" ]; then
  command -v debootstrap >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1
  echo "== fresh Debian 12: debootstrap minbase from $mirror (once; kept in $base)"
  rm -rf "$base"
  debootstrap --variant=minbase bookworm "$base" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/debootstrap.log"; echo "fresh-debian: debootstrap failed ($cache/debootstrap.log)" >&2; exit 2; }
  rm -f "$base"/var/cache/apt/archives/*.deb
  touch "$base/.complete"
fi

root=$cache/run
# Everything mounted under $root, deepest first.
mounts_under() { awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r; }
cleanup() {
  local m
  for m in $(mounts_under); do umount -l "$m" 2>/dev/null || true; done
  # Never delete through a mount that is still there (/dev is bound in).
  if [ -n "$(mounts_under)" ]; then echo "fresh-debian: $root still has mounts; left in place" >&2; return; fi
  rm -rf "$root"
}
trap cleanup EXIT
cleanup
cp -a "$base" "$root"
git clone -q "$proj" "$root/root/tracuu"
mkdir -p "$root/root/shared"
# The machine's network, not its packages: name servers, apt sources, and
# the local CA certificates an egress proxy signs with (installed into the
# root's store when ca-certificates is; without them npm's registry, which
# the browser test fetches playwright-core from, is out of reach here).
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mkdir -p "$root/usr/local/share/ca-certificates"
cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || true
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
mount --bind "$shared" "$root/root/shared" && mount -o remount,bind,ro "$root/root/shared"
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"

start=$(date +%s)
for i in "${!cmds[@]}"; do
  log=$cache/fresh-$((i + 1)).log
  echo "== fresh Debian 12, as root: ${cmds[$i]}"
  t0=$(date +%s)
  left=$((limit - (t0 - start)))
  [ "$left" -gt 0 ] || { echo "fresh-debian: no time left of $limit s for: ${cmds[$i]}" >&2; exit 1; }
  if ! timeout "$left" chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /root/tracuu && ${cmds[$i]}" </dev/null >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fresh-debian: FAILED on a fresh Debian 12: ${cmds[$i]} (log: $log)" >&2
    exit 1
  fi
  grep -E '% tests passed|\(Skipped\)|Not Run' "$log" | sed 's/^/   /' || true
  # Why a test skipped (ctest shows only failures' output).
  cat "$root"/root/tracuu/build*/Testing/Temporary/LastTest.log 2>/dev/null | grep -h 'SKIPPED:' | sort -u | sed 's/^/   /' || true
  echo "   passed in $(($(date +%s) - t0)) s"
done
echo "fresh-debian: the README's $readme commands$([ ${#cmds[@]} -gt "$readme" ] && echo " and $((${#cmds[@]} - readme)) more") pass on a fresh Debian 12 ($(($(date +%s) - start)) s)"
