import SwiftParser
import SwiftSyntax

/// An inline value is evaluated where it stands, after the cells above it; in a lesson's program
/// (top-level code) a name declared by a later cell is already in scope there but not yet set,
/// so the compiler accepts it and the page would show a zero, or the program crash. This finds
/// such uses before anything runs: a name the expression uses that a cell below declares and no
/// cell above does.
enum InlineValueOrder {
    /// The names a cell's code declares at top level: `let`/`var` bindings (tuples too),
    /// functions, types.
    static func declaredNames(_ code: String) -> Set<String> {
        var names: Set<String> = []
        func collect(_ pattern: PatternSyntax) {
            if let identifier = pattern.as(IdentifierPatternSyntax.self) { names.insert(identifier.identifier.text) }
            if let tuple = pattern.as(TuplePatternSyntax.self) {
                for element in tuple.elements { collect(element.pattern) }
            }
        }
        for item in Parser.parse(source: code).statements {
            switch item.item {
            case .decl(let decl):
                if let variable = decl.as(VariableDeclSyntax.self) {
                    for binding in variable.bindings { collect(binding.pattern) }
                } else if let function = decl.as(FunctionDeclSyntax.self) {
                    names.insert(function.name.text)
                } else if let type = decl.as(StructDeclSyntax.self) {
                    names.insert(type.name.text)
                } else if let type = decl.as(ClassDeclSyntax.self) {
                    names.insert(type.name.text)
                } else if let type = decl.as(EnumDeclSyntax.self) {
                    names.insert(type.name.text)
                }
            default:
                break
            }
        }
        return names
    }

    /// The plain names an expression refers to (`a.b(c)` uses `a` and `c`, not `b`).
    static func usedNames(_ expression: String) -> Set<String> {
        final class Collector: SyntaxVisitor {
            var names: Set<String> = []
            override func visit(_ node: DeclReferenceExprSyntax) -> SyntaxVisitorContinueKind {
                if node.parent?.as(MemberAccessExprSyntax.self)?.declName.id != node.id {
                    names.insert(node.baseName.text)
                }
                return .visitChildren
            }
        }
        let collector = Collector(viewMode: .sourceAccurate)
        collector.walk(Parser.parse(source: expression))
        return collector.names
    }

    /// Whether `code` may declare `name`: the name is an identifier, and the code holds it as a
    /// whole word (not inside a longer name) where a declaration puts it: after `let`, `var`,
    /// `func`, `struct`, `class` or `enum`, after `,` (a second binding, a tuple pattern's next
    /// name), after `let (` or `var (` (a tuple pattern), or after a backtick. Only such code is
    /// parsed to find out.
    static func mayDeclare(_ code: String, _ name: String) -> Bool {
        func isNamePart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        let keywords: Set<Substring> = ["let", "var", "func", "struct", "class", "enum"]
        /// The word before `index`, white space (and, with `parentheses`, opening ones) skipped.
        func word(before index: String.Index, parentheses: Bool = false) -> (Substring, String.Index) {
            var end = index
            while end > code.startIndex {
                let c = code[code.index(before: end)]
                guard c.isWhitespace || (parentheses && c == "(") else { break }
                end = code.index(before: end)
            }
            var start = end
            while start > code.startIndex, isNamePart(code[code.index(before: start)]) {
                start = code.index(before: start)
            }
            return (code[start..<end], end)
        }
        var rest = code[...]
        while let found = rest.range(of: name) {
            rest = code[found.upperBound...]
            // A whole word: no name character right before or after it.
            if found.upperBound < code.endIndex, isNamePart(code[found.upperBound]) { continue }
            if found.lowerBound > code.startIndex, isNamePart(code[code.index(before: found.lowerBound)]) { continue }
            // What comes before it, white space skipped.
            let (before, end) = word(before: found.lowerBound)
            if keywords.contains(before) { return true }
            guard before.isEmpty, end > code.startIndex else { continue }
            switch code[code.index(before: end)] {
            case ",", "`": return true
            case "(": if ["let", "var"].contains(word(before: end, parentheses: true).0) { return true }
            default: break
            }
        }
        return false
    }

    /// Checks every inline value of `blocks` (prose and cells in document order). A cell's code is
    /// parsed only when it may declare a name an inline value uses (`mayDeclare`).
    static func check(_ blocks: [Block], file: String) throws(LessonError) {
        let cells = blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
        var declared: [Int: Set<String>] = [:]  // by index into `cells`, parsed when first needed
        func declares(_ k: Int, _ name: String) -> Bool {
            guard mayDeclare(cells[k].code, name) else { return false }
            if declared[k] == nil { declared[k] = declaredNames(cells[k].code) }
            return declared[k]!.contains(name)
        }
        var cellsAbove = 0
        for block in blocks {
            switch block {
            case .cell:
                cellsAbove += 1
            case .prose(let prose):
                for value in prose.inlineValues {
                    for name in usedNames(value.expression).sorted() {
                        // Below first: a name is seldom written where a declaration goes below its use.
                        guard let later = (cellsAbove..<cells.count).first(where: { declares($0, name) }),
                            !(0..<cellsAbove).contains(where: { declares($0, name) })
                        else { continue }
                        throw LessonError(
                            file: file, line: value.line,
                            message:
                                "inline value '\(value.expression)' uses '\(name)', which the cell at line \(cells[later].firstLine) below it defines: move the value below that cell"
                        )
                    }
                }
            }
        }
    }
}
