#!/usr/bin/env bash
# Build the Linux one-folder bundle and pack it: dist/careplanner/ -> dist/careplanner-<version>-linux-<arch>.tar.gz
#
# Uses the project virtualenv (.venv, made by scripts/setup-env.sh) and installs PyInstaller into it (the
# "build" extra). Run from anywhere: `installer/build-linux.sh`. Build on the oldest Linux you want to support:
# the bundle needs a glibc at least as new as the build machine's.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=../scripts/setup-env.sh
. scripts/setup-env.sh

ensure_venv build
version="$(.venv/bin/python -c 'import careplanner; print(careplanner.__version__)')"
arch="$(uname -m)"

echo "== building dist/careplanner/ with PyInstaller $(.venv/bin/python -m PyInstaller --version)"
start=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installer/careplanner.spec
echo "== built in $(( $(date +%s) - start )) s"

# Fail the build (not the practice) if something Alembic or the PDFs need at run time is missing.
internal=dist/careplanner/_internal
for needed in \
  careplanner/store/migrations/env.py \
  careplanner/store/migrations/script.py.mako \
  careplanner/resources/fonts/NotoSans-Regular.ttf \
  careplanner/resources/prsb/pcsp_v2_conformance.csv; do
  [ -f "$internal/$needed" ] || { echo "missing from the bundle: $needed" >&2; exit 1; }
done
ls "$internal"/careplanner/store/migrations/versions/0*.py >/dev/null
ls "$internal"/pypdfium2_raw/libpdfium* "$internal"/sqlcipher3/_sqlite3* >/dev/null

archive="dist/careplanner-${version}-linux-${arch}.tar.gz"
tar -C dist -czf "$archive" careplanner
echo "== $(du -sh dist/careplanner | cut -f1) unpacked, $(du -h "$archive" | cut -f1) packed: $archive"
