/// How much text one cell may put on the page; past it the text is cut once, with a note, so a
/// runaway loop leaves a readable page.
struct OutputBudget: Sendable {
    let bytesPerCell: Int
    private var used: [Int: Int] = [:]
    private var cut: Set<Int> = []

    init(bytesPerCell: Int = 200_000) { self.bytesPerCell = bytesPerCell }

    /// Cell `cell`'s text was cut: it printed more than the page keeps.
    func isCut(_ cell: Int) -> Bool { cut.contains(cell) }

    /// The part of `text` cell `cell` may still show (with the note when cut here), or nil.
    mutating func admit(_ text: String, cell: Int) -> String? {
        if cut.contains(cell) { return nil }
        let room = bytesPerCell - used[cell, default: 0]
        let size = text.utf8.count
        if size <= room {
            used[cell, default: 0] += size
            return text
        }
        cut.insert(cell)
        return String(decoding: Array(text.utf8.prefix(max(room, 0))), as: UTF8.self)
            + "\n[output cut here: the cell printed more than \(bytesPerCell / 1000) kB]\n"
    }
}
