import Foundation

/// The safetensors format (as the `safetensors` library for PyTorch and NumPy reads it): an
/// 8-byte little-endian header length, a JSON header mapping each name to its dtype, shape and
/// byte range, then the raw little-endian values. Only float32 ("F32") tensors are written or read.
public enum Safetensors {
    /// Writes named tensors, with optional string metadata, in name order.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] =
                ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + t.count * 4]] as [String: Any]
            offset += t.count * 4
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            tensors[name]!.scalars.withUnsafeBufferPointer { values in
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            }
        }
        // Atomic: a crash mid-write never leaves a half-written weights file.
        try data.write(to: url, options: .atomic)
    }

    /// Reads every tensor and the metadata; a file that is not valid safetensors is a `DataError`.
    public static func read(_ url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DataError(file: file, fault: "cannot be read") }
        return try decode(data, file: file)
    }

    /// Decodes the bytes of a safetensors file; `file` names them in errors. Every size and offset
    /// in the header is checked against the data before anything is read.
    public static func decode(_ data: Data, file: String) throws -> (
        tensors: [String: Tensor], metadata: [String: String]
    ) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw DataError(file: file, fault: "truncated: \(bytes.count) bytes, too short for a safetensors header")
        }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw DataError(
                file: file, fault: "header length \(headerLength) exceeds the file's \(bytes.count - 8) remaining bytes"
            )
        }
        let headerEnd = 8 + Int(headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])),
            let header = object as? [String: Any]
        else {
            throw DataError(file: file, fault: "header is not a JSON object")
        }
        let buffer = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else {
                    throw DataError(file: file, fault: "__metadata__ must map strings to strings")
                }
                metadata = m
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = integers(entry["shape"]), let offsets = integers(entry["data_offsets"]), offsets.count == 2
            else {
                throw DataError(
                    file: file, fault: "tensor \"\(name)\" lacks a dtype, an integer shape or two integer data_offsets")
            }
            guard dtype == "F32" else {
                throw DataError(file: file, fault: "tensor \"\(name)\" has dtype \(dtype); only F32 is supported")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw DataError(file: file, fault: "tensor \"\(name)\" has a negative size in shape \(shape)")
            }
            guard offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] <= buffer else {
                throw DataError(
                    file: file,
                    fault:
                        "tensor \"\(name)\" data_offsets \(offsets) fall outside the \(buffer)-byte data section (file truncated?)"
                )
            }
            // The size is checked before it is multiplied out: a header can claim sizes whose product overflows.
            guard let byteCount = checkedProduct(shape + [4]), byteCount == offsets[1] - offsets[0] else {
                let needed = checkedProduct(shape + [4]).map { "\($0) bytes" } ?? "more bytes than memory holds"
                throw DataError(
                    file: file,
                    fault:
                        "tensor \"\(name)\" of shape \(shape) needs \(needed), data_offsets give \(offsets[1] - offsets[0])"
                )
            }
            let count = byteCount / 4
            var scalars = [Float](repeating: 0, count: count)
            let start = headerEnd + offsets[0]
            for i in 0..<count {
                var bits: UInt32 = 0
                for b in 0..<4 { bits |= UInt32(bytes[start + 4 * i + b]) << (8 * b) }
                scalars[i] = Float(bitPattern: bits)
            }
            tensors[name] = Tensor(shape: shape, scalars: scalars)
        }
        return (tensors, metadata)
    }
}

/// The values of a JSON array when every one is an integer (not a fraction, not a string), else nil.
private func integers(_ value: Any?) -> [Int]? {
    guard let array = value as? [Any] else { return nil }
    var result: [Int] = []
    for item in array {
        guard let number = item as? NSNumber, let exact = Int(exactly: number.doubleValue),
            number.doubleValue.magnitude < 9e15
        else { return nil }
        result.append(exact)
    }
    return result
}

extension Model {
    /// Saves every parameter as "layer/parameter" ("conv2d/kernel", "dense_1/bias") in safetensors.
    public func saveWeights(to url: URL) throws {
        ensureBuilt()
        var tensors: [String: Tensor] = [:]
        for layer in layers { for p in layer.parameters { tensors["\(layer.name)/\(p.name)"] = p.value } }
        try Safetensors.write(
            tensors, metadata: ["format": "pt", "model": name, "layout": "keras channels-last"], to: url)
    }

    /// Loads weights saved by `saveWeights`. Every parameter must be present with its exact shape;
    /// on any mismatch nothing is changed and a `DataError` says which tensor and why.
    public func loadWeights(from url: URL) throws {
        ensureBuilt()
        let (tensors, _) = try Safetensors.read(url)
        var updates: [(Parameter, Tensor)] = []
        for layer in layers {
            for p in layer.parameters {
                let key = "\(layer.name)/\(p.name)"
                guard let t = tensors[key] else {
                    throw DataError(file: url.path, fault: "no tensor \"\(key)\" (the file does not match this model)")
                }
                guard t.shape == p.value.shape else {
                    throw DataError(
                        file: url.path,
                        fault: "tensor \"\(key)\" has shape \(t.shape), the model needs \(p.value.shape)")
                }
                updates.append((p, t))
            }
        }
        for (p, t) in updates { p.value = t }
    }
}
