/// What an author must do about a translation, each said at the translation's line and the
/// English's: `lessons build` and `lessons list` print them, and a test fails on any.
public enum TranslationReport {
    public static func problems(_ match: TranslationMatch, translation: Translation, english: String) -> [LessonError] {
        var problems: [LessonError] = []
        if match.frontIsStale {
            problems.append(
                LessonError(
                    file: translation.displayPath, line: 1,
                    message:
                        "stale: the English title or summary (\(english):1) changed since this was translated; its hash is now \(Translation.front(match.lessonFront))"
                ))
        }
        // An untranslated unit is said where its translation would go: at the next translated piece.
        var nextPiece: [Int] = Array(repeating: (translation.pieces.last?.line ?? 1), count: match.units.count)
        var next = (translation.pieces.last?.line ?? 1)
        for k in match.units.indices.reversed() {
            nextPiece[k] = next
            switch match.units[k].state {
            case .current(let piece), .stale(let piece): next = piece.line
            case .untranslated: break
            }
        }
        for (k, (unit, state)) in match.units.enumerated() {
            switch state {
            case .stale(let piece):
                problems.append(
                    LessonError(
                        file: translation.displayPath, line: piece.line,
                        message:
                            "stale: the English at \(english):\(unit.line) changed since this was translated; translate it again and mark it '<!-- en \(unit.hash)\(unit.kind == .prose ? "" : " " + unit.kind.rawValue) -->'"
                    ))
            case .untranslated where unit.needsTranslation:
                problems.append(
                    LessonError(
                        file: translation.displayPath, line: nextPiece[k],
                        message:
                            "not translated: \(english):\(unit.line) (\(unit.kind == .prose ? "prose" : unit.kind.rawValue), '<!-- en \(unit.hash)\(unit.kind == .prose ? "" : " " + unit.kind.rawValue) -->')"
                    ))
            default: break
            }
        }
        for piece in match.orphans {
            problems.append(
                LessonError(
                    file: translation.displayPath, line: piece.line,
                    message: "translates English that \(english) no longer has: remove it, or translate its replacement"
                ))
        }
        return problems
    }
}
