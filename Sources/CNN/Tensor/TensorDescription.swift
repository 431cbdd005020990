import Foundation

extension Tensor: CustomStringConvertible {
    /// The shape, then the values, nested as NumPy prints them; past 1,000 values each axis shows
    /// only its first and last three entries, with `...` between.
    public var description: String {
        let summarise = count > 1000
        let formatted = scalars.map(Tensor.format)
        let width = formatted.map(\.count).max() ?? 0
        var text = "Tensor \(shape)\n"
        if rank == 0 { return text + (formatted.first ?? "") }
        text += nested(axis: 0, offset: 0, formatted: formatted, width: width, summarise: summarise, indent: 1)
        return text
    }

    private func nested(axis: Int, offset: Int, formatted: [String], width: Int, summarise: Bool, indent: Int) -> String
    {
        let size = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        let shown: [Int?] = summarise && size > 6 ? Array(0..<3) + [nil] + Array((size - 3)..<size) : Array(0..<size)
        if axis == rank - 1 {
            let items = shown.map { i in
                i.map { String(repeating: " ", count: width - formatted[offset + $0].count) + formatted[offset + $0] }
                    ?? "..."
            }
            return "[" + items.joined(separator: ", ") + "]"
        }
        let separator = "," + String(repeating: "\n", count: rank - axis - 1) + String(repeating: " ", count: indent)
        let items = shown.map { i in
            i.map {
                nested(
                    axis: axis + 1, offset: offset + $0 * stride, formatted: formatted, width: width,
                    summarise: summarise, indent: indent + 1)
            } ?? "..."
        }
        return "[" + items.joined(separator: separator) + "]"
    }

    /// Up to four significant decimals; whole numbers without a fraction.
    static func format(_ v: Float) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded() && Swift.abs(v) < 1e7 { return String(Int(v)) }
        let a = Swift.abs(v)
        if a >= 1e-4 && a < 1e6 {
            var s = String(format: "%.4f", v)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s == "-0" ? "0" : s
        }
        return String(format: "%.3e", v)
    }
}
