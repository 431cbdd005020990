/// The course's one stylesheet, inlined in every page: light and dark themes, a phone layout,
/// and print rules. No fonts are fetched; the only scripts (search and Copy, `course.js`) are
/// files beside the pages, and a page reads fully without them.
enum Stylesheet {
    /// The document's start up to `<body>`: the styles are in the page, nothing is fetched.
    static func head(title: String, language: Language = .english) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>\(HTML.escape(title))</title>
        <style>\(css)</style>
        </head>
        <body>
        """
    }

    /// The theme colours, as CSS custom properties. `backgrounds` are what text sits on; every
    /// other colour is a text colour, tested for WCAG AA contrast (4.5:1) on each background.
    struct Palette {
        let backgrounds: [(name: String, hex: String)]
        let texts: [(name: String, hex: String)]
        var css: String { (backgrounds + texts).map { "--\($0.name): \($0.hex);" }.joined(separator: " ") }
    }

    static let light = Palette(
        backgrounds: [("bg", "#ffffff"), ("code-bg", "#f6f8fa"), ("out-bg", "#fbfbfc"), ("callout-bg", "#fff8e5")],
        texts: [
            ("fg", "#1d1f23"), ("muted", "#5f6670"), ("accent", "#0969da"), ("ok", "#1a7f37"), ("bad", "#cf222e"),
            ("warn", "#9a6700"),
            ("kw", "#a626a4"), ("ty", "#0b7285"), ("st", "#c2410c"), ("nu", "#1c64d6"), ("cm", "#57606a"),
            ("fn", "#6639ba"), ("at", "#953800"),
        ])
    static let dark = Palette(
        backgrounds: [("bg", "#0f1115"), ("code-bg", "#161a20"), ("out-bg", "#12151a"), ("callout-bg", "#1c1a14")],
        texts: [
            ("fg", "#e6e8eb"), ("muted", "#9aa3ad"), ("accent", "#58a6ff"), ("ok", "#3fb950"), ("bad", "#f85149"),
            ("warn", "#d29922"),
            ("kw", "#d2a8ff"), ("ty", "#79c0ff"), ("st", "#ffa657"), ("nu", "#79c0ff"), ("cm", "#8b949e"),
            ("fn", "#d2a8ff"), ("at", "#ffa657"),
        ])

    /// The continuation mark of a wrapped line (a hooked arrow), as an image in `colour`.
    static func wrapMark(_ colour: String) -> String {
        let svg =
            "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 20 29'><path d='M5 7v9h9m-3.5-3.5L14 16l-3.5 3.5' fill='none' stroke='\(colour)' stroke-width='1.7'/></svg>"
        return
            "url(\"data:image/svg+xml,\(svg.replacingOccurrences(of: "<", with: "%3C").replacingOccurrences(of: ">", with: "%3E").replacingOccurrences(of: "#", with: "%23"))\")"
    }

    /// The deepest indent a wrapped line hangs from: deeper ones hang from here, so a phone's
    /// narrow box still holds some of the text.
    static let deepestHang = 16

    /// Lines indented by 1 to `deepestHang` spaces (`CodeLines` gives them class iN).
    static let indents = (1...deepestHang).map { n in
        "pre .line.i\(n) { padding-left: \(n + 2)ch; text-indent: -\(n + 2)ch; background-position: 0 0, \(n)ch 0; background-size: \(n + 2)ch 1.45em, 2ch 1.45em; }"
    }.joined(separator: "\n")

    /// The rules that draw with a theme's colours: the wrap mark and the layer hiding it on a
    /// line's first row (the colour of the box: code or output), and the shadows of a box that
    /// scrolls sideways (covers the colour of what it sits on, which scroll with the content, over
    /// shadows that stay at the box's edges).
    static func themed(_ palette: Palette, shadow: String, alpha: String) -> String {
        func colour(_ name: String) -> String { (palette.backgrounds + palette.texts).first { $0.name == name }!.hex }
        let mark = wrapMark(colour("muted"))
        func cover(_ background: String) -> String {
            "background-image: linear-gradient(\(background), \(background)), \(mark);"
        }
        func scrolling(_ background: String) -> String {
            "background: linear-gradient(to right, \(background) 30%, rgba(\(shadow), 0)) left center / 32px 100% no-repeat local, "
                + "linear-gradient(to left, \(background) 30%, rgba(\(shadow), 0)) right center / 32px 100% no-repeat local, "
                + "linear-gradient(to right, rgba(\(shadow), \(alpha)), rgba(\(shadow), 0)) left center / 10px 100% no-repeat scroll, "
                + "linear-gradient(to left, rgba(\(shadow), \(alpha)), rgba(\(shadow), 0)) right center / 10px 100% no-repeat scroll;"
        }
        return """
            pre .line { \(cover(colour("out-bg"))) }
            pre.source .line { \(cover(colour("code-bg"))) }
            .table-scroll, .math-block, .math-inline { \(scrolling(colour("bg"))) }
            .outputs .table-scroll { \(scrolling(colour("out-bg"))) }
            main > blockquote .math-inline { \(scrolling(colour("callout-bg"))) }
            """
    }

    static let css = """
        :root { \(light.css) --line: #e3e6ea; --shadow: rgba(0, 0, 0, .22); }
        \(themed(light, shadow: "0, 0, 0", alpha: ".22"))
        @media screen and (prefers-color-scheme: dark) {
          :root { \(dark.css) --line: #2b3038; --shadow: rgba(255, 255, 255, .28); }
          \(themed(dark, shadow: "255, 255, 255", alpha: ".28"))
          figure img.plain { background: #ffffff; border-radius: 4px; }
          figure picture.light { display: none; }
          figure picture.dark { display: block; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--fg); font: 17px/1.6 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
        a { color: var(--accent); }
        .layout { display: grid; grid-template-columns: 250px minmax(0, 1fr); max-width: 1320px; margin: 0 auto; }
        /* The first Tab stop: past the sidebar's links, straight to the lesson. */
        .skip { position: absolute; left: 8px; top: -100px; z-index: 10; background: var(--bg); color: var(--accent); padding: 8px 14px; border: 2px solid var(--accent); border-radius: 6px; }
        .skip:focus { top: 8px; }
        main:focus { outline: none; }
        nav.sidebar { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; padding: 24px 16px; font-size: 14px; border-right: 1px solid var(--line); }
        nav.sidebar ul { list-style: none; padding-left: 0; margin: 0; }
        nav.sidebar li { margin: 4px 0; }
        nav.sidebar li.h3 { padding-left: 14px; }
        nav.sidebar a { text-decoration: none; color: var(--fg); }
        nav.sidebar a:hover { color: var(--accent); }
        nav.sidebar .home { display: block; font-weight: 600; margin-bottom: 16px; }
        nav.phone, a.to-top { display: none; }
        main { padding: 24px 40px 80px; min-width: 0; }
        header .number { color: var(--muted); margin: 0; font-size: 14px; text-transform: uppercase; letter-spacing: .05em; }
        h1 { font-size: 2em; line-height: 1.2; margin: .2em 0 .3em; }
        h2 { margin-top: 2em; border-bottom: 1px solid var(--line); padding-bottom: .2em; }
        h1 a.anchor, h2 a.anchor, h3 a.anchor, h4 a.anchor { color: inherit; text-decoration: none; }
        /* A heading links to itself: the pilcrow says so on hover and on keyboard focus. */
        h2 a.anchor::after, h3 a.anchor::after, h4 a.anchor::after { content: " ¶"; color: var(--muted); font-weight: 400; opacity: 0; } /* the space lets a narrow screen break before it */
        h1, h2, h3, h4 { overflow-wrap: break-word; }
        h2:hover a.anchor::after, h3:hover a.anchor::after, h4:hover a.anchor::after, a.anchor:focus-visible::after { opacity: 1; }
        .secno { color: var(--muted); margin-right: .45em; font-variant-numeric: tabular-nums; }
        /* Prose keeps a reading measure; code, outputs and tables may use the column's full width. */
        main > p, main > ul, main > ol, main > h2, main > h3, main > h4, main > blockquote, main > details, main > header, main > .math-block, main > aside { max-width: 46rem; }
        /* Chinese pages: Chinese fonts first (Latin text falls through to them too), strict line breaking,
           no italics for emphasis (CJK fonts have none: a bold weight reads as emphasis instead). */
        :lang(zh-Hans) body, body:lang(zh-Hans) { font-family: system-ui, "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "DejaVu Sans", sans-serif; line-break: strict; }
        :lang(zh-Hant) body, body:lang(zh-Hant) { font-family: system-ui, "Noto Sans CJK TC", "Source Han Sans TC", "WenQuanYi Micro Hei", "Microsoft JhengHei", "PingFang TC", "DejaVu Sans", sans-serif; line-break: strict; }
        main em:lang(zh) { font-style: normal; font-weight: 600; }
        .languages { font-size: .9em; margin: 0 0 6px; color: var(--muted); }
        .languages [aria-current] { font-weight: 600; color: var(--fg); }
        .stale-note { font-size: .88em; color: var(--warn); border-left: 3px solid var(--warn); padding: 2px 10px; margin: 12px 0 4px; }
        .untranslated { border-left: 3px solid var(--muted); padding-left: 12px; }
        .glossary-link { margin: 8px 0; }
        table.data.glossary td { white-space: normal; }
        /* "The tutorials say" notes: a callout beside the text. */
        main > blockquote { margin: 18px 0; padding: 8px 16px; background: var(--callout-bg); border-left: 4px solid var(--warn); border-radius: 0 6px 6px 0; }
        main > blockquote > p { margin: .4em 0; }
        main > blockquote strong:first-child { color: var(--warn); }
        aside.practise { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 0 6px 6px 0; padding: 8px 14px; margin: 16px 0; font-size: 15px; }
        aside.practise p { margin: 4px 0; }
        .summary { color: var(--muted); font-size: 1.1em; margin-top: 0; }
        .banner { border-radius: 6px; padding: 10px 14px; margin: 12px 0; font-size: 15px; }
        .banner.failed { border: 1px solid var(--bad); color: var(--bad); }
        .banner.warning { border: 1px solid var(--warn); color: var(--warn); }
        .banner ul { margin: 4px 0 0; padding-left: 20px; }
        code { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: .88em; }
        :not(pre) > code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
        pre { overflow-x: auto; margin: 0; padding: 10px 14px; font-size: 14px; line-height: 1.45; }
        pre code { font-size: inherit; }
        /* Code and printed text never run past the edge: each line is a block that wraps, its
           continuation lines indented two columns past the line's own indent (class iN) with a mark
           in that indent; the first line's mark is covered by a layer of the box's own colour (set
           with the theme's colours, further up). Plain values only: the Nu checker reads no var() in calc(). */
        pre .line { display: block; min-height: 1.45em; white-space: pre-wrap; overflow-wrap: anywhere;
          padding-left: 2ch; text-indent: -2ch; background-position: 0 0, 0 0; background-size: 2ch 1.45em, 2ch 1.45em; background-repeat: no-repeat, repeat-y; }
        \(indents)
        /* Nothing in a cell is clipped: each part that can be wide (code, text, tables) scrolls in its own box. */
        .cell { border: 1px solid var(--line); border-radius: 8px; margin: 18px 0; min-width: 0; }
        .cell > :first-child { border-radius: 7px 7px 0 0; }
        .cell > :last-child { border-radius: 0 0 7px 7px; }
        .cell.failed { border-color: var(--bad); }
        .cell-head { display: flex; gap: 12px; align-items: baseline; font-size: 12px; color: var(--muted); background: var(--code-bg); padding: 4px 14px; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
        .cell-head .where { font-family: "DejaVu Sans Mono", ui-monospace, monospace; overflow-wrap: anywhere; }
        .cell-head .time { margin-left: auto; }
        .cell-head button.copy { font: inherit; color: var(--accent); background: none; border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; cursor: pointer; }
        .cell-head .time + button.copy { margin-left: 0; }
        .cell-head button.copy:only-of-type { margin-left: auto; }
        .badge { font-weight: 600; }
        .badge.ok { color: var(--ok); } .badge.bad { color: var(--bad); } .badge.skip { color: var(--muted); }
        pre.source { background: var(--code-bg); }
        .outputs { border-top: 1px solid var(--line); background: var(--out-bg); }
        .outputs:empty { display: none; }
        .outputs > :not(figure) { margin: 0; }
        pre.stderr { color: var(--bad); }
        .out { display: flex; gap: 8px; padding: 6px 14px; min-width: 0; }
        .out .label { color: var(--muted); font-size: 12px; padding-top: 4px; white-space: nowrap; }
        .out pre { padding: 2px 0; min-width: 0; flex: 1; }
        .check { padding: 6px 14px; font-size: 15px; }
        .check.pass { color: var(--ok); } .check.fail { color: var(--bad); }
        .error { padding: 8px 14px; color: var(--bad); }
        figure { margin: 14px; }
        figure img { max-width: 100%; height: auto; display: block; }
        figure picture { display: block; }
        /* The dark picture shows only on a dark screen (the rule is with the dark theme): paper is light. */
        picture.dark { display: none; }
        figcaption { font-size: 14px; color: var(--muted); }
        figcaption .note { display: block; color: var(--warn); }
        details.frames { margin-top: 6px; font-size: 14px; }
        /* Steps as a grid whose columns keep a still's digits readable: two a row in a desktop column
           (a 572 px still at about 440), one on a phone (its stacked still at its own size). */
        details.frames ol { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(420px, 100%), 1fr)); gap: 12px 16px; list-style: none; padding: 0; margin: 8px 0; }
        details.frames img { max-width: 100%; }
        a.full-size { display: none; }
        /* A box that scrolls sideways shows it: a shadow at each edge with more to see (the covers
           scroll with the content, the shadows stay with the box). */
        .table-scroll { overflow-x: auto; padding: 8px 14px; }
        table.data { border-collapse: collapse; font-size: 14px; }
        table.data caption { text-align: left; color: var(--muted); font-size: 12px; }
        table.data td, table.data th { border: 1px solid var(--line); padding: 2px 8px; white-space: nowrap; }
        table.data.numeric td, table.data td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: "DejaVu Sans Mono", ui-monospace, monospace; }
        pre.log { color: var(--muted); }
        .tok-kw, .kw { color: var(--kw); } .ty { color: var(--ty); } .st { color: var(--st); } .nu { color: var(--nu); } .cm { color: var(--cm); font-style: italic; } .fn { color: var(--fn); } .at { color: var(--at); }
        /* Display formulas scroll sideways; the padding leaves room for their ink above and below. */
        .math-block { overflow-x: auto; margin: 6px 0; padding: 10px 0; }
        /* A numbered formula: its number at the right (as d2l and Quarto set it), the formula
           centred in the rest; a formula wider than the screen goes on its own line and scrolls,
           its number under it at the right (a number over a scrolled formula read as its end). */
        .math-block.numbered { display: flex; flex-wrap: wrap; align-items: center; }
        .math-block.numbered > math { flex: 1 0 auto; }
        .eqno { flex: none; margin-left: auto; padding-left: 1em; font-variant-numeric: tabular-nums; }
        /* A long inline formula scrolls inside the line rather than widening the page. */
        /* Its padding holds the ink of scripts and slashes (else it would scroll up and down); the
           negative margin keeps the line's height, and the shadows stay inside the text's box. */
        .math-inline { display: inline-block; max-width: 100%; overflow-x: auto; vertical-align: middle; padding: 6px 0; margin: -6px 0; background-clip: content-box; }
        /* One maths font for every glyph of a formula: letters, digits, operators and brackets
           alike, so sizes and stretching agree (a fallback per glyph mixes fonts). */
        math { font-family: "Latin Modern Math", "STIX Two Math", "STIX Math", "Cambria Math", "DejaVu Math TeX Gyre", math; font-size: 1.12em; }
        nav.sidebar strong { display: block; margin: 16px 0 4px; }
        .search input { width: 100%; font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
        .search ol { list-style: none; padding: 0 6px 0 0; margin: 6px 0; max-height: 60vh; overflow-y: auto; overflow-wrap: anywhere; }
        .search li { margin: 6px 0; }
        .search li small { display: block; color: var(--muted); }
        nav.sidebar li.current > a { font-weight: 600; color: var(--accent); }
        nav.sidebar li .pending { color: var(--muted); }
        nav.sidebar ol { padding-left: 22px; margin: 0; }
        a.xref { white-space: nowrap; }
        .math-error { color: var(--bad); }
        details { margin: 12px 0; }
        details > summary { cursor: pointer; font-weight: 600; }
        .pager { display: flex; justify-content: space-between; gap: 12px; margin-top: 48px; padding-top: 16px; border-top: 1px solid var(--line); }
        footer.build { color: var(--muted); font-size: 13px; margin-top: 24px; }
        .lessons { list-style: none; padding: 0; display: grid; gap: 16px; }
        .lessons li { display: grid; grid-template-columns: 140px 1fr; gap: 16px; border: 1px solid var(--line); border-radius: 8px; padding: 12px; align-items: center; }
        .lessons img { width: 140px; height: 100px; object-fit: contain; border-radius: 4px; }
        .lessons img.plain { background: #fff; }
        .lessons picture { display: block; }
        .lessons .placeholder { width: 140px; height: 100px; display: flex; align-items: center; justify-content: center; color: var(--muted); border: 1px dashed var(--line); border-radius: 4px; font-size: 32px; }
        .lessons h2 { margin: 0; border: 0; font-size: 1.2em; }
        .lessons p { margin: 4px 0; }
        .result.ok { color: var(--ok); } .result.bad { color: var(--bad); }
        @media screen and (max-width: 800px) {
          .layout { grid-template-columns: 1fr; }
          /* A phone shows no sidebar (so it is not in the Tab order either): a compact header
             holds the page's sections, the course and search, and a corner link goes back up. */
          nav.sidebar { display: none; }
          nav.phone { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; font-size: 15px; padding: 8px 16px; border-bottom: 1px solid var(--line); background: var(--code-bg); }
          nav.phone > a { text-decoration: none; }
          nav.phone details { margin: 0; flex: 1 1 auto; }
          nav.phone summary { font-weight: 600; color: var(--accent); }
          nav.phone ul { list-style: none; padding: 0; margin: 6px 0; }
          nav.phone li { margin: 6px 0; }
          nav.phone li.h3 { padding-left: 14px; }
          nav.phone .search { flex: 1 1 100%; }
          a.to-top { display: block; position: fixed; right: 12px; bottom: 12px; z-index: 5; padding: 6px 12px; border-radius: 18px; background: var(--bg); border: 1px solid var(--line); text-decoration: none; font-size: 14px; box-shadow: 0 1px 4px var(--shadow); }
          main { padding: 16px; }
          h1 { font-size: 1.7em; overflow-wrap: break-word; hyphens: auto; }
          .cell-head .where { display: none; }
          a.full-size { display: inline; white-space: nowrap; }
          .lessons li { grid-template-columns: 1fr; }
        }
        @media print {
          /* Paper is light whatever the screen's theme, and shows everything a screen hides behind a click or a scroll. */
          :root { \(light.css) --line: #d0d4d9; }
          body { font-size: 11pt; }
          nav.sidebar, nav.phone, .pager, .skip, a.to-top, .search, aside.practise, button.copy, a.full-size { display: none; }
          .layout { display: block; max-width: none; }
          main { padding: 0; }
          pre, .table-scroll, .math-block, .math-inline { overflow: visible; }
          .table-scroll, .math-block, .math-inline, .outputs .table-scroll, main > blockquote .math-inline { background: none; }
          h1, h2, h3, h4, .cell-head, figcaption { break-after: avoid; page-break-after: avoid; }
          h2, h3, h4 { break-inside: avoid; }
          /* A figure may break between its picture, its steps and its caption (a whole figure with
             its steps moved to the next page left half a page blank); each picture stays whole. */
          figure picture, figure img, details.frames li, .out, pre .line, tr { break-inside: avoid; }
          figcaption { break-before: avoid; }
          p { orphans: 3; widows: 3; }
          details > summary { list-style: none; }
          h2 a.anchor::after, h3 a.anchor::after, h4 a.anchor::after { content: none; }
        }
        """
}
