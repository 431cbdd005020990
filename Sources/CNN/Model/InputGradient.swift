// Gradients with respect to a model's input, for saliency maps: which pixels move the loss or a
// class score most. The model behaves as it predicts (dropout off, running batch-norm
// statistics); only its parameters' `gradient`s are overwritten.

extension Model {
    /// dL/dx: the gradient of the compiled loss on (x, y) with respect to the input `[N, ...]`, with
    /// the model as it predicts (dropout off, running batch-norm statistics) and the loss taken as
    /// training takes it. Nothing in the model changes but the parameters' `gradient`s.
    public func inputGradient(_ x: Tensor, _ y: Tensor) -> Tensor {
        withInputGradients(x) {
            let (output, logits, tape) = forwardForLoss(x, mode: .inferenceForBackward)
            let gradient = batchLoss(output: output, logits: logits, y).gradient
            return backpropagate(gradient, through: tape, throughLogits: logits != nil)
        }
    }

    /// The gradient with respect to the input of sum(outputGradient * f(x)), f the model's output
    /// or, with `beforeActivation`, the last layer's values before its activation (the class scores
    /// of a saliency map: `outputGradient` one-hot on a class gives d score_class / dx per sample).
    /// The model behaves as it predicts; only the parameters' `gradient`s change.
    public func inputGradient(_ x: Tensor, outputGradient: Tensor, beforeActivation: Bool = false) -> Tensor {
        withInputGradients(x) {
            checkInput(x)
            guard let last = graph.nodes.last?.layer else { return outputGradient }
            if beforeActivation, !(last is ActivatedLayer) {
                fatalError(
                    "\(name): inputGradient(beforeActivation:) needs a last layer with an activation, not \(last.typeName)"
                )
            }
            // Layer by layer (no fused pairs), as the model ran before fused passes existed.
            let (output, logits, tape) = run(x, mode: .inferenceForBackward, logits: beforeActivation, fuses: false)
            let scored = beforeActivation ? logits! : output
            require(
                outputGradient.shape == scored.shape,
                "\(name): outputGradient has shape \(outputGradient.shape), the \(beforeActivation ? "logits have" : "output has") \(scored.shape)"
            )
            return backpropagate(outputGradient, through: tape, throughLogits: beforeActivation)
        }
    }

    /// Runs `body` with the convolutions that read the input computing dL/dinput (training skips it).
    private func withInputGradients<R>(_ x: Tensor, _ body: () -> R) -> R {
        ensureBuilt(for: x)
        let convolutions = graph.convolutionsOnInput
        let saved = convolutions.map(\.computesInputGradient)
        for conv in convolutions { conv.computesInputGradient = true }
        defer { for (conv, value) in zip(convolutions, saved) { conv.computesInputGradient = value } }
        return body()
    }
}
