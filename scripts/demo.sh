#!/usr/bin/env bash
# Set up Care Planner in a virtual environment and open it on a demo store of synthetic people.
# The demo store has its own folder and the public passphrase "demo-synthetic-people-only".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-env.sh
install_debian_packages libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 \
  libfontconfig1 libdbus-1-3 xvfb xauth
ensure_venv
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  echo "No display found: running under a virtual screen (xvfb-run). Use --no-window to only build the store."
  exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/careplanner demo "$@"
fi
exec .venv/bin/careplanner demo "$@"
