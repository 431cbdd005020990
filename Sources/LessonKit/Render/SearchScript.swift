/// The one script of the published pages (`course.js`): it turns each `<div class="search">`
/// into a search box over `window.LESSON_SEARCH` (from `search-index.js`), and gives each code
/// cell a Copy button, and opens the page's folded parts for printing. Results are built with DOM calls and `textContent`, never from the index
/// as HTML. Every word of the query must occur in a section; a word in its heading ranks it
/// higher. Without the script there is no box and no button, and nothing else changes.
enum SearchScript {
    static let source = #"""
        // Offline search and Copy buttons for the course (written by `lessons build`). The pages read fully without it.
        (function () {
          "use strict";
          var index = window.LESSON_SEARCH || [];
          // The page's own words (a translated page gives them on its search slot), English otherwise.
          var slot0 = document.querySelector(".search[data-root]");
          function say(name, english) { return (slot0 && slot0.getAttribute("data-" + name)) || english; }
          var lowered = index.map(function (e) { return { h: e.h.toLowerCase(), t: e.t.toLowerCase() }; });
          function search(query) {
            var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 1; });
            if (words.length === 0) return [];
            var found = [];
            index.forEach(function (entry, k) {
              var score = 0, at = -1;
              for (var i = 0; i < words.length; i++) {
                var inHeading = lowered[k].h.indexOf(words[i]) >= 0, inText = lowered[k].t.indexOf(words[i]);
                if (!inHeading && inText < 0) return;
                score += inHeading ? 10 : 1;
                if (at < 0 && inText >= 0) at = inText;
              }
              found.push({ entry: entry, score: score, at: at });
            });
            found.sort(function (a, b) { return b.score - a.score; });
            return found.slice(0, 20);
          }
          function snippet(text, at) {
            if (at < 0) return text.slice(0, 100);
            var start = Math.max(0, at - 50);
            return (start > 0 ? "…" : "") + text.slice(start, at + 70) + "…";
          }
          document.querySelectorAll(".search[data-root]").forEach(function (slot, n) {
            var root = slot.getAttribute("data-root") || "";
            var input = document.createElement("input");
            input.type = "search";
            input.id = "search-" + n;
            input.placeholder = say("placeholder", "Search the course");
            input.setAttribute("aria-label", say("placeholder", "Search the course"));
            input.autocomplete = "off";
            var status = document.createElement("p");
            status.className = "search-status";
            status.setAttribute("aria-live", "polite");
            var list = document.createElement("ol");
            slot.appendChild(input);
            slot.appendChild(status);
            slot.appendChild(list);
            input.addEventListener("input", function () {
              var results = search(input.value);
              list.textContent = "";
              status.textContent = input.value.trim() === "" ? "" : results.length === 0 ? say("none", "Nothing found.") : results.length + (results.length === 20 ? "+" : "") + " " + say("found", "found");
              results.forEach(function (r) {
                var item = document.createElement("li"), link = document.createElement("a"), where = document.createElement("small");
                link.href = root + r.entry.u;
                link.textContent = r.entry.h;
                where.textContent = r.entry.l + ": " + snippet(r.entry.t, r.at);
                item.appendChild(link);
                item.appendChild(where);
                list.appendChild(item);
              });
            });
          });
          // Copy: the cell's code as written (the text of its lines, without the wrap marks, which are drawn, not text).
          document.querySelectorAll(".cell pre.source").forEach(function (pre) {
            var head = pre.parentElement.querySelector(".cell-head");
            if (!head || !navigator.clipboard) return;
            var button = document.createElement("button");
            button.type = "button";
            button.className = "copy";
            button.textContent = say("copy", "Copy");
            button.addEventListener("click", function () {
              navigator.clipboard.writeText(pre.textContent.replace(/\n$/, "")).then(function () {
                button.textContent = say("copied", "Copied");
                setTimeout(function () { button.textContent = say("copy", "Copy"); }, 1500);
              }, function () { button.textContent = "Copy failed"; });
            });
            head.appendChild(button);
          });
          // Paper shows what a screen folds away: solutions and an animation's steps open for printing, and close again after.
          // (CSS cannot open them yet in a way the Nu checker accepts: details::details-content is too new for it.)
          var opened = [];
          window.addEventListener("beforeprint", function () {
            document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
          });
          window.addEventListener("afterprint", function () {
            opened.forEach(function (d) { d.open = false; });
            opened = [];
          });
        })();

        """#
}
