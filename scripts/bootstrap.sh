# Sourced by scripts/demo and scripts/test: find a Python >= 3.12, create .venv, install the
# project with its test tools whenever pyproject.toml changes.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$PROJECT_DIR/.venv"

python_is_recent() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  local candidate
  for candidate in python3.14 python3.13 python3.12 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && python_is_recent "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  # pyenv keeps interpreters that its shims only expose when selected; look at them directly.
  local root
  root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  for candidate in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
    if python_is_recent "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ] || ! python_is_recent "$VENV/bin/python"; then
  if ! PYTHON="$(find_python)"; then
    echo "error: this project needs Python 3.12 or newer, and none was found." >&2
    echo "Install one (e.g. 'pyenv install 3.12' or your system's python3.12 package) and run this again." >&2
    exit 1
  fi
  echo "Creating .venv with $("$PYTHON" --version)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi

STAMP="$VENV/.installed-$(cksum < "$PROJECT_DIR/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$STAMP" ]; then
  echo "Installing dependencies into .venv"
  "$VENV/bin/python" -m pip install -qq --upgrade pip
  "$VENV/bin/python" -m pip install -qq -e "$PROJECT_DIR[dev]"
  rm -f "$VENV"/.installed-*
  touch "$STAMP"
fi

cd "$PROJECT_DIR"
