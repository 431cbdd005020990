#!/usr/bin/env bash
# Checks that no page is wider than a 390 px phone screen: each page is loaded at 390 px in
# headless Chromium inside a small probe page (the probe uses JavaScript; the pages need none),
# which reports the page's scroll width and every element sticking out of the screen (outside
# a scroll box): either fails the check, since a clipped part cannot be read.
# Usage: Tests/Browser/overflow.sh [PAGE.html ...] (default: every page in output/). Exits 1 when
# a page is wider than the screen.
set -euo pipefail
cd "$(dirname "$0")/../.."
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "SKIPPED: overflow.sh: chromium not found (apt-get install chromium)" >&2; exit 0; }
width=${WIDTH:-390}
pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  mapfile -t pages < <(find output -name index.html -not -path 'output/screenshots/*' | sort)
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
status=0
for page in "${pages[@]}"; do
  cat > "$probe/probe.html" <<HTML
<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="file://$PWD/$page" style="width:${width}px;height:2000px;border:0"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument, w = d.documentElement.clientWidth, out = [];
  d.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    // Inside a scroll box is fine: only what widens the page counts.
    for (var p = e.parentElement; p; p = p.parentElement) { var o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return; }
    if (r.right > w + 1) out.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ends at ' + Math.round(r.right));
  });
  document.getElementById('result').textContent = 'scrollWidth=' + d.documentElement.scrollWidth + ' clientWidth=' + w + '\n' + out.slice(0, 10).join('\n');
};
</script></body></html>
HTML
  result=$(timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --allow-file-access-from-files \
    --window-size=$((width + 20)),2200 --virtual-time-budget=5000 --dump-dom "file://$probe/probe.html" 2>/dev/null \
    | sed -n '/<pre id="result">/,/<\/pre>/p' | sed 's/<[^>]*>//g')
  read -r first <<<"$result"
  sw=$(sed -n 's/.*scrollWidth=\([0-9]*\).*/\1/p' <<<"$first"); cw=$(sed -n 's/.*clientWidth=\([0-9]*\).*/\1/p' <<<"$first")
  if [ -z "$sw" ]; then echo "$page: could not measure ($first)"; status=1
  elif [ "$sw" -gt "$cw" ] || [ -n "$(sed 1d <<<"$result" | tr -d '[:space:]')" ]; then
    # Wider than the screen, or something sticks out of it (clipped, so it cannot be scrolled to).
    echo "$page: does NOT fit $width px: $result"; status=1
  else echo "$page: fits $width px (scroll width $sw)"; fi
done
exit $status
