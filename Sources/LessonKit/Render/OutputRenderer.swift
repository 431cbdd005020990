import LessonWire

/// One cell output -> HTML, everything it shows escaped. A new kind of cell output is one new
/// case here. A figure gets the number the page gave it; the first is the contents page's thumbnail.
struct OutputRenderer {
    let displayPath: String
    let words: Words
    private(set) var figureNumber = 0
    private(set) var thumbnail: String?
    private(set) var warnings: [LessonError] = []

    init(displayPath: String, words: Words = .english) {
        self.displayPath = displayPath
        self.words = words
    }

    /// `figure` is the number a figure output gets.
    mutating func html(_ output: CellOutput, in cell: Cell, figure number: Int) -> String {
        switch output {
        case .text(let t): return "<pre class=\"stdout\">\(CodeLines.wrap(HTML.escape(t)))</pre>"
        case .errorText(let t): return "<pre class=\"stderr\">\(CodeLines.wrap(HTML.escape(t)))</pre>"
        case .display(let t):
            return
                "<div class=\"out\"><span class=\"label\">Out[\(cell.number)]</span><pre>\(CodeLines.wrap(HTML.escape(t)))</pre></div>"
        case .check(let passed, let claim, _, _):
            return
                "<p class=\"check \(passed ? "pass" : "fail")\">\(passed ? words(.checked) : words(.checkFailed))\(words(.colon))\(HTML.escape(claim))</p>"
        case .inlineValue: return ""
        case .progress(let lines):
            return "<pre class=\"log\">\(CodeLines.wrap(HTML.escape(lines.joined(separator: "\n"))))</pre>"
        case .table(let t): return table(t)
        case .figure(let f): return figure(f, number: number, in: cell)
        }
    }

    /// A table scrolls sideways in its own box on a narrow screen.
    func table(_ t: TableOutput) -> String {
        var html = "<div class=\"table-scroll\"><table class=\"data\(t.numeric ? " numeric" : "")\">"
        if let caption = t.caption { html += "<caption>\(HTML.escape(caption))</caption>" }
        if let header = t.header {
            html += "<thead><tr>" + header.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead>"
        }
        // A number is right-aligned in any table, so its digits line up by place.
        html +=
            "<tbody>"
            + t.rows.map {
                "<tr>"
                    + $0.map { "<td\(Numbering.isNumber($0) ? " class=\"num\"" : "")>\(HTML.escape($0))</td>" }.joined()
                    + "</tr>"
            }.joined() + "</tbody></table></div>"
        return html
    }

    /// The screens that get a plot's phone variant: a column this narrow would show the page's
    /// 640 px picture at about half size (a 390 px phone's column is about 330 px).
    static let phoneMedia = "(max-width: 540px)"

    /// A figure: the picture (a light and a dark one, and, for readers who ask for reduced
    /// motion, an animation's first step chosen by the browser, or on a narrow screen a plot's
    /// phone variant), an animation's steps, then the caption. The light and dark pictures are
    /// both in the page and the stylesheet shows one: a browser keeps the picture it chose for
    /// the screen when it prints, so a `<source>` chosen by colour scheme would print a dark
    /// reader's figures dark. The hidden one is never loaded (`loading="lazy"`).
    mutating func figure(_ f: FigureOutput, number figureNumber: Int, in cell: Cell) -> String {
        if thumbnail == nil { thumbnail = f.file }
        if (f.alt ?? "").isEmpty {
            warnings.append(
                LessonError(
                    file: displayPath, line: cell.firstLine,
                    message:
                        "figure \(figureNumber) (cell \(cell.number)) has no alt text: pass alt: to show() or add '//| fig-alt:'",
                    cell: cell.number))
        }
        let alt = f.alt ?? f.caption ?? words(.figure, "\(figureNumber)")
        let size = "width=\"\(f.width)\" height=\"\(f.height)\""
        func image(
            _ file: String, alt: String, still: String?, phone: String? = nil, phoneStill: String? = nil, theme: String?
        ) -> String {
            let img = "<img src=\"\(HTML.escape(file))\" alt=\"\(alt)\" \(size) loading=\"lazy\""
            // The first source whose media matches wins: a phone's still, any still, a phone's picture.
            func source(_ file: String?, _ media: String) -> String {
                file.map { "<source srcset=\"\(HTML.escape($0))\" media=\"\(media)\">" } ?? ""
            }
            let sources =
                (still == nil ? "" : source(phoneStill, "(prefers-reduced-motion: reduce) and \(Self.phoneMedia)"))
                + source(still, "(prefers-reduced-motion: reduce)") + source(phone, Self.phoneMedia)
            guard let theme else {
                return sources.isEmpty
                    ? img + " class=\"plain\">" : "<picture>\(sources)\(img) class=\"plain\"></picture>"
            }
            return "<picture class=\"\(theme)\">\(sources)\(img)></picture>"
        }
        var html = "<figure id=\"figure-\(figureNumber)\">"
        if let darkFile = f.darkFile {
            html += image(
                f.file, alt: HTML.escape(alt), still: f.frames.first, phone: f.phoneFile,
                phoneStill: f.phoneFrames.first, theme: "light")
            html += image(
                darkFile, alt: HTML.escape(alt), still: f.darkFrames.first ?? f.frames.first,
                phone: f.phoneDarkFile ?? f.phoneFile, phoneStill: f.phoneDarkFrames.first ?? f.phoneFrames.first,
                theme: "dark")
        } else {
            html += image(
                f.file, alt: HTML.escape(alt), still: f.frames.first, phone: f.phoneFile,
                phoneStill: f.phoneFrames.first, theme: nil)
        }
        if !f.frames.isEmpty {
            // An animation's steps as stills, for readers who step through rather than watch; a
            // grid of them, two a row on a wide screen, each as wide as its digits need.
            html += "<details class=\"frames\"><summary>\(words(.stepThrough, "\(f.frames.count)"))</summary><ol>"
            for (i, frame) in f.frames.enumerated() {
                let stepAlt = words(.stepOf, HTML.escape(alt), "\(i + 1)", "\(f.frames.count)")
                let phone = i < f.phoneFrames.count ? f.phoneFrames[i] : nil
                if i < f.darkFrames.count {
                    let phoneDark = i < f.phoneDarkFrames.count ? f.phoneDarkFrames[i] : phone
                    html +=
                        "<li>" + image(frame, alt: stepAlt, still: nil, phone: phone, theme: "light")
                        + image(f.darkFrames[i], alt: stepAlt, still: nil, phone: phoneDark, theme: "dark")
                        + words(.step, "\(i + 1)") + "</li>"
                } else {
                    html +=
                        "<li>" + image(frame, alt: stepAlt, still: nil, phone: phone, theme: nil)
                        + words(.step, "\(i + 1)")
                        + "</li>"
                }
            }
            html += "</ol></details>"
        }
        html += "<figcaption><strong>\(words(.figure, "\(figureNumber)")).</strong> \(HTML.escape(f.caption ?? ""))"
        for note in f.notes { html += "<span class=\"note\">\(HTML.escape(note))</span>" }
        // A phone shrinks a plot's lettering below reading size: the picture at its own size is one tap away.
        html += " <a class=\"full-size\" href=\"\(HTML.escape(f.file))\">\(words(.openFullSize))</a>"
        return html + "</figcaption></figure>"
    }
}
