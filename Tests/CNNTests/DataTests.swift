import Foundation
import XCTest

@testable import CNN

final class DataTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnn-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func idx(_ magicDims: UInt8, _ dims: [Int], _ values: [UInt8]) -> Data {
        var d = Data([0, 0, 8, magicDims])
        for v in dims {
            d.append(contentsOf: [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)])
        }
        d.append(contentsOf: values)
        return d
    }

    func writePair(images: Data, labels: Data) throws {
        try images.write(to: folder.appendingPathComponent("train-images-idx3-ubyte"))
        try labels.write(to: folder.appendingPathComponent("train-labels-idx1-ubyte"))
    }

    func fault(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch { return "\(error)" }
    }

    func testShippedSetLoadsByDefaultAndIsTheFullSet() throws {
        // No MNIST_DIR in the test environment means the default is the shipped copy.
        let mnist = try MNIST.load(directory: MNIST.shippedDirectory)
        XCTAssertEqual(mnist.trainImages.shape, [60_000, 28, 28, 1])
        XCTAssertEqual(mnist.testImages.shape, [10_000, 28, 28, 1])
        XCTAssertEqual(mnist.trainLabels.shape, [60_000])
        XCTAssertFalse(mnist.isSubset)
        XCTAssertTrue(mnist.isShipped)
        XCTAssertEqual(mnist.trainImages.max(), 1)
        XCTAssertEqual(mnist.trainImages.min(), 0)
        XCTAssertEqual(Array(mnist.trainLabels.scalars.prefix(5)), [5, 0, 4, 1, 9])  // MNIST's first labels
        XCTAssertEqual(mnist.source, "the MNIST set shipped with the course (60,000 training, 10,000 test images)")
        var counts = [Int](repeating: 0, count: 10)
        for l in mnist.testLabels.scalars { counts[Int(l)] += 1 }
        XCTAssertEqual(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        if ProcessInfo.processInfo.environment["MNIST_DIR"] == nil {
            XCTAssertEqual(MNIST.defaultDirectory.standardized.path, MNIST.shippedDirectory.standardized.path)
        }
    }

    func testGoodFilesRawAndGzipRead() throws {
        try writePair(images: idx(3, [2, 2, 2], [0, 255, 0, 255, 1, 2, 3, 4]), labels: idx(1, [2], [3, 9]))
        let (images, labels) = try MNIST.readPair(folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")
        XCTAssertEqual(images.shape, [2, 2, 2, 1])
        XCTAssertEqual(images.scalars[1], 1)
        XCTAssertEqual(labels.scalars, [3, 9])
        let gz = try IDX.read(MNIST.shippedDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"), dimensions: 1)
        XCTAssertEqual(gz.shape, [10_000])
    }

    func testWrongMagic() throws {
        try writePair(images: idx(1, [2, 2, 2], [UInt8](repeating: 0, count: 8)), labels: idx(1, [2], [0, 0]))
        let message = fault { _ = try MNIST.readPair(folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte") }
        XCTAssertEqual(
            message,
            "train-images-idx3-ubyte: wrong magic number 0x00000801, expected 0x00000803 (unsigned bytes, 3 dimensions)"
        )
    }

    func testTruncated() throws {
        try writePair(images: idx(3, [2, 2, 2], [1, 2, 3]), labels: idx(1, [2], [0, 0]))
        XCTAssertEqual(
            fault { _ = try MNIST.readPair(folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte") },
            "train-images-idx3-ubyte: truncated: shape [2, 2, 2] needs 8 values, file has 3")
        try Data([0, 0, 8]).write(to: folder.appendingPathComponent("x"))
        XCTAssertTrue(
            fault { _ = try IDX.read(folder.appendingPathComponent("x"), dimensions: 1) }.contains("truncated"))
        // A gzip file cut in half.
        let gz = try Data(contentsOf: MNIST.shippedDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        try gz.prefix(gz.count / 2).write(to: folder.appendingPathComponent("cut.gz"))
        XCTAssertEqual(
            fault { _ = try IDX.read(folder.appendingPathComponent("cut.gz"), dimensions: 1) },
            "cut.gz: gzip stream is truncated")
    }

    func testCountMismatch() throws {
        try writePair(images: idx(3, [2, 1, 1], [1, 2]), labels: idx(1, [3], [0, 1, 2]))
        let message = fault { _ = try MNIST.readPair(folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte") }
        XCTAssertTrue(
            message.hasSuffix(
                "train-labels-idx1-ubyte: count mismatch: 3 labels for 2 images in train-images-idx3-ubyte"), message)
    }

    func testLabelOutOfRange() throws {
        try writePair(images: idx(3, [2, 1, 1], [1, 2]), labels: idx(1, [2], [4, 12]))
        let message = fault { _ = try MNIST.readPair(folder, "train-images-idx3-ubyte", "train-labels-idx1-ubyte") }
        XCTAssertTrue(
            message.hasSuffix("train-labels-idx1-ubyte: label out of range: label 1 is 12, expected 0-9"), message)
    }

    func testMissingFile() {
        let message = fault { _ = try MNIST.load(directory: folder) }
        XCTAssertTrue(
            message.contains("missing (neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte"), message)
    }

    func testSafetensorsRoundTripAndByteLayout() throws {
        let model = modelB(seed: 3)
        let url = folder.appendingPathComponent("model.safetensors")
        try model.saveWeights(to: url)
        let copy = modelB(seed: 99)
        XCTAssertNotEqual(copy.layers[0].weights[0], model.layers[0].weights[0])
        try copy.loadWeights(from: url)
        for (a, b) in zip(model.parameters, copy.parameters) { XCTAssertEqual(a.value, b.value) }
        let x = Tensor.uniform([2, 28, 28, 1], seed: 1)
        XCTAssertEqual(model(x), copy(x))
        // The layout the safetensors library reads: u64 little-endian header size, JSON, data.
        let bytes = [UInt8](try Data(contentsOf: url))
        let headerSize = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(headerSize % 8, 0)
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerSize)])) as! [String: Any]
        let bias = header["conv2d/bias"] as! [String: Any]
        XCTAssertEqual(bias["dtype"] as? String, "F32")
        XCTAssertEqual(bias["shape"] as? [Int], [32])
        XCTAssertEqual(bytes.count, 8 + headerSize + 104_202 * 4)
    }

    func testSafetensorsErrorsAreClear() throws {
        let url = folder.appendingPathComponent("w.safetensors")
        try Safetensors.write(["a": Tensor([1, 2, 3])], to: url)
        let good = try Data(contentsOf: url)
        try good.prefix(good.count - 4).write(to: url)
        XCTAssertTrue(
            fault { _ = try Safetensors.read(url) }.contains("fall outside"), fault { _ = try Safetensors.read(url) })
        try Data([1, 2, 3]).write(to: url)
        XCTAssertTrue(fault { _ = try Safetensors.read(url) }.contains("truncated"))
        var junk = Data([8, 0, 0, 0, 0, 0, 0, 0])
        junk.append(contentsOf: Array("not json".utf8))
        try junk.write(to: url)
        XCTAssertTrue(fault { _ = try Safetensors.read(url) }.contains("not a JSON object"))
        // A file for another model.
        try modelA().saveWeights(to: url)
        let message = fault { try modelB().loadWeights(from: url) }
        XCTAssertTrue(message.contains("conv2d_2/kernel"), message)
    }
}
