import SwiftParser
import SwiftSyntax

/// Finds a cell's last expression with swift-syntax, so the runner can show its value as Out[n].
enum LastExpression {
    /// UTF-8 byte range of the last top-level statement when it is an expression whose value is
    /// worth showing: not an assignment, not an `if`/`switch` statement, not a declaration.
    static func range(in code: String) -> Range<Int>? {
        let tree = Parser.parse(source: code)
        guard let last = tree.statements.last, let expr = last.item.as(ExprSyntax.self) else { return nil }
        if isAssignment(expr) || expr.is(IfExprSyntax.self) || expr.is(SwitchExprSyntax.self)
            || expr.is(MacroExpansionExprSyntax.self)
        {
            return nil
        }
        if last.semicolon != nil && last.semicolon?.presence == .present { return nil }
        let start = expr.positionAfterSkippingLeadingTrivia.utf8Offset
        let end = expr.endPositionBeforeTrailingTrivia.utf8Offset
        return start < end ? start..<end : nil
    }

    /// `x = 1`, `x += 1`, `_ = f()`, also under `try`.
    static func isAssignment(_ expr: ExprSyntax) -> Bool {
        if let tryExpr = expr.as(TryExprSyntax.self) { return isAssignment(tryExpr.expression) }
        guard let sequence = expr.as(SequenceExprSyntax.self) else { return false }
        for element in sequence.elements {
            if element.is(AssignmentExprSyntax.self) { return true }
            if let op = element.as(BinaryOperatorExprSyntax.self) {
                let text = op.operator.text
                if text.hasSuffix("=") && !["==", "!=", "<=", ">=", "===", "!=="].contains(text) { return true }
            }
        }
        return false
    }

    /// The code with its last expression wrapped in `displayLast(...)`, on the same lines, so
    /// line numbers do not move.
    static func wrapped(_ code: String) -> String {
        guard let range = range(in: code) else { return code }
        let bytes = Array(code.utf8)
        return String(decoding: bytes[..<range.lowerBound], as: UTF8.self) + "displayLast("
            + String(decoding: bytes[range], as: UTF8.self) + ")"
            + String(decoding: bytes[range.upperBound...], as: UTF8.self)
    }
}
