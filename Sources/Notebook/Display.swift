import CNN
import Figures
import Foundation
import LessonWire

/// Shows a value under the cell, as Jupyter's Out[n]: tensors as a table of values (or a
/// heatmap when large), models as their summary, an Optional as its value or "nil", anything
/// else as its description.
public func display<T>(_ value: T) {
    switch value {
    case let tensor as Tensor: displayTensor(tensor)
    case let model as Model: Channel.send(.display(text: model.summaryText))
    case let history as History: displayHistory(history)
    default:
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            // `as Any` keeps the wrapped value's dynamic type, so an Optional tensor is a tensor.
            if let wrapped = mirror.children.first?.value {
                display(wrapped)
            } else {
                Channel.send(.display(text: "nil"))
            }
        } else {
            Channel.send(.display(text: String(describing: value)))
        }
    }
}

/// The runner wraps a cell's last expression in this; Void results show nothing.
public func displayLast<T>(_ value: T) { display(value) }
public func displayLast(_ value: Void) {}

func displayTensor(_ t: Tensor) {
    let matrix: (rows: Int, columns: Int)? = {
        switch t.rank {
        case 0: return nil
        case 1: return (1, t.shape[0])
        case 2: return (t.shape[0], t.shape[1])
        case 3 where t.shape[2] == 1: return (t.shape[0], t.shape[1])
        case 4 where t.shape[0] == 1 && t.shape[3] == 1: return (t.shape[1], t.shape[2])
        default: return nil
        }
    }()
    if let (rows, columns) = matrix, rows * columns <= 400, columns <= 28 {
        let body = (0..<rows).map { r in (0..<columns).map { c in Tensor.formatValue(t.scalars[r * columns + c]) } }
        Channel.send(.table(TableOutput(caption: "Tensor \(t.shape)", rows: body, numeric: true)))
    } else if let (rows, columns) = matrix, rows <= 400, columns <= 400 {
        Channel.send(
            .display(
                text:
                    "Tensor \(t.shape), min \(Tensor.formatValue(t.min())), max \(Tensor.formatValue(t.max())), mean \(Tensor.formatValue(t.mean()))"
            ))
        show(
            Heatmap(t.reshaped([rows, columns]), showValues: false), caption: "Tensor \(t.shape) as a heatmap",
            alt: "Heatmap of a \(rows) by \(columns) tensor")
    } else {
        Channel.send(.display(text: t.description))
    }
}

func displayHistory(_ h: History) {
    let names = h.metrics.keys.sorted { a, b in
        let order = ["loss", "accuracy", "val_loss", "val_accuracy"]
        return (order.firstIndex(of: a) ?? 9, a) < (order.firstIndex(of: b) ?? 9, b)
    }
    let rows = h.epochs.indices.map { i in
        ["\(h.epochs[i] + 1)"] + names.map { Tensor.formatValue(h.metrics[$0]![i]) } + [
            String(format: "%.1f s", h.epochSeconds[i])
        ]
    }
    Channel.send(
        .table(TableOutput(caption: "History", header: ["epoch"] + names + ["time"], rows: rows, numeric: true)))
}

/// A table under the cell: a header row and rows of cells (shown HTML-escaped). Floats are
/// printed as tensors print them; an Optional cell shows its value or "nil".
public func table(_ rows: [[Any]], header: [String]? = nil, caption: String? = nil) {
    Channel.send(.table(TableOutput(caption: caption, header: header, rows: rows.map { $0.map(tableCell) })))
}

func tableCell(_ cell: Any) -> String {
    if let f = cell as? Float { return Tensor.formatValue(f) }
    if let d = cell as? Double { return Tensor.formatValue(Float(d)) }
    let mirror = Mirror(reflecting: cell)
    if mirror.displayStyle == .optional { return mirror.children.first.map { tableCell($0.value) } ?? "nil" }
    return String(describing: cell)
}

extension Tensor {
    /// Up to four significant decimals, as the tensor description prints values.
    public static func formatValue(_ v: Float) -> String {
        String(describing: Tensor(scalar: v)).split(separator: "\n").last.map(String.init) ?? "\(v)"
    }
}

extension NotebookRuntime {
    /// The value of the prose's inline value `index` (`` `{swift} expr` ``): a String as it is,
    /// an Optional as its value or "nil", anything else as `String(describing:)`. The runner
    /// wraps each inline expression in this, in document order.
    public static func inlineValue<T>(_ index: Int, _ value: () throws -> T) rethrows {
        Channel.send(.inlineValue(index: index, text: inlineText(try value())))
    }

    static func inlineText(_ value: Any) -> String {
        if let text = value as? String { return text }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional { return mirror.children.first.map { inlineText($0.value) } ?? "nil" }
        return String(describing: value)
    }
}
