# Sourced by scripts/start and scripts/test: a .venv with Python 3.11+ and the project.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
pick_python() {
  for p in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null 2>&1 &&
      "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo "$p"; return; }
  done
  echo "Python 3.11 or newer is required" >&2; exit 1
}
if [ ! -x .venv/bin/python ]; then
  "$(pick_python)" -m venv .venv
fi
VENV_PY="$ROOT/.venv/bin/python"
install_project() {  # $1: extras, e.g. "[test]" or ""
  "$VENV_PY" -m pip install -q --disable-pip-version-check -e ".$1"
}
