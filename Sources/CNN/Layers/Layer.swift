/// A trainable (or fixed) array of a layer, with the gradient the last backward pass left in it.
public final class Parameter {
    /// Keras' variable name within its layer: "kernel", "bias", "gamma", "moving_mean", ...
    public let name: String
    public var value: Tensor
    /// dL/dvalue from the last backward pass; zeros before any.
    public var gradient: Tensor
    /// Whether the optimiser updates it (batch normalisation's running statistics are not).
    public let trainable: Bool

    public init(name: String, value: Tensor, trainable: Bool = true) {
        self.name = name
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
        self.trainable = trainable
    }
}

/// How a forward pass behaves and whether it keeps what a backward pass needs.
public enum ForwardMode: Sendable, Equatable {
    /// Training behaviour (dropout on, batch statistics, running statistics updated), caches kept.
    case training
    /// Inference behaviour (dropout off, running batch-norm statistics), nothing kept.
    case inference
    /// Inference behaviour with caches kept, so a backward pass can follow: gradients of the
    /// deployed model with respect to its input (saliency) change nothing in it.
    case inferenceForBackward

    /// Whether the layers behave as in training.
    public var isTraining: Bool { self == .training }
    /// Whether layers keep what their backward pass needs.
    public var keepsCache: Bool { self != .inference }
}

/// A layer of a `Sequential` model. Shapes exclude the batch axis (Keras' `input_shape`), so an
/// MNIST image is `[28, 28, 1]`.
///
/// A layer caches what its backward pass needs during `forward(_:mode:)` (training, or inference
/// for backward); `backward(_:)` takes dL/doutput, stores dL/dparameter in each
/// `Parameter.gradient` and returns dL/dinput, following the mode of the last caching pass.
public protocol Layer: AnyObject {
    /// The layer's name in the model, such as "conv2d_1".
    var name: String { get set }
    /// Keras' class name, such as "Conv2D".
    var typeName: String { get }
    /// The shape this layer was declared to take (`inputShape:`), if any; it fixes the model's input.
    var declaredInputShape: [Int]? { get }
    /// Its weights, in Keras' order (kernel, then bias).
    var parameters: [Parameter] { get }
    /// Creates the weights for inputs of `inputShape`.
    func build(inputShape: [Int], generator: inout RandomGenerator)
    /// The output shape for an input shape, batch axis excluded.
    func outputShape(inputShape: [Int]) -> [Int]
    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor
    func backward(_ outputGradient: Tensor) -> Tensor
    /// Why the layer cannot take inputs of `inputShape` (batch axis excluded), or nil when it can:
    /// a functional model asks when the layer is called on a symbolic tensor, so the error points
    /// at that call ("conv2d: Conv2D takes [H, W, C] inputs, got [784]").
    func inputShapeProblem(_ inputShape: [Int]) -> String?
}

extension Layer {
    /// The forward pass in training mode (`true`) or inference mode (`false`).
    public func forward(_ x: Tensor, training: Bool) -> Tensor { forward(x, mode: training ? .training : .inference) }
    public var declaredInputShape: [Int]? { nil }
    public var parameters: [Parameter] { [] }
    public func build(inputShape: [Int], generator: inout RandomGenerator) {}
    public func inputShapeProblem(_ inputShape: [Int]) -> String? { nil }
    /// The current values of its parameters (Keras' `get_weights()`).
    public var weights: [Tensor] { parameters.map(\.value) }
    /// dL/dparameter from the last backward pass, in the order of `weights`.
    public var gradients: [Tensor] { parameters.map(\.gradient) }
    /// The number of values in its parameters, as `summary()` counts them.
    public var parameterCount: Int { parameters.map(\.value.count).reduce(0, +) }
    /// The parameter called `name` ("kernel", "bias", ...).
    public func parameter(_ name: String) -> Parameter? { parameters.first { $0.name == name } }
}

/// A layer ending in an activation function, whose pre-activation gradient can be entered
/// directly (softmax fused with cross-entropy).
public protocol ActivatedLayer: Layer {
    var activation: ActivationFunction { get }
    /// z, the values before the activation, from the last caching forward pass.
    var preActivation: Tensor? { get }
    /// The forward pass returning both y = activation(z) and z (the logits a loss can take).
    func forwardWithPreActivation(_ x: Tensor, mode: ForwardMode) -> (output: Tensor, preActivation: Tensor)
    /// The backward pass given dL/dz instead of dL/dy.
    func backward(preActivationGradient dz: Tensor) -> Tensor
}

extension ActivatedLayer {
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor { forwardWithPreActivation(x, mode: mode).output }
}

/// A layer a functional model may call at several places (Keras' shared layers: one set of
/// weights, each call its own backward pass). A layer keeps the cache of its last caching forward
/// pass; the model takes each call's cache out after that call's forward pass and hands it back
/// before that call's backward pass.
public protocol ShareableLayer: Layer {
    /// What the last caching forward pass kept for `backward`, handed over and forgotten.
    func takeCache() -> Any?
    /// Puts back a cache `takeCache()` returned.
    func restoreCache(_ cache: Any?)
}

/// A layer whose kernel may carry a weight penalty (Keras' `kernel_regularizer`).
public protocol RegularizedLayer: Layer {
    var kernel: Parameter? { get }
    var kernelRegularizer: Regularizer? { get }
}

/// Why a window (convolution or pooling) cannot slide over [H, W, C] inputs of `inputShape`, or nil.
func windowProblem(
    _ layer: String, _ typeName: String, inputShape: [Int], kernelSize: (Int, Int), strides: (Int, Int),
    padding: Padding
) -> String? {
    guard inputShape.count == 3 else { return "\(layer): \(typeName) takes [H, W, C] inputs, got \(inputShape)" }
    let py = padding.amounts(input: inputShape[0], kernel: kernelSize.0, stride: strides.0, axis: 0)
    let px = padding.amounts(input: inputShape[1], kernel: kernelSize.1, stride: strides.1, axis: 1)
    let oh = outputSize(
        input: inputShape[0], kernel: kernelSize.0, stride: strides.0, paddingBefore: py.before, paddingAfter: py.after)
    let ow = outputSize(
        input: inputShape[1], kernel: kernelSize.1, stride: strides.1, paddingBefore: px.before, paddingAfter: px.after)
    guard oh >= 1, ow >= 1 else {
        return
            "\(layer): a \(kernelSize.0)x\(kernelSize.1) window does not fit a \(inputShape[0])x\(inputShape[1]) input with padding \(padding)"
    }
    return nil
}

/// Keras' default layer names: "conv2d", "max_pooling2d", ...
func kerasBaseName(_ typeName: String) -> String {
    switch typeName {
    case "Conv2D": return "conv2d"
    case "MaxPooling2D": return "max_pooling2d"
    case "AveragePooling2D": return "average_pooling2d"
    case "GlobalAveragePooling2D": return "global_average_pooling2d"
    case "BatchNormalization": return "batch_normalization"
    case "ZeroPadding2D": return "zero_padding2d"
    case "InputLayer": return "input_layer"
    default: return typeName.lowercased()
    }
}

func requireBuilt<T>(_ value: T?, _ layer: String) -> T {
    guard let value else { fatalError("\(layer) is not built: add it to a model and give the model an input shape") }
    return value
}

func requireForward<T>(_ value: T?, _ layer: String) -> T {
    guard let value else { fatalError("\(layer): backward called before a forward pass in training mode") }
    return value
}
