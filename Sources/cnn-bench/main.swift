import ArgumentParser
import CNN
import Foundation

/// Trains the tutorials' CNNs on real MNIST and reports speed; with `--epochs`, trains to the end
/// and reports test accuracy instead. A benchmark, not a test: it asserts nothing.
@main
struct CNNBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn-bench",
        abstract: "Measures training and inference speed of the tutorials' CNNs (models A and B) on MNIST.")

    @Argument(help: "Folder with the MNIST IDX files (default: $MNIST_DIR, else the full set shipped in Lessons/data/mnist).")
    var directory: String?

    @Option(help: "Models to run: A, B or AB.")
    var models: String = "AB"

    @Option(help: "Timed training steps after the warm-up.")
    var steps: Int = 60

    @Option(help: "Warm-up steps (not timed).")
    var warmup: Int = 5

    @Option(help: "Train this many full epochs and report test accuracy instead of timing steps.")
    var epochs: Int?

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Threads for the core (default: every online core).")
    var threads: Int?

    func validate() throws {
        guard !models.isEmpty, models.uppercased().allSatisfy({ $0 == "A" || $0 == "B" }) else {
            throw ValidationError("--models takes A, B or AB")
        }
        guard steps >= 1, warmup >= 0 else { throw ValidationError("--steps must be at least 1 and --warmup at least 0") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        // The bench owns its process: it decides the thread model (see `Runtime.configure`).
        Runtime.configure(threads: threads ?? Runtime.availableCores)
        let mnist: MNIST
        do { mnist = try MNIST.load(directory: directory.map { URL(fileURLWithPath: $0) }) } catch {
            throw ValidationError("\(error)")
        }
        if !json { print("data: \(mnist.source)") }
        var reports: [[String: Any]] = []
        for letter in models.uppercased() {
            let spec = TutorialModel(rawValue: String(letter))!
            if let epochs {
                reports.append(train(spec, mnist, epochs: epochs))
            } else {
                reports.append(benchmark(spec, mnist))
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: reports, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    func train(_ spec: TutorialModel, _ mnist: MNIST, epochs: Int) -> [String: Any] {
        let model = spec.make()
        model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        if !json { print("model \(spec.rawValue), batch \(spec.batchSize), \(epochs) epochs") }
        let history = model.fit(mnist.trainImages, mnist.trainLabels, epochs: epochs, batchSize: spec.batchSize,
                                validationData: (mnist.testImages, mnist.testLabels), verbose: !json)
        let test = model.evaluate(mnist.testImages, mnist.testLabels, batchSize: 1000)
        let accuracy = Double(test["accuracy"] ?? 0)
        if !json {
            print("model \(spec.rawValue): test accuracy \(String(format: "%.2f%%", accuracy * 100)), epoch times " +
                  history.epochSeconds.map { String(format: "%.1fs", $0) }.joined(separator: ", "))
        }
        return ["model": spec.rawValue, "epochs": epochs, "test_accuracy": accuracy, "epoch_seconds": history.epochSeconds]
    }

    func benchmark(_ spec: TutorialModel, _ mnist: MNIST) -> [String: Any] {
        let model = spec.make()
        model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        let n = mnist.trainImages.shape[0], b = spec.batchSize
        func batch(_ step: Int) -> (Tensor, Tensor) {
            let start = (step * b) % max(n - b, 1)
            return (mnist.trainImages.batch(start..<(start + b)), mnist.trainLabels.batch(start..<(start + b)))
        }
        for step in 0..<warmup { let (x, y) = batch(step); model.trainStep(x, y) }
        var stepTimes: [Double] = []
        for step in 0..<steps {
            let (x, y) = batch(warmup + step)
            let t0 = DispatchTime.now().uptimeNanoseconds
            model.trainStep(x, y)
            stepTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let medianStep = stepTimes.sorted()[stepTimes.count / 2]
        let trainRate = Double(b) / medianStep
        // Inference at batch 1000 and latency at batch 1.
        let big = mnist.testImages.batch(0..<min(1000, mnist.testImages.shape[0]))
        _ = model(big)
        let inferenceTimes = (0..<5).map { _ -> Double in
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = model(big)
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        }.sorted()
        let inferenceRate = Double(big.shape[0]) / inferenceTimes[2]
        let one = mnist.testImages.batch(0..<1)
        let latencies = (0..<50).map { _ -> Double in
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = model(one)
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        }.sorted()
        let flops = spec.trainingFlopsPerImage * trainRate / 1e9
        let report: [String: Any] = [
            "model": spec.rawValue, "batch": b, "steps": steps, "threads": Runtime.threads,
            "train_images_per_s": trainRate.rounded(), "inference_images_per_s_batch_1000": inferenceRate.rounded(),
            "latency_ms_batch_1": latencies[25], "peak_memory_mb": peakMemoryMB(),
            "gflops": flops, "share_of_peak": flops / 156.8,
        ]
        if !json {
            print(String(format: "model %@ (batch %d): train %.0f images/s, inference %.0f images/s at batch 1000, latency %.2f ms at batch 1, peak memory %.0f MB, %.1f GFLOP/s (%.0f%% of the 156.8 GFLOP/s peak)",
                         spec.rawValue, b, trainRate, inferenceRate, latencies[25], peakMemoryMB(), flops, flops / 156.8 * 100))
        }
        return report
    }
}

/// The tutorials' models, as the core's issue defines them.
enum TutorialModel: String {
    case A, B

    var batchSize: Int { self == .A ? 128 : 64 }

    /// Three times the forward multiply-adds, two FLOPs each.
    var trainingFlopsPerImage: Double {
        let forwardMACs: Double = self == .A
            ? 26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 1600 * 128 + 128 * 10
            : 26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 128 * 576 + 1152 * 10
        return forwardMACs * 2 * 3
    }

    func make() -> Sequential { self == .A ? .tutorialModelA() : .tutorialModelB() }
}

/// The process's peak resident memory (VmHWM), in MB.
func peakMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
    return kb / 1024
}
