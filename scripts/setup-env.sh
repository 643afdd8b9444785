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

ensure_fhir_schema_validator() {
  # The official FHIR R4 JSON schema validator (npm, pinned in tests/support/package-lock.json) in .tools/node:
  # the tests check every FHIR export with it as well as with fhir.resources. Node comes from Debian when
  # missing (as root); the install is redone only when the pinned versions change.
  command -v node >/dev/null 2>&1 || install_debian_packages nodejs
  command -v npm >/dev/null 2>&1 || install_debian_packages npm
  if ! command -v npm >/dev/null 2>&1; then
    echo "node and npm are needed for the FHIR schema check: install them (Debian: apt-get install nodejs npm)" >&2
    return 1
  fi
  local dir=.tools/node
  local stamp="$dir/.installed-$(cat tests/support/package.json tests/support/package-lock.json | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "== installing the FHIR schema validator into $dir"
    rm -rf "$dir" && mkdir -p "$dir"
    cp tests/support/package.json tests/support/package-lock.json "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$stamp"
  fi
}
