/// The translation file `lessons translate` writes: every piece the English has, in its order.
/// Pieces already translated keep their text and marker (a stale one keeps its old hash, so it
/// stays stale until someone translates it again); an untranslated unit gets its marker and the
/// English to translate in its place. Pieces whose English is gone are left out.
public enum TranslationSkeleton {
    public static func text(for lesson: Lesson, existing: Translation?) -> String {
        let match = existing.map { TranslationMatch(lesson: lesson, translation: $0) }
        let frontCurrent = match.map { !$0.frontIsStale } ?? false
        var out = "---\n"
        out += "title: \(existing?.title ?? lesson.title)\n"
        out += "summary: \(existing?.summary ?? lesson.summary)\n"
        out += "en: \(frontCurrent ? existing!.frontHash : (existing?.frontHash ?? Translation.front(lesson)))\n"
        out += "---\n"
        let units = match?.units ?? SourceUnits.of(lesson).map { ($0, TranslationMatch.State.untranslated) }
        for (unit, state) in units where unit.needsTranslation {
            let kind = unit.kind == .prose ? "" : " " + unit.kind.rawValue
            switch state {
            case .current(let piece), .stale(let piece):
                out += "\n<!-- en \(piece.hash)\(kind) -->\n\(piece.text)\n"
            case .untranslated:
                out += "\n<!-- en \(unit.hash)\(kind) -->\n\(unit.text)\n"
            }
        }
        return out
    }
}
