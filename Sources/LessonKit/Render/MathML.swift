/// TeX math (the subset lessons use) -> MathML, at build time, so pages need no JavaScript.
/// An unknown command is an error naming it, so an author sees it rather than a broken formula.
public struct MathML {
    public struct Failure: Error, Equatable { public let message: String }

    /// `display` gives a block formula (`$$...$$`), otherwise inline (`$...$`).
    public static func render(_ tex: String, display: Bool) throws -> String {
        var parser = MathML(tokens: Array(tex), display: display)
        let body = try parser.sequence(until: nil)
        return
            "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"\(display ? " display=\"block\"" : "")><mrow>\(body)</mrow></math>"
    }

    var tokens: [Character]
    var i = 0
    /// Block formulas put the limits of \\sum, \\prod, \\max and \\min above and below, as TeX does.
    var display = false

    init(tokens: [Character], display: Bool = false) {
        self.tokens = tokens
        self.display = display
    }

    static let largeOperators = ["<mo>∑</mo>": "∑", "<mo>∏</mo>": "∏"]
    static let limitFunctions = ["max", "min", "argmax", "argmin", "lim", "sup", "inf"]
    /// \\big, \\Big, \\bigg, \\Bigg as TeX sizes them (in em of the surrounding text).
    static let delimiterSizes = ["big": "1.2em", "Big": "1.623em", "bigg": "2.047em", "Bigg": "2.470em"]

    static let symbols: [String: (String, String)] = [  // command: (element, text)
        "alpha": ("mi", "α"), "beta": ("mi", "β"), "gamma": ("mi", "γ"), "delta": ("mi", "δ"), "epsilon": ("mi", "ε"),
        "varepsilon": ("mi", "ε"),
        "zeta": ("mi", "ζ"), "eta": ("mi", "η"), "theta": ("mi", "θ"), "lambda": ("mi", "λ"), "mu": ("mi", "μ"),
        "nu": ("mi", "ν"),
        "xi": ("mi", "ξ"), "pi": ("mi", "π"), "rho": ("mi", "ρ"), "sigma": ("mi", "σ"), "tau": ("mi", "τ"),
        "phi": ("mi", "φ"),
        "varphi": ("mi", "φ"), "chi": ("mi", "χ"), "psi": ("mi", "ψ"), "omega": ("mi", "ω"), "Gamma": ("mi", "Γ"),
        "Delta": ("mi", "Δ"),
        "Theta": ("mi", "Θ"), "Lambda": ("mi", "Λ"), "Sigma": ("mi", "Σ"), "Phi": ("mi", "Φ"), "Omega": ("mi", "Ω"),
        "ell": ("mi", "ℓ"),
        "partial": ("mo", "∂"), "nabla": ("mo", "∇"), "infty": ("mi", "∞"), "cdot": ("mo", "·"), "times": ("mo", "×"),
        "div": ("mo", "÷"),
        "le": ("mo", "≤"), "leq": ("mo", "≤"), "ge": ("mo", "≥"), "geq": ("mo", "≥"), "ne": ("mo", "≠"),
        "neq": ("mo", "≠"),
        "approx": ("mo", "≈"), "sim": ("mo", "∼"), "propto": ("mo", "∝"), "in": ("mo", "∈"), "notin": ("mo", "∉"),
        "to": ("mo", "→"),
        "rightarrow": ("mo", "→"), "leftarrow": ("mo", "←"), "gets": ("mo", "←"), "Rightarrow": ("mo", "⇒"),
        "mapsto": ("mo", "↦"),
        "lfloor": ("mo", "⌊"), "rfloor": ("mo", "⌋"), "lceil": ("mo", "⌈"), "rceil": ("mo", "⌉"), "ldots": ("mo", "…"),
        "cdots": ("mo", "⋯"),
        "dots": ("mo", "…"), "pm": ("mo", "±"), "odot": ("mo", "⊙"), "circ": ("mo", "∘"), "mid": ("mo", "|"),
        "lVert": ("mo", "‖"),
        "rVert": ("mo", "‖"), "|": ("mo", "‖"), "{": ("mo", "{"), "}": ("mo", "}"), "top": ("mi", "⊤"),
        "forall": ("mo", "∀"),
        "exists": ("mo", "∃"), "sum": ("mo", "∑"), "prod": ("mo", "∏"), "int": ("mo", "∫"), "langle": ("mo", "⟨"),
        "rangle": ("mo", "⟩"),
        "max": ("mi", "max"), "min": ("mi", "min"), "log": ("mi", "log"), "ln": ("mi", "ln"), "exp": ("mi", "exp"),
        "sin": ("mi", "sin"),
        "cos": ("mi", "cos"), "tanh": ("mi", "tanh"), "arg": ("mi", "arg"), "argmax": ("mi", "argmax"),
        "argmin": ("mi", "argmin"), "lim": ("mi", "lim"), "sup": ("mi", "sup"), "inf": ("mi", "inf"),
        "sgn": ("mi", "sgn"),
        "prime": ("mo", "′"), "star": ("mo", "⋆"), "ast": ("mo", "∗"), "quad": ("mspace", "1em"),
        "qquad": ("mspace", "2em"),
        ",": ("mspace", "0.17em"), ";": ("mspace", "0.28em"), " ": ("mspace", "0.25em"), "!": ("mspace", "0em"),
    ]

    static func escape(_ s: String) -> String { HTML.escape(s) }

    /// Brackets and bars: they keep their size unless \\left, \\right or \\big asks for another
    /// (a maths font would otherwise stretch a plain "(" to the height of a fraction beside it).
    /// An operator as written; a fence does not stretch (a bracket around a fraction would), and
    /// the bars of |x| and ‖x‖ take no space inside them: in the middle of a row the browser reads
    /// a bar as an infix operator (as in a | b) and spaces it so, which sets "| ŷ − y|".
    static func mo(_ text: String) -> String {
        guard fences.contains(text) else { return "<mo>\(escape(text))</mo>" }
        let bar = text == "|" || text == "‖"
        return "<mo stretchy=\"false\"\(bar ? " lspace=\"0\" rspace=\"0\"" : "")>\(escape(text))</mo>"
    }

    static let fences: Set<String> = ["(", ")", "[", "]", "|", "{", "}", "⌊", "⌋", "⌈", "⌉", "⟨", "⟩", "‖"]
    /// What ends an operand, so a minus after it subtracts.
    static let closers = [")", "]", "|", "}", "⌋", "⌉", "⟩", "‖", "′"]

    mutating func sequence(until closer: Character?) throws -> String {
        var out = ""
        // Whether the last item was an operand (or a closing bracket): a minus after one is
        // subtraction, anywhere else a sign, spaced as one ("= −8", "(−2)", "e^{−z}").
        var afterOperand = false
        while true {
            skipSpaces()
            guard i < tokens.count else { break }
            if let closer, tokens[i] == closer {
                i += 1
                return out
            }
            if tokens[i] == "}" { throw Failure(message: "unbalanced '}' in math") }
            let isMinus = tokens[i] == "-"
            var item = try scripted()
            if isMinus && !afterOperand, let sign = item.range(of: "<mo>−</mo>") {
                item.replaceSubrange(sign, with: "<mo form=\"prefix\">−</mo>")
            }
            if !item.hasPrefix("<mspace") {
                afterOperand =
                    !(item.hasPrefix("<mo>") || item.hasPrefix("<mo "))
                    || MathML.closers.contains { item.hasSuffix(">\($0)</mo>") }
            }
            out += item
        }
        if closer != nil { throw Failure(message: "math group opened with '{' is never closed") }
        return out
    }

    /// An atom with optional subscript and superscript.
    mutating func scripted() throws -> String {
        var base = try atom()
        var sub: String?
        var sup: String?
        var primes = ""
        while i < tokens.count, tokens[i] == "_" || tokens[i] == "^" || tokens[i] == "'" {
            let op = tokens[i]
            i += 1
            if op == "'" {
                primes += "′"
                continue
            }
            let script = try atom()
            if op == "_" { sub = script } else { sup = script }
        }
        if base.isEmpty { base = "<mrow></mrow>" }
        // The prime glyph is already raised and sized: as a script it would shrink to a tick.
        if !primes.isEmpty {
            let prime = "<mo lspace=\"0\" rspace=\"0\">\(primes)</mo>"
            if sub == nil && sup == nil { return "<mrow>\(base)\(prime)</mrow>" }
            sup = prime + (sup ?? "")
        }
        if display, sub != nil || sup != nil {
            var limitBase: String?
            if let op = MathML.largeOperators[base] {
                limitBase = "<mo largeop=\"true\" movablelimits=\"false\">\(op)</mo>"
            }
            if MathML.limitFunctions.contains(where: { base.hasPrefix("<mrow><mi mathvariant=\"normal\">\($0)</mi>") })
            {
                limitBase = base.replacingOccurrences(of: "<mspace width=\"0.17em\"/>", with: "")
            }
            if let limitBase {
                switch (sub, sup) {
                case (let s?, let p?):
                    return
                        "<munderover>\(limitBase)<mrow>\(s)</mrow><mrow>\(p)</mrow></munderover><mspace width=\"0.17em\"/>"
                case (let s?, nil): return "<munder>\(limitBase)<mrow>\(s)</mrow></munder><mspace width=\"0.17em\"/>"
                case (nil, let p?): return "<mover>\(limitBase)<mrow>\(p)</mrow></mover><mspace width=\"0.17em\"/>"
                default: break
                }
            }
        }
        switch (sub, sup) {
        case (let s?, let p?): return "<msubsup>\(base)<mrow>\(s)</mrow><mrow>\(p)</mrow></msubsup>"
        case (let s?, nil): return "<msub>\(base)<mrow>\(s)</mrow></msub>"
        case (nil, let p?): return "<msup>\(base)<mrow>\(p)</mrow></msup>"
        default: return base
        }
    }

    mutating func group() throws -> String {
        skipSpaces()
        guard i < tokens.count else { throw Failure(message: "math ends where an argument was expected") }
        if tokens[i] == "{" {
            i += 1
            return "<mrow>\(try sequence(until: "}"))</mrow>"
        }
        return try atom()
    }

    mutating func rawGroup() throws -> String {
        skipSpaces()
        guard i < tokens.count, tokens[i] == "{" else { throw Failure(message: "expected '{' in math") }
        i += 1
        var depth = 1
        var text = ""
        while i < tokens.count {
            let c = tokens[i]
            i += 1
            if c == "{" {
                depth += 1
            } else if c == "}" {
                depth -= 1
                if depth == 0 { return text }
            }
            text.append(c)
        }
        throw Failure(message: "math group opened with '{' is never closed")
    }

    mutating func skipSpaces() { while i < tokens.count, tokens[i] == " " || tokens[i] == "\n" { i += 1 } }

    mutating func atom() throws -> String {
        skipSpaces()
        guard i < tokens.count else { return "" }
        let c = tokens[i]
        if c == "{" {
            i += 1
            return "<mrow>\(try sequence(until: "}"))</mrow>"
        }
        if c == "\\" { return try command() }
        if c.isNumber || (c == "." && i + 1 < tokens.count && tokens[i + 1].isNumber) {
            var number = ""
            while i < tokens.count,
                tokens[i].isNumber || (tokens[i] == "." && i + 1 < tokens.count && tokens[i + 1].isNumber)
            {
                number.append(tokens[i])
                i += 1
            }
            return "<mn>\(number)</mn>"
        }
        i += 1
        if c.isLetter { return "<mi>\(MathML.escape(String(c)))</mi>" }
        let mapped: [Character: String] = ["-": "−", "*": "∗"]
        let text = mapped[c] ?? String(c)
        return MathML.mo(text)
    }

    /// `cases`, `matrix`, `pmatrix`, `bmatrix`: rows split by `\\`, cells by `&`, each cell its own formula.
    mutating func environment(_ name: String) throws -> String {
        let end = Array("\\end{\(name)}")
        var body: [Character] = []
        while i < tokens.count {
            if tokens[i] == "\\", i + end.count <= tokens.count, Array(tokens[i..<(i + end.count)]) == end {
                i += end.count
                break
            }
            body.append(tokens[i])
            i += 1
            if i == tokens.count { throw Failure(message: "\\begin{\(name)} is never ended") }
        }
        var depth = 0
        var cell = ""
        var row: [String] = []
        var rows: [[String]] = []
        var k = 0
        while k < body.count {
            let c = body[k]
            if c == "{" { depth += 1 } else if c == "}" { depth -= 1 }
            if depth == 0 && c == "&" {
                row.append(cell)
                cell = ""
                k += 1
                continue
            }
            if depth == 0 && c == "\\" && k + 1 < body.count && body[k + 1] == "\\" {
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
                k += 2
                continue
            }
            cell.append(c)
            k += 1
        }
        row.append(cell)
        rows.append(row)
        rows = rows.filter { !($0.count == 1 && $0[0].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty) }
        var table = "<mtable columnalign=\"left\">"
        for r in rows {
            table +=
                "<mtr>"
                + (try r.map { c -> String in
                    var p = MathML(tokens: Array(c), display: display)
                    return "<mtd><mrow>\(try p.sequence(until: nil))</mrow></mtd>"
                }.joined()) + "</mtr>"
        }
        table += "</mtable>"
        switch name {
        case "cases": return "<mrow><mo stretchy=\"true\">{</mo>\(table)</mrow>"
        case "pmatrix": return "<mrow><mo>(</mo>\(table)<mo>)</mo></mrow>"
        case "bmatrix": return "<mrow><mo>[</mo>\(table)<mo>]</mo></mrow>"
        case "matrix", "aligned": return table
        default: throw Failure(message: "unknown TeX environment \(name)")
        }
    }

    mutating func command() throws -> String {
        i += 1  // backslash
        var name = ""
        if i < tokens.count, !tokens[i].isLetter {
            name = String(tokens[i])
            i += 1
        } else {
            while i < tokens.count, tokens[i].isLetter {
                name.append(tokens[i])
                i += 1
            }
        }
        switch name {
        case "frac", "dfrac", "tfrac": return "<mfrac>\(try group())\(try group())</mfrac>"
        case "sqrt":
            skipSpaces()
            if i < tokens.count, tokens[i] == "[" {
                i += 1
                let index = try sequence(until: "]")
                return "<mroot>\(try group())<mrow>\(index)</mrow></mroot>"
            }
            return "<msqrt>\(try group())</msqrt>"
        case "mathbb":
            let letters: [Character: String] = ["R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼"]
            let raw = try rawGroup()
            return "<mi mathvariant=\"normal\">\(MathML.escape(raw.map { letters[$0] ?? String($0) }.joined()))</mi>"
        case "begin":
            return try environment(try rawGroup())
        case "text", "mbox", "textrm": return "<mtext>\(MathML.escape(try rawGroup()))</mtext>"
        case "mathrm", "operatorname": return "<mi mathvariant=\"normal\">\(MathML.escape(try rawGroup()))</mi>"
        case "mathbf", "boldsymbol": return "<mi mathvariant=\"bold\">\(MathML.escape(try rawGroup()))</mi>"
        case "mathit": return "<mi>\(MathML.escape(try rawGroup()))</mi>"
        case "hat", "widehat": return "<mover accent=\"true\">\(try group())<mo>^</mo></mover>"
        case "bar", "overline": return "<mover accent=\"true\">\(try group())<mo>¯</mo></mover>"
        case "tilde": return "<mover accent=\"true\">\(try group())<mo>~</mo></mover>"
        case "vec": return "<mover accent=\"true\">\(try group())<mo>→</mo></mover>"
        case "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl",
            "Biggr":
            skipSpaces()
            guard i < tokens.count else { return "" }
            if tokens[i] == "." {
                i += 1
                return ""
            }
            // \\left and \\right grow with what they enclose; \\big and its kin have fixed TeX sizes.
            let size = MathML.delimiterSizes[
                name.hasSuffix("l") || name.hasSuffix("r") ? String(name.dropLast()) : name]
            let attributes =
                size.map { "stretchy=\"true\" symmetric=\"true\" minsize=\"\($0)\" maxsize=\"\($0)\"" }
                ?? "stretchy=\"true\""
            if tokens[i] == "\\" {
                return try command().replacingOccurrences(
                    of: #"<mo stretchy="false"[^>]*>"#, with: "<mo>", options: .regularExpression
                ).replacingOccurrences(of: "<mo>", with: "<mo \(attributes)>")
            }
            let d = tokens[i]
            i += 1
            return "<mo \(attributes)>\(MathML.escape(String(d)))</mo>"
        default:
            guard let (element, text) = MathML.symbols[name] else {
                throw Failure(message: "unknown TeX command \\\(name)")
            }
            if element == "mspace" { return "<mspace width=\"\(text)\"/>" }
            // A function name is one base (so \\tanh^2 and \\tanh' script the whole name), then a thin space.
            if element == "mi" && text.count > 1 {
                return "<mrow><mi mathvariant=\"normal\">\(text)</mi><mspace width=\"0.17em\"/></mrow>"
            }
            if element == "mo" && MathML.fences.contains(text) { return MathML.mo(text) }
            return "<\(element)>\(MathML.escape(text))</\(element)>"
        }
    }
}
