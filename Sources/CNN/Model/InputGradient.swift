// Gradients with respect to a model's input, for saliency maps: which pixels move the loss or a
// class score most. The model behaves as it predicts (dropout off, running batch-norm
// statistics); only its parameters' `gradient`s are overwritten.

extension Sequential {
    /// dL/dx: the gradient of the compiled loss on (x, y) with respect to the input `[N, ...]`, with
    /// the model as it predicts (dropout off, running batch-norm statistics) and the loss taken as
    /// training takes it. Nothing in the model changes but the parameters' `gradient`s.
    public func inputGradient(_ x: Tensor, _ y: Tensor) -> Tensor {
        withFirstLayerInputGradient {
            let (output, logits) = forwardForLoss(x, mode: .inferenceForBackward)
            let gradient = batchLoss(output: output, logits: logits, y).gradient
            return backpropagate(gradient, throughLogits: logits != nil)
        }
    }

    /// The gradient with respect to the input of sum(outputGradient * f(x)), f the model's output
    /// or, with `beforeActivation`, the last layer's values before its activation (the class scores
    /// of a saliency map: `outputGradient` one-hot on a class gives d score_class / dx per sample).
    /// The model behaves as it predicts; only the parameters' `gradient`s change.
    public func inputGradient(_ x: Tensor, outputGradient: Tensor, beforeActivation: Bool = false) -> Tensor {
        withFirstLayerInputGradient {
            checkInput(x)
            let hidden = layers.dropLast().reduce(x) { $1.forward($0, mode: .inferenceForBackward) }
            guard let last = layers.last else { return outputGradient }
            let output: Tensor
            if beforeActivation {
                guard let activated = last as? ActivatedLayer else {
                    fatalError("\(name): inputGradient(beforeActivation:) needs a last layer with an activation, not \(last.typeName)")
                }
                output = activated.forwardWithPreActivation(hidden, mode: .inferenceForBackward).preActivation
            } else {
                output = last.forward(hidden, mode: .inferenceForBackward)
            }
            require(outputGradient.shape == output.shape,
                    "\(name): outputGradient has shape \(outputGradient.shape), the \(beforeActivation ? "logits have" : "output has") \(output.shape)")
            return backpropagate(outputGradient, throughLogits: beforeActivation)
        }
    }

    /// Runs `body` with the first convolution computing dL/dinput (training skips it).
    private func withFirstLayerInputGradient<R>(_ body: () -> R) -> R {
        let first = layers.first as? Conv2D
        let saved = first?.computesInputGradient
        first?.computesInputGradient = true
        defer { if let saved { first?.computesInputGradient = saved } }
        return body()
    }
}
