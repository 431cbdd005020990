import Foundation

/// The MNIST handwritten digits: 28x28 grey images as `[N, 28, 28, 1]` tensors scaled from 0-255
/// to [0, 1], and labels 0-9 as `[N]` tensors of class indices.
public struct MNIST {
    public let trainImages: Tensor
    public let trainLabels: Tensor
    public let testImages: Tensor
    public let testLabels: Tensor
    /// The folder the files came from.
    public let directory: URL
    /// Whether this is the project's shipped subset rather than the full set.
    public let isSubset: Bool

    /// "the full MNIST set (60,000 training, 10,000 test images)" or the subset's equivalent.
    public var source: String {
        let sizes = "\(groupedThousands(trainImages.shape[0])) training, \(groupedThousands(testImages.shape[0])) test images"
        return isSubset ? "the project's MNIST subset (\(sizes))" : "MNIST from \(directory.path) (\(sizes))"
    }

    public static let fileNames = (trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
                                   testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// The subset shipped with the project (10,000 training and 2,000 test images, the first of
    /// each MNIST file), so the course builds without the full set.
    public static var subsetDirectory: URL {
        // Sources/CNN/Data/MNIST.swift -> the package root -> Lessons/data/mnist-subset
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Lessons/data/mnist-subset")
    }

    /// Loads from `directory`; without one, from `$MNIST_DIR` when set, else the shipped subset.
    public static func load(directory: URL? = nil) throws -> MNIST {
        if let directory { return try load(from: directory, isSubset: directory.standardized == subsetDirectory.standardized) }
        if let env = ProcessInfo.processInfo.environment["MNIST_DIR"], !env.isEmpty {
            return try load(from: URL(fileURLWithPath: env), isSubset: false)
        }
        return try load(from: subsetDirectory, isSubset: true)
    }

    private static func load(from directory: URL, isSubset: Bool) throws -> MNIST {
        let (trainX, trainY) = try readPair(directory, fileNames.trainImages, fileNames.trainLabels)
        let (testX, testY) = try readPair(directory, fileNames.testImages, fileNames.testLabels)
        return MNIST(trainImages: trainX, trainLabels: trainY, testImages: testX, testLabels: testY, directory: directory, isSubset: isSubset)
    }

    /// The file `base` in `directory`, gzip-compressed (`base.gz`) or raw.
    static func locate(_ directory: URL, _ base: String) throws -> URL {
        for name in [base + ".gz", base] {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DataError(file: directory.appendingPathComponent(base + ".gz").path, fault: "missing (neither \(base).gz nor \(base) is in \(directory.path))")
    }

    /// Reads one images file and its labels file and checks that they agree.
    public static func readPair(_ directory: URL, _ imagesName: String, _ labelsName: String) throws -> (images: Tensor, labels: Tensor) {
        let imagesURL = try locate(directory, imagesName), labelsURL = try locate(directory, labelsName)
        let images = try IDX.read(imagesURL, dimensions: 3)
        let labels = try IDX.read(labelsURL, dimensions: 1)
        guard labels.shape[0] == images.shape[0] else {
            throw DataError(file: labelsURL.path, fault: "count mismatch: \(labels.shape[0]) labels for \(images.shape[0]) images in \(imagesURL.lastPathComponent)")
        }
        if let bad = labels.bytes.firstIndex(where: { $0 > 9 }) {
            throw DataError(file: labelsURL.path, fault: "label out of range: label \(bad) is \(labels.bytes[bad]), expected 0-9")
        }
        let imageTensor = Tensor(shape: images.shape + [1], scalars: images.bytes.map { Float($0) / 255 })
        return (imageTensor, Tensor(labels.bytes.map(Float.init)))
    }
}
