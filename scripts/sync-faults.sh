#!/usr/bin/env bash
# The long sync fault suite (issue 15): the fault tests in tests/sync/test_faults_*.py under several seeds,
# with more work per round than CI's short run. Each seed: ten workstation processes, each with its own
# encrypted replica behind its own TCP proxy, against a private PostgreSQL; faults: a long offline stretch,
# duplicated and reordered pushes, clocks two hours out, the server killed mid-push and mid-pull, a
# workstation killed between the server's commit and its ack, the server restored from a backup
# (benchmarks/sync_restore_fault.py here; CI runs the short tests/sync/test_faults_restore.py).
#
#   ./scripts/sync-faults.sh                 # seeds 1-6, 8 steps of work per round
#   SEEDS="7 8" STEPS=12 EXAMPLES=300 ./scripts/sync-faults.sh
#
# Needs PostgreSQL (scripts/test.sh installs it when run as root) and a Secret Service keyring, which this
# script starts privately (gnome-keyring under dbus-run-session), as scripts/test.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-env.sh
install_debian_packages gnome-keyring dbus dbus-x11 libsecret-tools postgresql
ensure_venv test
export CAREPLANNER_SYNC_SEEDS="${SEEDS:-1 2 3 4 5 6}"
export CAREPLANNER_SYNC_STEPS="${STEPS:-8}"
export CAREPLANNER_SYNC_STATIONS="${STATIONS:-10}"
export CAREPLANNER_STATEFUL_EXAMPLES="${EXAMPLES:-100}"  # the protocol's stateful property test
export CAREPLANNER_STATEFUL_STEPS="${STATEFUL_STEPS:-30}"
export QT_QPA_PLATFORM=offscreen
exec dbus-run-session -- bash -c '
  export XDG_DATA_HOME="$(mktemp -d)"
  echo -n "test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  exec .venv/bin/python -m pytest -q -p no:cacheprovider --timeout 3600 -n 2 \
    tests/sync/test_faults_network.py tests/sync/test_faults_server.py tests/sync/test_protocol_stateful.py \
    benchmarks/sync_restore_fault.py \
    "$@"' sync-faults "$@"
