/// Which translated piece translates which English unit, now that the English may have moved on.
/// Pieces whose hash is a unit's are tied to it (the longest common subsequence of the two
/// orders); between two such ties, the pieces left over translate the units left over, in order
/// and of the same kind: those are stale, translations of an older English. Units with no piece
/// are untranslated; pieces with no unit translate English that is gone.
public struct TranslationMatch: Sendable {
    public enum State: Equatable, Sendable {
        case current(Translation.Piece)
        case stale(Translation.Piece)
        case untranslated
    }
    /// The English units in order, each with its state (units that need no translation are
    /// `.untranslated` and are shown as written).
    public let units: [(unit: SourceUnit, state: State)]
    /// Pieces that translate English the lesson no longer has.
    public let orphans: [Translation.Piece]
    public let frontIsStale: Bool
    /// The English lesson, for the front matter's hash.
    public let lessonFront: Lesson

    public init(lesson: Lesson, translation: Translation) {
        let all = SourceUnits.of(lesson)
        let wanted = all.indices.filter { all[$0].needsTranslation }
        let pieces = translation.pieces
        // LCS of (kind, hash) between wanted units and pieces.
        let n = wanted.count
        let m = pieces.count
        var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        func same(_ i: Int, _ j: Int) -> Bool {
            all[wanted[i]].kind == pieces[j].kind && all[wanted[i]].hash == pieces[j].hash
        }
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i][j] = same(i, j) ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
        }
        var states = [State](repeating: .untranslated, count: all.count)
        var orphans: [Translation.Piece] = []
        var gapUnits: [Int] = []  // indices into wanted
        var gapPieces: [Int] = []
        func closeGap() {
            var left = gapPieces
            for u in gapUnits {
                if let k = left.firstIndex(where: { pieces[$0].kind == all[wanted[u]].kind }) {
                    states[wanted[u]] = .stale(pieces[left[k]])
                    left.remove(at: k)
                }
            }
            orphans += left.map { pieces[$0] }
            gapUnits = []
            gapPieces = []
        }
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n && j < m && same(i, j) && table[i][j] == table[i + 1][j + 1] + 1 {
                closeGap()
                states[wanted[i]] = .current(pieces[j])
                i += 1
                j += 1
            } else if j < m && (i == n || table[i][j + 1] >= table[i + 1][j]) {
                gapPieces.append(j)
                j += 1
            } else {
                gapUnits.append(i)
                i += 1
            }
        }
        closeGap()
        self.units = zip(all, states).map { ($0, $1) }
        self.orphans = orphans
        self.frontIsStale = translation.frontHash != Translation.front(lesson)
        self.lessonFront = lesson
    }

    public var staleCount: Int { units.filter { if case .stale = $0.state { true } else { false } }.count }
    public var untranslatedCount: Int {
        units.filter { $0.unit.needsTranslation && $0.state == .untranslated }.count
    }
}
