import Foundation

/// A data file that cannot be used: which file, and what is wrong with it, on one line.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let fault: String
    public init(file: String, fault: String) {
        self.file = file
        self.fault = fault
    }
    public var description: String { "\(file): \(fault)" }
}

/// An IDX array (LeCun's format for MNIST): unsigned bytes with a shape.
public struct IDXArray: Equatable, Sendable {
    public let shape: [Int]
    public let bytes: [UInt8]
}

/// Reads IDX files, raw or gzip-compressed. The header is a magic number 0x0000TTDD (TT the type,
/// 0x08 for unsigned bytes; DD the number of dimensions), then each dimension as a big-endian
/// UInt32, then the values row-major.
public enum IDX {
    /// Reads an IDX file of unsigned bytes with `dimensions` axes (3 for images, 1 for labels).
    public static func read(_ url: URL, dimensions: Int) throws -> IDXArray {
        let name = url.lastPathComponent
        let raw: Data
        do { raw = try Data(contentsOf: url) } catch {
            throw DataError(
                file: url.path,
                fault:
                    "cannot be read (\(FileManager.default.fileExists(atPath: url.path) ? "permission or I/O error" : "no such file"))"
            )
        }
        return try decode(raw, dimensions: dimensions, file: name)
    }

    /// Decodes the bytes of an IDX file, raw or gzip-compressed; `file` names them in errors.
    public static func decode(_ raw: Data, dimensions: Int, file: String) throws -> IDXArray {
        try parse(isGzip(raw) ? gunzip(raw, file: file) : raw, dimensions: dimensions, file: file)
    }

    /// Parses IDX bytes already in memory; `file` names them in errors.
    public static func parse(_ data: Data, dimensions: Int, file: String) throws -> IDXArray {
        require(dimensions >= 1 && dimensions <= 255, "IDX.parse: dimensions must be in 1...255, got \(dimensions)")
        let bytes = [UInt8](data)
        let headerSize = 4 + 4 * dimensions
        guard bytes.count >= 4 else {
            throw DataError(file: file, fault: "truncated: \(bytes.count) bytes, too short for an IDX header")
        }
        let magic = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let expected = UInt32(0x0800) | UInt32(dimensions)
        guard magic == expected else {
            throw DataError(
                file: file,
                fault:
                    "wrong magic number 0x\(hex(magic)), expected 0x\(hex(expected)) (unsigned bytes, \(dimensions) dimension\(dimensions == 1 ? "" : "s"))"
            )
        }
        guard bytes.count >= headerSize else {
            throw DataError(file: file, fault: "truncated: header needs \(headerSize) bytes, file has \(bytes.count)")
        }
        let shape = (0..<dimensions).map { d in bytes[(4 + 4 * d)..<(8 + 4 * d)].reduce(0) { $0 << 8 | Int($1) } }
        // Each size is below 2^32, so a product of three can overflow Int: checked, not trapped.
        guard let count = checkedProduct(shape), count <= bytes.count else {
            throw DataError(
                file: file,
                fault: "truncated: shape \(shape) needs more values than the file's \(bytes.count - headerSize)")
        }
        guard bytes.count - headerSize >= count else {
            throw DataError(
                file: file,
                fault: "truncated: shape \(shape) needs \(count) values, file has \(bytes.count - headerSize)")
        }
        guard bytes.count - headerSize == count else {
            throw DataError(
                file: file,
                fault:
                    "\(bytes.count - headerSize - count) bytes of unexpected data after the \(count) values of shape \(shape)"
            )
        }
        return IDXArray(shape: shape, bytes: Array(bytes[headerSize...]))
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }

    /// Writes an IDX file of unsigned bytes (how the project's MNIST subset was cut).
    public static func write(_ array: IDXArray, to url: URL) throws {
        var data = Data([0, 0, 0x08, UInt8(array.shape.count)])
        for d in array.shape {
            data.append(contentsOf: [
                UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF),
            ])
        }
        data.append(contentsOf: array.bytes)
        try data.write(to: url)
    }
}

/// The product of sizes, or nil when it overflows `Int` (sizes read from a file can be anything).
func checkedProduct(_ sizes: [Int]) -> Int? {
    var product = 1
    for size in sizes {
        guard size >= 0 else { return nil }
        let (next, overflow) = product.multipliedReportingOverflow(by: size)
        if overflow { return nil }
        product = next
    }
    return product
}
