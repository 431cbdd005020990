import Foundation

extension Model {
    /// Trains for `epochs` passes over (x, y) in batches of `batchSize`, shuffled with the model's
    /// seed, as Keras' `fit`. Validation comes from `validationData`, or else from the last
    /// `validationSplit` share of (x, y), taken before shuffling as Keras does: the first
    /// floor(n * (1 - validationSplit)) samples train (10 at 0.25: 7 train, 3 validate).
    ///
    /// With `verbose` it prints Keras' lines: "Epoch 1/5", then
    /// "469/469 - 4s - loss: 0.0743 - accuracy: 0.9782 - val_loss: ... - val_accuracy: ...".
    @discardableResult
    public func fit(
        _ x: Tensor, _ y: Tensor, epochs: Int = 1, batchSize: Int = 32,
        validationData: (Tensor, Tensor)? = nil, validationSplit: Double = 0,
        shuffle: Bool = true, verbose: Bool = true, callbacks: [Callback] = [],
        log: (String) -> Void = { print($0) }
    ) -> History {
        require(epochs >= 0 && batchSize >= 1, "fit: epochs must be >= 0 and batchSize >= 1")
        require(x.shape[0] == y.shape[0], "fit: \(x.shape[0]) inputs but \(y.shape[0]) targets")
        require(validationSplit >= 0 && validationSplit < 1, "fit: validationSplit must be in [0, 1)")
        guard let loss, let optimizer else { fatalError("\(name): call compile(optimizer:loss:) before fit") }
        let outputLoss = self.outputLoss
        var (trainX, trainY) = (x, y)
        var validation = validationData
        if validation == nil && validationSplit > 0 {
            let n = x.shape[0]
            let split = trainingCount(samples: n, validationSplit: validationSplit)
            validation = (x.batch(split..<n), y.batch(split..<n))
            (trainX, trainY) = (x.batch(0..<split), y.batch(0..<split))
        }
        ensureBuilt(for: trainX)
        let n = trainX.shape[0]
        let steps = (n + batchSize - 1) / batchSize
        var history = History()
        for callback in callbacks { callback.onTrainBegin(epochs: epochs, stepsPerEpoch: steps) }
        for epoch in 0..<epochs {
            for callback in callbacks { callback.onEpochBegin(epoch) }
            if verbose { log("Epoch \(epoch + 1)/\(epochs)") }
            let start = Date()
            let order = shuffle ? generator.permutation(n) : Array(0..<n)
            var lossSum = 0.0
            var correct = [Int](repeating: 0, count: metrics.count)
            var seen = 0
            var judged = 0
            for step in 0..<steps {
                let indices = Array(order[(step * batchSize)..<min((step + 1) * batchSize, n)])
                let bx = trainX.gathering(indices)
                let by = trainY.gathering(indices)
                let (batchLoss, predictions) = trainStep(bx, by)
                lossSum += Double(batchLoss) * Double(indices.count)
                seen += indices.count
                judged += isBinary(predictions, loss: loss) ? predictions.count : indices.count
                for (i, metric) in metrics.enumerated() {
                    correct[i] += metric.correctCount(predictions, by, loss: outputLoss)
                }
                var logs = ["loss": Float(lossSum / Double(seen))]
                for (i, metric) in metrics.enumerated() { logs[metric.name] = Float(correct[i]) / Float(judged) }
                for callback in callbacks { callback.onBatchEnd(step, logs: logs) }
            }
            var logs = ["loss": Float(lossSum / Double(max(seen, 1)))]
            for (i, metric) in metrics.enumerated() { logs[metric.name] = Float(correct[i]) / Float(max(judged, 1)) }
            if let (vx, vy) = validation {
                for (key, value) in evaluate(vx, vy, batchSize: max(batchSize, 256)) { logs["val_" + key] = value }
            }
            let seconds = Date().timeIntervalSince(start)
            history.record(epoch: epoch, logs: logs, seconds: seconds)
            history.learningRates.append(optimizer.learningRate)
            if verbose {
                let perStep = seconds / Double(max(steps, 1)) * 1000
                log(
                    "\(steps)/\(steps) - \(Int(seconds.rounded()))s - \(Int(perStep.rounded()))ms/step - \(formatLogs(logs))"
                )
            }
            for callback in callbacks { callback.onEpochEnd(epoch, logs: logs) }
        }
        for callback in callbacks { callback.onTrainEnd(history: history) }
        return history
    }
}

/// Keras' split: the first floor(n * (1 - split)) samples train, the rest validate (10 at 0.25:
/// 7 and 3; 60,000 at 0.1: 54,000 and 6,000). In Double, as Python computes it.
func trainingCount(samples n: Int, validationSplit: Double) -> Int {
    Int((Double(n) * (1 - validationSplit)).rounded(.down))
}
