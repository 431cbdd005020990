#!/usr/bin/env bash
# Screenshots of the built pages as a reader sees them: each page at 390 px (a phone) and 1280 px,
# in light and dark mode, with headless Chromium (Debian: apt-get install chromium).
# Also, when installed: the page printed to PDF by Chromium with the reader in dark mode (paper is
# light whatever the screen), its pages as PNGs (pdftoppm, from poppler-utils), and the page in
# Firefox at 1280 px (firefox-esr: the reference MathML renderer, for the maths).
# Usage: Tests/Browser/screenshots.sh [PAGE.html ...]   (default: every page in output/)
# Writes output/screenshots/<page>-<width>-<scheme>.png, <page>-print-N.png and
# <page>-firefox-1280.png, and prints each path.
set -euo pipefail
cd "$(dirname "$0")/../.."
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "screenshots.sh: chromium not found (apt-get install chromium)" >&2; exit 1; }
height=${HEIGHT:-4000}
pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  mapfile -t pages < <(find output -name index.html -not -path 'output/screenshots/*' | sort)
fi
mkdir -p output/screenshots
for page in "${pages[@]}"; do
  [ -f "$page" ] || { echo "screenshots.sh: no such page: $page" >&2; exit 1; }
  name=$(dirname "$page" | sed 's|^output/\{0,1\}||; s|/|-|g'); [ -n "$name" ] && [ "$name" != "." ] || name=index
  for width in 390 1280; do
    # Blink's preferredColorScheme: 0 is dark, 1 is light.
    for scheme in light dark; do
      value=1; [ "$scheme" = dark ] && value=0
      out="output/screenshots/$name-$width-$scheme.png"
      timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
        --blink-settings=preferredColorScheme=$value --window-size=$width,$height \
        --screenshot="$PWD/$out" "file://$PWD/$page" >/dev/null 2>&1
      echo "$out"
    done
  done
  if command -v pdftoppm >/dev/null 2>&1; then
    pdf="output/screenshots/$name-print.pdf"
    timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --no-pdf-header-footer --blink-settings=preferredColorScheme=0 \
      --print-to-pdf="$PWD/$pdf" "file://$PWD/$page" >/dev/null 2>&1
    pdftoppm -r 60 -png "$pdf" "output/screenshots/$name-print"
    ls output/screenshots/"$name"-print-*.png
  fi
  if command -v firefox-esr >/dev/null 2>&1; then
    profile=$(mktemp -d)
    out="output/screenshots/$name-firefox-1280.png"
    timeout 120 firefox-esr --headless --profile "$profile" --no-remote --window-size=1280,$height --screenshot "$PWD/$out" "file://$PWD/$page" >/dev/null 2>&1
    rm -rf "$profile"
    echo "$out"
  fi
done
