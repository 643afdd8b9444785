#!/usr/bin/env bash
# Set up everything the tests need (a virtual environment; Debian packages when run as root) and run them all:
# lint, type check, then pytest under a private D-Bus session with a real (gnome-keyring) Secret Service.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-env.sh
install_debian_packages xvfb xauth gnome-keyring dbus dbus-x11 libsecret-tools poppler-utils \
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 \
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 postgresql
ensure_venv test
ensure_fhir_schema_validator
# Where PYTHONDONTWRITEBYTECODE is set (it is on the project's machines) no compiled module is ever kept, so
# every process the tests start (the command line, workstations, probes: hundreds) compiles our sources
# again, about 0.3 s of CPU each. Compile them once here (a few seconds); Python still reads what is there.
.venv/bin/python -m compileall -q -j 0 src tests benchmarks >/dev/null

echo "== ruff"
.venv/bin/ruff check src tests
echo "== mypy (strict) on src/careplanner"
.venv/bin/mypy
echo "== pytest"
export QT_QPA_PLATFORM=offscreen
# The keyring daemon gets a throwaway data folder, so it always makes a fresh "login" collection with the
# password it is given, whatever keyrings the machine already has.
exec dbus-run-session -- bash -c '
  export XDG_DATA_HOME="$(mktemp -d)"
  echo -n "test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  exec .venv/bin/python -m pytest -n 2 --durations=30 "$@"' pytest "$@"
