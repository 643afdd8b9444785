#!/usr/bin/env bash
# Offline sync, end to end: a private practice server (PostgreSQL, synthetic people, public demo passwords)
# and two workstations that each keep their own encrypted copy. Workstation 2 is taken off the network,
# edited there while workstation 1 edits the same plan, and rejoined: both copies are kept and merged
# section by section. With windows (the default) the merge is done in workstation 2's window; --no-window
# runs the whole story, merge included, and prints each step. Everything is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-env.sh
install_debian_packages postgresql gnome-keyring dbus dbus-x11 libxcb-cursor0 libxcb-icccm4 libxcb-image0 \
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 \
  libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 xvfb xauth
ensure_venv test
no_window=0
for arg in "$@"; do [ "$arg" = "--no-window" ] && no_window=1; done
run=(.venv/bin/python scripts/sync_demo.py "$@")
if [ "$no_window" = 0 ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  echo "No display found: running under a virtual screen (xvfb-run). Use --no-window to see the story in text."
  run=(xvfb-run -a -s "-screen 0 1366x768x24" "${run[@]}")
fi
# Each workstation keeps the server's settings and its copy's key in the OS keyring. Without a desktop
# keyring (a server, CI), a private one is started for the demo, with a throwaway password.
if .venv/bin/python -c 'import sys; from careplanner.store.keys import keyring_is_secure; sys.exit(not keyring_is_secure())' 2>/dev/null; then
  exec "${run[@]}"
fi
exec dbus-run-session -- bash -c '
  export XDG_DATA_HOME="$(mktemp -d)"
  echo -n "sync-demo-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  exec "$@"' bash "${run[@]}"
