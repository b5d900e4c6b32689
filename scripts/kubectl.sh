#!/usr/bin/env bash
# Puts pinned kubectl binaries, taken from Debian's archive, where the kubectl cross-check of the sandbox hub
# (test/sandbox/kubectl.test.ts) finds them:
#   - 1.32.3 (trixie, 1.32.3+ds-2): `wait` lists, then watches;
#   - 1.36.4 (sid, 1.36.4+ds-1): `wait` uses a watch-list (sendInitialEvents).
# The system's apt configuration is never changed: the package lists, the apt cache and our sources list live
# in the cache folder, and the archive is the mirror already configured on this machine. The .deb is unpacked
# with dpkg-deb -x, never installed (a `kubectl` dpkg package may already own /usr/bin/kubectl).
# Binaries are reused when present and working; concurrent calls wait for each other (flock).
#
# stdout: one line per version, "<version> <path to kubectl>". Everything else goes to stderr.
# Exit status: 0 ready; 3 cannot be set up on this machine (the reason is on stderr); anything else: it failed.
set -euo pipefail

# version, Debian suite, Debian package version. sid moves on: when its version leaves the archive, pin the new one.
PINS=(
  "1.32.3 trixie 1.32.3+ds-2"
  "1.36.4 sid 1.36.4+ds-1"
)
DIR=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ibgu-tools/kubectl
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

say() { echo "kubectl-setup: $*" >&2; }
unavailable() { say "cannot set up kubectl: $*"; exit 3; }

# True when $1 (a version) is installed and says so.
works() {
  local bin="$DIR/$1/kubectl"
  [ -x "$bin" ] || return 1
  local out
  out=$(KUBECONFIG=/dev/null "$bin" version --client 2>/dev/null) || return 1
  grep -qx "Client Version: v$1" <<< "$out"
}

all_ready() {
  local pin
  for pin in "${PINS[@]}"; do works "${pin%% *}" || return 1; done
}

report() {
  local pin
  for pin in "${PINS[@]}"; do echo "${pin%% *} $DIR/${pin%% *}/kubectl"; done
}

# Fast path: nothing to do, not even a lock.
if all_ready; then report; exit 0; fi

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || unavailable "only Linux x86_64 is supported (Debian amd64 packages), this is $(uname -s)-$(uname -m)"
command -v apt-get >/dev/null || unavailable "there is no apt-get"
command -v dpkg-deb >/dev/null || unavailable "there is no dpkg-deb"
[ -r "$KEYRING" ] || unavailable "the Debian archive keyring $KEYRING is missing (package debian-archive-keyring)"

# The Debian mirror this machine already uses (deb822 first, then the one-line format), security archive excluded.
mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    sed -E 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $2 ~ /^https?:\/\// && $2 !~ /security/ { print $2; exit }'
  done
}
URI=$(mirror | head -n1)
[ -n "$URI" ] || unavailable "no Debian mirror is configured in /etc/apt/sources.list or /etc/apt/sources.list.d/"

mkdir -p "$DIR"
if command -v flock >/dev/null; then
  exec 9>"$DIR.lock"
  flock 9
  if all_ready; then report; exit 0; fi   # another process finished while we waited
fi

APT_DIR="$DIR/.apt"
rm -rf "$APT_DIR"   # lists left by an interrupted run would hide a network failure
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/state" "$APT_DIR/download"
: > "$APT_DIR/sources.list"
for suite in $(printf '%s\n' "${PINS[@]}" | awk '{ print $2 }' | sort -u); do
  echo "deb [signed-by=$KEYRING] $URI $suite main" >> "$APT_DIR/sources.list"
done
# Private sources, lists, cache and state; the system's apt.conf.d (proxies and the like) still applies.
# Root would hand downloads to the _apt user, who cannot enter a private home folder: keep them as ourselves.
APT=(-o "Dir::Etc::sourcelist=$APT_DIR/sources.list" -o "Dir::Etc::sourceparts=-"
     -o "Dir::State=$APT_DIR/state" -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::State::status=/dev/null"
     -o "Dir::Cache=$APT_DIR/cache" -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=true")

say "reading the package lists of $URI ($(awk '{ print $4 }' "$APT_DIR/sources.list" | paste -sd' '))"
if ! apt-get "${APT[@]}" -qq update > "$APT_DIR/update.log" 2>&1; then
  cat "$APT_DIR/update.log" >&2
  grep -qiE 'could not resolve|failed to fetch|unable to connect|connection (failed|refused|timed out)|temporary failure' "$APT_DIR/update.log" \
    && unavailable "the Debian archive $URI cannot be reached"
  say "apt-get update failed"; exit 1
fi
# apt-get update may end with 0 and only a warning when the network is down: check that the lists came.
ls "$APT_DIR/lists/"*_Packages* >/dev/null 2>&1 || { cat "$APT_DIR/update.log" >&2; unavailable "no package list could be read from $URI"; }

for pin in "${PINS[@]}"; do
  read -r version suite debver <<< "$pin"
  works "$version" && continue
  say "installing kubectl $debver ($suite) into $DIR/$version"
  if ! apt-cache "${APT[@]}" madison kubectl | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | grep -qxF "$debver"; then
    say "kubectl $debver is no longer in $suite; available: $(apt-cache "${APT[@]}" madison kubectl | awk -F'|' '{ gsub(/ /, "", $2); printf "%s ", $2 }')"
    say "pin an available version in scripts/kubectl.sh (PINS)"
    exit 1
  fi
  rm -rf "$APT_DIR/download/"*
  (cd "$APT_DIR/download" && apt-get "${APT[@]}" -qq download "kubectl=$debver") >&2
  deb=$(ls "$APT_DIR/download/"kubectl_*.deb)
  tree="$APT_DIR/download/root"
  dpkg-deb -x "$deb" "$tree"
  mkdir -p "$DIR/$version"
  install -m 0755 "$tree/usr/bin/kubectl" "$DIR/$version/kubectl.new"
  mv -f "$DIR/$version/kubectl.new" "$DIR/$version/kubectl"
  echo "$debver" > "$DIR/$version/debian-version"
  rm -rf "$APT_DIR/download/"*
  works "$version" || { say "the unpacked kubectl $version does not run: $(KUBECONFIG=/dev/null "$DIR/$version/kubectl" version --client 2>&1 | head -n3)"; exit 1; }
done
# Only the binaries are kept: the package lists (about 100 MB for sid) are read again for the next pin.
rm -rf "$APT_DIR"

all_ready || { say "install finished but a kubectl in $DIR does not work"; exit 1; }
report
