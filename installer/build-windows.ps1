# NOT RUN: this script has never been run. Care Planner was developed on Linux with no Windows machine, so
# neither this script, the Windows branch of careplanner.spec nor careplanner.iss has been tested. Expect
# to fix small things the first time; docs/installing.md says what was verified where.
#
# Builds the Windows one-folder app (dist\careplanner\) and the per-machine installer
# (dist\careplanner-<version>-windows-x64-setup.exe). Needs, on the build machine:
#   - 64-bit Python 3.11 or newer from python.org (the `py` launcher)
#   - Inno Setup 6 (https://jrsoftware.org/isinfo.php), ISCC.exe in its default folder or on PATH
# Run from a PowerShell prompt:   powershell -ExecutionPolicy Bypass -File installer\build-windows.ps1

$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

# The same project virtualenv as scripts/setup-env.sh makes on Linux, with the "build" extra (PyInstaller).
if (-not (Test-Path ".venv\Scripts\python.exe")) { py -3.11 -m venv .venv }
$python = ".venv\Scripts\python.exe"
& $python -m pip install --upgrade pip
& $python -m pip install -e ".[build]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
$version = & $python -c "import careplanner; print(careplanner.__version__)"

& $python -m PyInstaller --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller installer\careplanner.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# Smoke test of the bundle itself (not the venv): a passphrase store, seeded, then checked. `check` must
# report the newest schema revision, which proves Alembic found the migrations inside the bundle.
$cli = "dist\careplanner\careplanner-cli.exe"
$tmp = Join-Path $env:TEMP ("careplanner-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $tmp | Out-Null
Set-Content -Path "$tmp\passphrase.txt" -Value "smoke test passphrase only" -NoNewline
& $cli --version
& $cli --data-dir "$tmp\store" --passphrase-file "$tmp\passphrase.txt" seed --patients 5
if ($LASTEXITCODE -ne 0) { throw "the bundle could not make a store" }
& $cli --data-dir "$tmp\store" --passphrase-file "$tmp\passphrase.txt" check
if ($LASTEXITCODE -ne 0) { throw "the bundle's store check failed" }
& $cli --data-dir "$tmp\store" --passphrase-file "$tmp\passphrase.txt" report --out "$tmp\report.pdf"
if ($LASTEXITCODE -ne 0) { throw "the bundle could not write a PDF" }
Remove-Item -Recurse -Force $tmp

$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" installer\careplanner.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "Installer: dist\careplanner-$version-windows-x64-setup.exe"
