extension Sequential {
    /// Keras' `summary()` table: each layer's name and type, output shape and parameter count,
    /// then the totals. `None` stands for the batch axis.
    public var summaryText: String {
        ensureBuilt()
        let rows = zip(layers, outputShapes).map { layer, shape in
            ("\(layer.name) (\(layer.typeName))",
             "(None, " + shape.map(String.init).joined(separator: ", ") + ")",
             groupedThousands(layer.parameterCount))
        }
        let header = ("Layer (type)", "Output Shape", "Param #")
        let w0 = max(29, (rows.map(\.0.count) + [header.0.count]).max()! + 2)
        let w1 = max(26, (rows.map(\.1.count) + [header.1.count]).max()! + 2)
        let w2 = max(10, (rows.map(\.2.count) + [header.2.count]).max()!)
        func line(_ a: String, _ b: String, _ c: String) -> String {
            pad(a, w0) + pad(b, w1) + String(repeating: " ", count: max(0, w2 - c.count)) + c
        }
        let width = w0 + w1 + w2
        let trainable = parameters.filter(\.trainable).map(\.value.count).reduce(0, +)
        let total = parameterCount
        var text = "Model: \"\(name)\"\n" + String(repeating: "_", count: width) + "\n"
        text += line(header.0, header.1, header.2) + "\n" + String(repeating: "=", count: width) + "\n"
        text += rows.map { line($0.0, $0.1, $0.2) }.joined(separator: "\n" + String(repeating: "_", count: width) + "\n")
        text += "\n" + String(repeating: "=", count: width) + "\n"
        text += "Total params: \(groupedThousands(total)) (\(byteSize(total * 4)))\n"
        text += "Trainable params: \(groupedThousands(trainable)) (\(byteSize(trainable * 4)))\n"
        text += "Non-trainable params: \(groupedThousands(total - trainable)) (\(byteSize((total - trainable) * 4)))\n"
        text += String(repeating: "_", count: width)
        return text
    }

    /// Prints `summaryText`.
    public func summary() { print(summaryText) }
}

private func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(1, width - s.count)) }

/// 225034 -> "225,034"
public func groupedThousands(_ n: Int) -> String {
    let digits = String(Swift.abs(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}

/// Keras' size note: "879.04 KB".
func byteSize(_ bytes: Int) -> String {
    let units = ["B", "KB", "MB", "GB"]
    var value = Double(bytes), unit = 0
    while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
    if unit == 0 { return "\(bytes) B" }
    let rounded = (value * 100).rounded() / 100
    var s = String(rounded)
    if let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) == 2 { s += "0" }
    return "\(s) \(units[unit])"
}
