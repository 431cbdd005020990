/// The course's one stylesheet, inlined in every page: light and dark themes, a phone layout,
/// and print rules. No fonts or scripts are fetched.
enum Stylesheet {
    /// The document's start up to `<body>`: every page is self-contained, nothing is fetched.
    static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
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
        backgrounds: [("bg", "#ffffff"), ("code-bg", "#f6f8fa"), ("out-bg", "#fbfbfc")],
        texts: [("fg", "#1d1f23"), ("muted", "#5f6670"), ("accent", "#0969da"), ("ok", "#1a7f37"), ("bad", "#cf222e"), ("warn", "#9a6700"),
                ("kw", "#a626a4"), ("ty", "#0b7285"), ("st", "#c2410c"), ("nu", "#1c64d6"), ("cm", "#57606a"), ("fn", "#6639ba"), ("at", "#953800")])
    static let dark = Palette(
        backgrounds: [("bg", "#0f1115"), ("code-bg", "#161a20"), ("out-bg", "#12151a")],
        texts: [("fg", "#e6e8eb"), ("muted", "#9aa3ad"), ("accent", "#58a6ff"), ("ok", "#3fb950"), ("bad", "#f85149"), ("warn", "#d29922"),
                ("kw", "#d2a8ff"), ("ty", "#79c0ff"), ("st", "#ffa657"), ("nu", "#79c0ff"), ("cm", "#8b949e"), ("fn", "#d2a8ff"), ("at", "#ffa657")])

    static let css = """
    :root { \(light.css) --line: #e3e6ea; }
    @media (prefers-color-scheme: dark) {
      :root { \(dark.css) --line: #2b3038; }
      figure img.plain { background: #ffffff; border-radius: 4px; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--fg); font: 17px/1.6 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
    a { color: var(--accent); }
    .layout { display: grid; grid-template-columns: 250px minmax(0, 1fr); max-width: 1200px; margin: 0 auto; }
    nav.sidebar { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto; padding: 24px 16px; font-size: 14px; border-right: 1px solid var(--line); }
    nav.sidebar ul { list-style: none; padding-left: 0; margin: 0; }
    nav.sidebar li { margin: 4px 0; }
    nav.sidebar li.h3 { padding-left: 14px; }
    nav.sidebar a { text-decoration: none; color: var(--fg); }
    nav.sidebar a:hover { color: var(--accent); }
    nav.sidebar .home { display: block; font-weight: 600; margin-bottom: 16px; }
    nav.top { display: none; }
    main { padding: 24px 40px 80px; min-width: 0; }
    header .number { color: var(--muted); margin: 0; font-size: 14px; text-transform: uppercase; letter-spacing: .05em; }
    h1 { font-size: 2em; line-height: 1.2; margin: .2em 0 .3em; }
    h2 { margin-top: 2em; border-bottom: 1px solid var(--line); padding-bottom: .2em; }
    h1 a.anchor, h2 a.anchor, h3 a.anchor, h4 a.anchor { color: inherit; text-decoration: none; }
    .summary { color: var(--muted); font-size: 1.1em; margin-top: 0; }
    .banner { border-radius: 6px; padding: 10px 14px; margin: 12px 0; font-size: 15px; }
    .banner.failed { border: 1px solid var(--bad); color: var(--bad); }
    .banner.warning { border: 1px solid var(--warn); color: var(--warn); }
    .banner ul { margin: 4px 0 0; padding-left: 20px; }
    code { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: .88em; }
    :not(pre) > code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
    pre { overflow-x: auto; margin: 0; padding: 10px 14px; font-size: 14px; line-height: 1.45; }
    pre code { font-size: inherit; }
    /* Nothing in a cell is clipped: each part that can be wide (code, text, tables) scrolls in its own box. */
    .cell { border: 1px solid var(--line); border-radius: 8px; margin: 18px 0; min-width: 0; }
    .cell > :first-child { border-radius: 7px 7px 0 0; }
    .cell > :last-child { border-radius: 0 0 7px 7px; }
    .cell.failed { border-color: var(--bad); }
    .cell-head { display: flex; gap: 12px; align-items: baseline; font-size: 12px; color: var(--muted); background: var(--code-bg); padding: 4px 14px; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
    .cell-head .where { font-family: "DejaVu Sans Mono", ui-monospace, monospace; }
    .cell-head .time { margin-left: auto; }
    .badge { font-weight: 600; }
    .badge.ok { color: var(--ok); } .badge.bad { color: var(--bad); } .badge.skip { color: var(--muted); }
    pre.source { background: var(--code-bg); }
    .outputs { border-top: 1px solid var(--line); background: var(--out-bg); }
    .outputs:empty { display: none; }
    .outputs > :not(figure) { margin: 0; }
    /* Column-aligned output (model.summary()) keeps its columns and scrolls. */
    pre.stdout { white-space: pre; }
    pre.stderr { white-space: pre-wrap; color: var(--bad); }
    .out { display: flex; gap: 8px; padding: 6px 14px; min-width: 0; }
    .out .label { color: var(--muted); font-size: 12px; padding-top: 4px; white-space: nowrap; }
    .out pre { padding: 2px 0; min-width: 0; flex: 1; }
    .check { padding: 6px 14px; font-size: 15px; }
    .check.pass { color: var(--ok); } .check.fail { color: var(--bad); }
    .error { padding: 8px 14px; color: var(--bad); font-weight: 600; }
    figure { margin: 14px; }
    figure img { max-width: 100%; height: auto; display: block; }
    figure picture { display: block; }
    figcaption { font-size: 14px; color: var(--muted); }
    figcaption .note { display: block; color: var(--warn); }
    details.frames { margin-top: 6px; font-size: 14px; }
    details.frames ol { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; padding: 0; }
    details.frames img { max-width: min(260px, 100%); }
    .table-scroll { overflow-x: auto; padding: 8px 14px; }
    table.data { border-collapse: collapse; font-size: 14px; }
    table.data caption { text-align: left; color: var(--muted); font-size: 12px; }
    table.data td, table.data th { border: 1px solid var(--line); padding: 2px 8px; white-space: nowrap; }
    table.data.numeric td { text-align: right; font-variant-numeric: tabular-nums; font-family: "DejaVu Sans Mono", ui-monospace, monospace; }
    pre.log { color: var(--muted); white-space: pre-wrap; }
    .tok-kw, .kw { color: var(--kw); } .ty { color: var(--ty); } .st { color: var(--st); } .nu { color: var(--nu); } .cm { color: var(--cm); font-style: italic; } .fn { color: var(--fn); } .at { color: var(--at); }
    .math-block { overflow-x: auto; overflow-y: hidden; margin: 12px 0; }
    /* A long inline formula scrolls inside the line rather than widening the page. */
    .math-inline { display: inline-block; max-width: 100%; overflow-x: auto; overflow-y: hidden; vertical-align: middle; }
    nav.sidebar strong { display: block; margin: 16px 0 4px; }
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
    .lessons img { width: 140px; height: 100px; object-fit: contain; background: #fff; border-radius: 4px; }
    .lessons .placeholder { width: 140px; height: 100px; display: flex; align-items: center; justify-content: center; color: var(--muted); border: 1px dashed var(--line); border-radius: 4px; font-size: 32px; }
    .lessons h2 { margin: 0; border: 0; font-size: 1.2em; }
    .lessons p { margin: 4px 0; }
    .result.ok { color: var(--ok); } .result.bad { color: var(--bad); }
    @media (max-width: 800px) {
      .layout { grid-template-columns: 1fr; }
      /* On a narrow screen the lesson comes first: the contents follow it, reached from a line of links at the top. */
      nav.sidebar { position: static; max-height: none; border-right: 0; border-top: 1px solid var(--line); order: 2; }
      main { order: 1; }
      nav.top { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 16px; font-size: 14px; margin-bottom: 12px; }
      nav.top a { text-decoration: none; }
      main { padding: 16px; }
      .lessons li { grid-template-columns: 1fr; }
    }
    @media print {
      nav.sidebar, nav.top, .pager { display: none; }
      .layout { display: block; }
      .cell { break-inside: avoid; }
      details { display: block; }
      body { font-size: 12pt; }
    }
    """
}
