extension Model {
    /// Keras' `summary()` table: each layer's name and type, output shape and parameter count,
    /// then the totals. `None` stands for the batch axis. A functional model's table starts with
    /// its input and adds Keras' "Connected to" column: the layer and call each input comes from,
    /// `conv2d[0][0]` (a layer called twice has calls [0] and [1]), one per line.
    public var summaryText: String {
        ensureBuilt()
        let graph = self.graph
        typealias Row = (String, String, String, [String])
        var rows: [Row]
        if showsConnections {
            // Each slot's source as Keras writes it: the layer, the index of the call, tensor 0.
            var callCounts: [ObjectIdentifier: Int] = [:]
            var sources = ["\(graph.inputName)[0][0]"]
            for node in graph.nodes {
                let call = callCounts[ObjectIdentifier(node.layer), default: 0]
                callCounts[ObjectIdentifier(node.layer)] = call + 1
                sources.append("\(node.layer.name)[\(call)][0]")
            }
            rows = [("\(graph.inputName) (InputLayer)", kerasShape(graph.inputShape), "0", ["-"])]
            for layer in graph.layers {
                let calls = graph.nodes.filter { $0.layer === layer }
                rows.append(
                    (
                        "\(layer.name) (\(layer.typeName))", kerasShape(calls[0].outputShape),
                        groupedThousands(layer.parameterCount),
                        calls.flatMap { $0.inputs.map { sources[$0] } }
                    ))
            }
        } else {
            rows = graph.nodes.map { node in
                (
                    "\(node.layer.name) (\(node.layer.typeName))", kerasShape(node.outputShape),
                    groupedThousands(node.layer.parameterCount), []
                )
            }
        }
        let header: Row = ("Layer (type)", "Output Shape", "Param #", ["Connected to"])
        let w0 = max(29, (rows.map(\.0.count) + [header.0.count]).max()! + 2)
        let w1 = max(26, (rows.map(\.1.count) + [header.1.count]).max()! + 2)
        let w2 = max(10, (rows.map(\.2.count) + [header.2.count]).max()!)
        let w3 = showsConnections ? max(20, (rows.flatMap(\.3) + header.3).map(\.count).max()!) + 2 : 0
        func line(_ a: String, _ b: String, _ c: String, _ d: String?) -> String {
            let base = pad(a, w0) + pad(b, w1) + String(repeating: " ", count: max(0, w2 - c.count)) + c
            guard let d else { return base }
            return base + "  " + d
        }
        func block(_ row: Row) -> String {
            guard showsConnections else { return line(row.0, row.1, row.2, nil) }
            let first = line(row.0, row.1, row.2, row.3.first ?? "")
            let more = row.3.dropFirst().map { String(repeating: " ", count: w0 + w1 + w2) + "  " + $0 }
            return ([first] + more).joined(separator: "\n")
        }
        let width = w0 + w1 + w2 + (showsConnections ? w3 : 0)
        let trainable = parameters.filter(\.trainable).map(\.value.count).reduce(0, +)
        let total = parameterCount
        var text = "Model: \"\(name)\"\n" + String(repeating: "_", count: width) + "\n"
        text += block(header) + "\n" + String(repeating: "=", count: width) + "\n"
        text += rows.map(block).joined(separator: "\n" + String(repeating: "_", count: width) + "\n")
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
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if unit == 0 { return "\(bytes) B" }
    let rounded = (value * 100).rounded() / 100
    var s = String(rounded)
    if let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) == 2 { s += "0" }
    return "\(s) \(units[unit])"
}
