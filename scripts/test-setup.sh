#!/usr/bin/env bash
# The first step of `npm test` (and so of CI): what the tests need beyond Node and node_modules, installed
# once into ~/.cache/ibgu-tools and reused, with its progress on the terminal:
#   - VS Code in the browser and chromium, for the tests in a real VS Code (scripts/vscode-toolchain.sh);
#   - pinned kubectl builds from Debian's archive, the judge of the sandbox hub (scripts/kubectl.sh).
# Status 3 from either means "impossible on this machine" (the reason is printed): the tests that need it are
# then skipped, or fail under CI=true. Any other failure stops npm test here.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in "vscode-toolchain.sh --browser" "kubectl.sh"; do
  status=0
  # shellcheck disable=SC2086 # the step's arguments are split on purpose
  bash scripts/$step > /dev/null || status=$?
  if [ "$status" -eq 3 ]; then
    echo "test-setup: the tests that need scripts/${step%% *} will be skipped (with CI=true they fail)" >&2
  elif [ "$status" -ne 0 ]; then
    echo "test-setup: scripts/${step%% *} failed (status $status)" >&2
    exit "$status"
  fi
done
