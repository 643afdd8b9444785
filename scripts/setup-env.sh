# Shared set-up for scripts/test.sh and scripts/demo.sh (sourced, not run).

install_debian_packages() {
  # Only as root and only what is missing, so a developer's machine is never touched without need.
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then return 0; fi
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_venv() {
  # $1: the extra to install ("test" or empty). Reinstalls only when pyproject.toml changes.
  local extra="${1:-}"
  local python="${PYTHON:-python3}"
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  local stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${extra:-app}"
  if [ ! -f "$stamp" ]; then
    echo "== installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    if [ -n "$extra" ]; then
      .venv/bin/python -m pip install -q -e ".[${extra}]"
    else
      .venv/bin/python -m pip install -q -e .
    fi
    touch "$stamp"
  fi
}
