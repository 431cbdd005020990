import ArgumentParser
import CNN
import Foundation

/// Trains the tutorials' CNNs on real MNIST and reports speed: whole training epochs as `fit` runs
/// them (`--train-epochs`, over all 60,000 images unless `--train-images`), inference on the test
/// set at batch 1000, batch-1 latency, GFLOP/s against the peak of the CPU it runs on (see
/// `Processor`), the CPU's vector flags and peak memory. With `--epochs`, trains to the end and
/// reports test accuracy instead. A benchmark, not a test: it asserts nothing.
@main
struct CNNBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn-bench",
        abstract:
            "Measures training and inference speed of the tutorials' CNNs (models A and B) and a small residual network (R) on MNIST."
    )

    @Argument(
        help: "Folder with the MNIST IDX files (default: $MNIST_DIR, else the full set shipped in Lessons/data/mnist).")
    var directory: String?

    @Option(help: "Models to run: any of A, B and R (a small residual network, functional API), such as AB or BR.")
    var models: String = "AB"

    @Option(help: "Timed training epochs over the training images (whole epochs, as Keras' figure).")
    var trainEpochs: Int = 1

    @Option(help: "Images per timed epoch (default: the whole training set, 60,000 for MNIST); fewer for profiling.")
    var trainImages: Int?

    @Option(help: "Test images for the inference figure (default: the whole test set, 10,000 for MNIST).")
    var testImages: Int?

    @Option(help: "Warm-up training steps before the timed epochs (not timed).")
    var warmup: Int = 5

    @Option(help: "Train this many full epochs and report test accuracy instead of timing.")
    var epochs: Int?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(inversion: .prefixedNo, help: "Run Conv2D's forward pass through oneDNN (else im2col + OpenBLAS).")
    var oneDNN = true

    @Option(help: "Threads for the core (default: every online core).")
    var threads: Int?

    func validate() throws {
        guard !models.isEmpty, models.uppercased().allSatisfy({ "ABR".contains($0) }) else {
            throw ValidationError("--models takes letters of A, B and R (AB, R, BR, ...)")
        }
        guard trainEpochs >= 1, warmup >= 0 else {
            throw ValidationError("--train-epochs must be at least 1 and --warmup at least 0")
        }
        if let trainImages, trainImages < 1 { throw ValidationError("--train-images must be at least 1") }
        if let testImages, testImages < 1 { throw ValidationError("--test-images must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        // The bench owns its process: it decides the thread model (see `Runtime.configure`).
        Runtime.configure(threads: threads ?? Runtime.availableCores, oneDNN: oneDNN)
        let mnist: MNIST
        do { mnist = try MNIST.load(directory: directory.map { URL(fileURLWithPath: $0) }) } catch {
            throw ValidationError("\(error)")
        }
        let cpu = Processor.current()
        let peak = cpu.peakGFLOPs(cores: min(Runtime.threads, cpu.logicalProcessors))
        if !json {
            print("data: \(mnist.source)")
            print(
                String(
                    format:
                        "cpu: %@, %d logical processors at %.2f GHz measured (%.2f GHz nominal), flags %@; oneDNN kernels %@; %d FLOPs/cycle/core, peak %.1f GFLOP/s on %d threads",
                    cpu.modelName, cpu.logicalProcessors, cpu.gigahertz, cpu.nominalGigahertz,
                    cpu.vectorFlags.joined(separator: " "),
                    cpu.kernelInstructionSet,
                    cpu.flopsPerCycle, peak, Runtime.threads))
        }
        var reports: [[String: Any]] = []
        for letter in models.uppercased() {
            let spec = TutorialModel(rawValue: String(letter))!
            if let epochs {
                reports.append(train(spec, mnist, epochs: epochs))
            } else {
                reports.append(benchmark(spec, mnist, peak: peak))
            }
        }
        if json {
            var cpuJSON = cpu.json
            cpuJSON["threads"] = Runtime.threads
            cpuJSON["convolution_forward"] = Runtime.usesOneDNN ? "oneDNN" : "im2col + OpenBLAS"
            cpuJSON["peak_gflops"] = peak
            let all: [String: Any] = ["cpu": cpuJSON, "models": reports, "peak_memory_mb": peakMemoryMB()]
            let data = try JSONSerialization.data(withJSONObject: all, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "peak memory of the process: %.0f MB", peakMemoryMB()))
        }
    }

    func train(_ spec: TutorialModel, _ mnist: MNIST, epochs: Int) -> [String: Any] {
        let model = spec.make()
        model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        if !json { print("model \(spec.rawValue), batch \(spec.batchSize), \(epochs) epochs") }
        let history = model.fit(
            mnist.trainImages, mnist.trainLabels, epochs: epochs, batchSize: spec.batchSize,
            validationData: (mnist.testImages, mnist.testLabels), verbose: !json)
        let test = model.evaluate(mnist.testImages, mnist.testLabels, batchSize: 1000)
        let accuracy = Double(test["accuracy"] ?? 0)
        if !json {
            print(
                "model \(spec.rawValue): test accuracy \(String(format: "%.2f%%", accuracy * 100)), epoch times "
                    + history.epochSeconds.map { String(format: "%.1fs", $0) }.joined(separator: ", "))
        }
        return [
            "model": spec.rawValue, "epochs": epochs, "test_accuracy": accuracy, "epoch_seconds": history.epochSeconds,
        ]
    }

    /// Whole training epochs as `fit` runs them (shuffle, gather, step, metrics; no validation),
    /// then inference on the whole test set at batch 1000 and the latency of one image.
    func benchmark(_ spec: TutorialModel, _ mnist: MNIST, peak: Double) -> [String: Any] {
        let model = spec.make()
        model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        let n = min(trainImages ?? mnist.trainImages.shape[0], mnist.trainImages.shape[0])
        let b = spec.batchSize
        let x = n == mnist.trainImages.shape[0] ? mnist.trainImages : mnist.trainImages.batch(0..<n)
        let y = n == mnist.trainLabels.shape[0] ? mnist.trainLabels : mnist.trainLabels.batch(0..<n)
        for step in 0..<warmup {
            let start = (step * b) % max(n - b, 1)
            let end = min(start + b, n)
            model.trainStep(x.batch(start..<end), y.batch(start..<end))
        }
        let history = model.fit(x, y, epochs: trainEpochs, batchSize: b, verbose: false)
        let epochSeconds = history.epochSeconds
        let trainRate = Double(n) / (epochSeconds.reduce(0, +) / Double(epochSeconds.count))

        // Inference: the whole test set at batch 1000, median of 5 after one warm-up.
        let test = mnist.testImages.batch(0..<min(testImages ?? mnist.testImages.shape[0], mnist.testImages.shape[0]))
        _ = model.predict(test.batch(0..<min(1000, test.shape[0])), batchSize: 1000)
        let inferenceSeconds = median((0..<5).map { _ in seconds { _ = model.predict(test, batchSize: 1000) } })
        let inferenceRate = Double(test.shape[0]) / inferenceSeconds
        let one = test.batch(0..<1)
        for _ in 0..<5 { _ = model(one) }
        let latencyMs = median((0..<100).map { _ in seconds { _ = model(one) } }) * 1000

        let trainGFLOPs = spec.trainingFlopsPerImage * trainRate / 1e9
        let inferenceGFLOPs = spec.trainingFlopsPerImage / 3 * inferenceRate / 1e9
        let memory = peakMemoryMB()
        if !json {
            print(
                String(
                    format:
                        "model %@ (batch %d): train %.0f images/s (%d epoch(s) of %d images, %@), %.1f GFLOP/s = %.1f%% of peak",
                    spec.rawValue, b, trainRate, epochSeconds.count, n,
                    epochSeconds.map { String(format: "%.2fs", $0) }.joined(separator: ", "), trainGFLOPs,
                    trainGFLOPs / peak * 100))
            print(
                String(
                    format:
                        "model %@: inference %.0f images/s at batch 1000 (%.1f GFLOP/s = %.1f%% of peak), latency %.3f ms at batch 1, peak memory so far %.0f MB",
                    spec.rawValue, inferenceRate, inferenceGFLOPs, inferenceGFLOPs / peak * 100, latencyMs, memory))
        }
        return [
            "model": spec.rawValue, "batch": b, "threads": Runtime.threads,
            "train_images": n, "train_epoch_seconds": epochSeconds, "train_images_per_s": trainRate.rounded(),
            "train_gflops": trainGFLOPs, "train_share_of_peak": trainGFLOPs / peak,
            "inference_images_per_s_batch_1000": inferenceRate.rounded(),
            "inference_gflops": inferenceGFLOPs, "inference_share_of_peak": inferenceGFLOPs / peak,
            "latency_ms_batch_1": latencyMs, "peak_memory_mb_so_far": memory,
        ]
    }
}

func seconds(_ body: () -> Void) -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// The tutorials' models, as the core's issue defines them, and R, a small residual network.
enum TutorialModel: String {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // The models' names in the tutorials and on the command line (--models AB).
    case A, B, R

    var batchSize: Int { self == .A ? 128 : 64 }

    /// Three times the forward multiply-adds, two FLOPs each.
    var trainingFlopsPerImage: Double {
        let forwardMACs: Double
        switch self {
        case .A: forwardMACs = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 1600 * 128 + 128 * 10
        case .B: forwardMACs = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 128 * 576 + 1152 * 10
        case .R: forwardMACs = 26 * 26 * 32 * 9 + 2 * 13 * 13 * 32 * 288 + 11 * 11 * 64 * 288 + 1600 * 10
        }
        return forwardMACs * 2 * 3
    }

    func make() -> Model {
        switch self {
        case .A: return Sequential.tutorialModelA()
        case .B: return Sequential.tutorialModelB()
        case .R: return residualModel()
        }
    }
}

/// R: model B's first pair, one residual block of two 3x3 'same' convolutions (32 filters) added to
/// its input, then a 64-filter convolution with pooling and the softmax head; 53,322 parameters,
/// trained with batch 64 like model B.
///
///     Conv2D(32, 3, relu) -> MaxPooling2D(2)              13x13x32
///       -> Conv2D(32, 3, same, relu) -> Conv2D(32, 3, same)
///       -> Add with the block's input -> ReLU               13x13x32
///     -> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten -> Dense(10, softmax)
func residualModel(seed: UInt64 = 42) -> Model {
    let inputs = Input(shape: [28, 28, 1])
    let x = MaxPooling2D(2)(Conv2D(32, kernelSize: 3, activation: .relu)(inputs))
    let y = Conv2D(32, kernelSize: 3, padding: .same)(Conv2D(32, kernelSize: 3, padding: .same, activation: .relu)(x))
    let block = Activation(.relu)(Add()([x, y]))
    let h = MaxPooling2D(2)(Conv2D(64, kernelSize: 3, activation: .relu)(block))
    let outputs = Dense(10, activation: .softmax)(Flatten()(h))
    return Model(inputs: inputs, outputs: outputs, name: "residual", seed: seed)
}
