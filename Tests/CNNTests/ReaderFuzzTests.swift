import Foundation
import XCTest

@testable import CNN

/// Seeded, bounded fuzzing of the readers that take outside bytes: IDX (raw and gzip) and
/// safetensors. Every input must give a value or a `DataError` naming the file; a crash or a hang
/// fails the run. The same seed gives the same inputs on every run.
final class ReaderFuzzTests: XCTestCase {
    /// Runs `read` on `bytes`: a decoded value, or a DataError naming `file` with a one-line fault.
    func expectValueOrClearError<T>(
        _ bytes: Data, file: String = "fuzz.bin", _ read: (Data) throws -> T,
        sourceFile: StaticString = #filePath, line: UInt = #line
    ) -> T? {
        do {
            return try read(bytes)
        } catch let error as DataError {
            XCTAssertEqual(error.file, file, file: sourceFile, line: line)
            XCTAssertFalse(error.fault.isEmpty || error.fault.contains("\n"), "\(error)", file: sourceFile, line: line)
            return nil
        } catch {
            XCTFail("not a DataError: \(error)", file: sourceFile, line: line)
            return nil
        }
    }

    func randomBytes(_ count: Int, _ generator: inout RandomGenerator) -> Data {
        Data((0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
    }

    /// A copy with `flips` random bits flipped.
    func flipped(_ data: Data, flips: Int, _ generator: inout RandomGenerator) -> Data {
        var bytes = [UInt8](data)
        for _ in 0..<flips {
            let bit = Int(generator.next() % UInt64(bytes.count * 8))
            bytes[bit / 8] ^= 1 << (bit % 8)
        }
        return Data(bytes)
    }

    var shippedLabels: Data {
        get throws { try Data(contentsOf: MNIST.shippedDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz")) }
    }

    func idx(_ data: Data, dimensions: Int = 1) -> IDXArray? {
        expectValueOrClearError(data) { try IDX.decode($0, dimensions: dimensions, file: "fuzz.bin") }
    }

    func testIDXRandomBytesAndLyingHeaders() {
        var generator = RandomGenerator(seed: 101)
        for round in 0..<3000 {
            let dimensions = 1 + round % 3
            var bytes = randomBytes(Int(generator.next() % 64), &generator)
            // Half the inputs get a valid magic number, so the sizes behind it are reached.
            if round % 2 == 0 && bytes.count >= 4 { bytes.replaceSubrange(0..<4, with: [0, 0, 8, UInt8(dimensions)]) }
            if let array = idx(bytes, dimensions: dimensions) {
                XCTAssertEqual(array.bytes.count, array.shape.reduce(1, *))
            }
        }
        // Sizes whose product overflows Int, and sizes far beyond the file.
        for sizes: [UInt32] in [
            [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [0x8000_0000, 0x8000_0000, 4], [1, 1, 0xFFFF_FFFF],
            [0, 0xFFFF_FFFF, 0xFFFF_FFFF],
        ] {
            var bytes = Data([0, 0, 8, 3])
            for s in sizes { withUnsafeBytes(of: s.bigEndian) { bytes.append(contentsOf: $0) } }
            bytes.append(contentsOf: [1, 2, 3])
            XCTAssertNil(idx(bytes, dimensions: 3), "\(sizes)")
        }
    }

    func testGzipTruncatedAtEveryPrefixAndBitFlips() throws {
        let good = try shippedLabels
        XCTAssertEqual(idx(good)?.shape, [10_000])
        // Every prefix up to 600 bytes, then every 97th: each is a clear "truncated" or "corrupt".
        let lengths = Array(0..<600) + Array(stride(from: 600, to: good.count, by: 97))
        for length in lengths {
            XCTAssertNil(idx(good.prefix(length)), "a prefix of \(length) bytes must not decode")
        }
        var generator = RandomGenerator(seed: 202)
        for round in 0..<300 {
            let damaged = flipped(good, flips: 1 + round % 4, &generator)
            if let array = idx(damaged) {
                // A flip zlib cannot see (in the gzip header's free fields) still gives a whole file.
                XCTAssertEqual(array.bytes.count, array.shape.reduce(1, *))
            }
        }
        // Random bytes behind a gzip magic number.
        for _ in 0..<500 {
            var bytes = randomBytes(2 + Int(generator.next() % 200), &generator)
            bytes[0] = 0x1F
            bytes[1] = 0x8B
            XCTAssertNil(idx(bytes))
        }
    }

    /// A small gzip file that inflates far past the limit is refused, not inflated into memory.
    func testGzipInflatingPastTheLimitIsRefused() throws {
        let good = try shippedLabels
        let inflated = try gunzip(good, file: "fuzz.bin")
        XCTAssertThrowsError(try gunzip(good, file: "fuzz.bin", limit: inflated.count - 1)) { error in
            XCTAssertTrue("\(error)".contains("inflates to more than"), "\(error)")
        }
        XCTAssertEqual(try gunzip(good, file: "fuzz.bin", limit: inflated.count), inflated)
    }

    func safetensors(_ data: Data) -> [String: Tensor]? {
        expectValueOrClearError(data) { try Safetensors.decode($0, file: "fuzz.bin").tensors }
    }

    func header(_ json: String, data: [UInt8] = []) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(json.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    func testSafetensorsRandomTruncatedAndLyingHeaders() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(
            ["a": Tensor([1, 2, 3]), "b/kernel": Tensor([[1, 2], [3, 4]])], metadata: ["format": "pt"], to: url)
        let good = try Data(contentsOf: url)
        XCTAssertEqual(safetensors(good)?["b/kernel"], Tensor([[1, 2], [3, 4]]))
        for length in 0..<good.count { XCTAssertNil(safetensors(good.prefix(length)), "prefix \(length)") }
        var generator = RandomGenerator(seed: 303)
        for round in 0..<2000 {
            let input =
                round % 2 == 0
                ? randomBytes(Int(generator.next() % 96), &generator) : flipped(good, flips: 1 + round % 3, &generator)
            if let tensors = safetensors(input) {
                for t in tensors.values { XCTAssertEqual(t.count, t.shape.reduce(1, *)) }
            }
        }
        // Headers that lie about sizes and offsets.
        let lies = [
            #"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#,  // no data behind it
            #"{"t":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#,  // size overflows
            #"{"t":{"dtype":"F32","shape":[2147483648,2147483648,2147483648],"data_offsets":[0,4]}}"#,
            #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#,
            #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#,
            #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,1e300]}}"#,
            #"{"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#,
            #"{"t":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}"#,
            #"{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#,
            #"{"t":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#,
            #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#,
            #"{"t":[1,2,3]}"#,
            #"{"__metadata__":{"a":1}}"#,
            #"[1,2,3]"#,
            String(repeating: "[", count: 100_000),
        ]
        for json in lies { XCTAssertNil(safetensors(header(json, data: [0, 0, 128, 63])), json.prefix(80) + "") }
        // A header length beyond the file, and one that overflows when 8 is added.
        var huge = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { huge.append(contentsOf: $0) }
        XCTAssertNil(safetensors(huge + Data([0x7B, 0x7D])))
        // One that tells the truth decodes.
        XCTAssertEqual(
            safetensors(header(#"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 128, 63]))?[
                "t"], Tensor([1]))
    }
}
