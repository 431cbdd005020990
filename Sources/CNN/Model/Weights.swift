// A model's weights in bulk, in Keras' order: layer by layer, each layer's parameters as
// `Layer.parameters` lists them.

extension Model {
    /// Every parameter's values, layer by layer in Keras' order (kernel, bias; gamma, beta,
    /// moving mean, moving variance), as Keras' `get_weights()`.
    public func getWeights() -> [Tensor] { parameters.map(\.value) }

    /// Sets every parameter, in the order of `getWeights()` (Keras' `set_weights`). The count and
    /// every shape must match; on a mismatch nothing changes and the error names the parameter.
    public func setWeights(_ weights: [Tensor]) throws(ModelError) {
        ensureBuilt()
        let targets = layers.flatMap { layer in layer.parameters.map { ("\(layer.name)/\($0.name)", $0) } }
        guard weights.count == targets.count else {
            throw ModelError(
                "\(name).setWeights: \(weights.count) arrays given, the model has \(targets.count) ("
                    + targets.map(\.0).joined(separator: ", ") + ")")
        }
        for (i, ((key, parameter), value)) in zip(targets, weights).enumerated()
        where value.shape != parameter.value.shape {
            throw ModelError(
                "\(name).setWeights: array \(i) is \(key), which has shape \(parameter.value.shape), not \(value.shape)"
            )
        }
        for ((_, parameter), value) in zip(targets, weights) { parameter.value = value }
    }
}

/// A model used in a way it does not allow, with what is wrong in one line.
public struct ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
