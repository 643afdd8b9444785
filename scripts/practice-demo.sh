#!/usr/bin/env bash
# A practice server and two workstations on this computer: a private PostgreSQL cluster in a temporary
# folder (synthetic people, two clinician accounts with public demo passwords) and two app windows, each
# with its own data folder, signed in to it. Closing both windows stops the server and removes its folder.
# --no-window: set up, check both accounts can sign in, and stop (no window is opened).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-env.sh
install_debian_packages postgresql libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 \
  libfontconfig1 libdbus-1-3 xvfb xauth
ensure_venv
# Debian's package starts its own cluster; the demo uses a private one of its own, on another port.
if ! .venv/bin/python -c 'import sys; from careplanner.server.cluster import postgres_bin; sys.exit(postgres_bin() is None)'; then
  echo "PostgreSQL is not installed: install it (Debian: apt-get install postgresql) and run this again." >&2
  exit 1
fi
no_window=0
for arg in "$@"; do [ "$arg" = "--no-window" ] && no_window=1; done
if [ "$no_window" = 0 ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  echo "No display found: running under a virtual screen (xvfb-run). Use --no-window to only set up and check."
  exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/practice_demo.py "$@"
fi
exec .venv/bin/python scripts/practice_demo.py "$@"
