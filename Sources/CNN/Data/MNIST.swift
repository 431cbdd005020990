import Foundation

/// The MNIST handwritten digits: 28x28 grey images as `[N, 28, 28, 1]` tensors scaled from 0-255
/// to [0, 1], and labels 0-9 as `[N]` tensors of class indices.
public struct MNIST: Sendable {
    public let trainImages: Tensor
    public let trainLabels: Tensor
    public let testImages: Tensor
    public let testLabels: Tensor
    /// The folder the files came from.
    public let directory: URL
    /// Whether these files are the copy shipped in `Lessons/data/mnist`.
    public let isShipped: Bool

    /// Whether this is fewer than MNIST's 60,000 training or 10,000 test images.
    public var isSubset: Bool { trainImages.shape[0] < 60_000 || testImages.shape[0] < 10_000 }

    /// "the MNIST set shipped with the course (60,000 training, 10,000 test images)", or where else
    /// the files came from.
    public var source: String {
        let sizes =
            "\(groupedThousands(trainImages.shape[0])) training, \(groupedThousands(testImages.shape[0])) test images"
        return isShipped
            ? "the MNIST set shipped with the course (\(sizes))" : "MNIST from \(directory.path) (\(sizes))"
    }

    public static let fileNames = (
        trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
        testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte"
    )

    /// The full set shipped with the course (60,000 training and 10,000 test images, 11 MB of gzip),
    /// so that a fresh clone reproduces the tutorials' numbers.
    public static var shippedDirectory: URL {
        // Sources/CNN/Data/MNIST.swift -> the package root -> Lessons/data/mnist
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Lessons/data/mnist")
    }

    /// The folder `load()` reads: `$MNIST_DIR` when set, else the shipped set.
    public static var defaultDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["MNIST_DIR"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return shippedDirectory
    }

    /// Loads from `directory`; without one, from `defaultDirectory`.
    public static func load(directory: URL? = nil) throws -> MNIST {
        let directory = directory ?? defaultDirectory
        let (trainX, trainY) = try readPair(directory, fileNames.trainImages, fileNames.trainLabels)
        let (testX, testY) = try readPair(directory, fileNames.testImages, fileNames.testLabels)
        return MNIST(
            trainImages: trainX, trainLabels: trainY, testImages: testX, testLabels: testY, directory: directory,
            isShipped: directory.standardized.path == shippedDirectory.standardized.path)
    }

    /// The file `base` in `directory`, gzip-compressed (`base.gz`) or raw.
    static func locate(_ directory: URL, _ base: String) throws -> URL {
        for name in [base + ".gz", base] {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DataError(
            file: directory.appendingPathComponent(base + ".gz").path,
            fault: "missing (neither \(base).gz nor \(base) is in \(directory.path))")
    }

    /// Reads one images file and its labels file and checks that they agree.
    public static func readPair(_ directory: URL, _ imagesName: String, _ labelsName: String) throws -> (
        images: Tensor, labels: Tensor
    ) {
        let imagesURL = try locate(directory, imagesName)
        let labelsURL = try locate(directory, labelsName)
        let images = try IDX.read(imagesURL, dimensions: 3)
        let labels = try IDX.read(labelsURL, dimensions: 1)
        guard labels.shape[0] == images.shape[0] else {
            throw DataError(
                file: labelsURL.path,
                fault:
                    "count mismatch: \(labels.shape[0]) labels for \(images.shape[0]) images in \(imagesURL.lastPathComponent)"
            )
        }
        if let bad = labels.bytes.firstIndex(where: { $0 > 9 }) {
            throw DataError(
                file: labelsURL.path, fault: "label out of range: label \(bad) is \(labels.bytes[bad]), expected 0-9")
        }
        let imageTensor = Tensor(shape: images.shape + [1], scalars: images.bytes.map { Float($0) / 255 })
        return (imageTensor, Tensor(labels.bytes.map(Float.init)))
    }
}
