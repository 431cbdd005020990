/// How a convolution or pooling window treats the borders of its input.
///
/// Sizes follow Dumoulin & Visin's per-side convention: for an input of size i, a window k, a
/// stride s and p_before + p_after cells of padding, the output has
/// o = floor((i + p_before + p_after - k) / s) + 1 cells.
public enum Padding: Equatable, Sendable, CustomStringConvertible {
    /// No padding: the window stays inside the input (o = floor((i - k) / s) + 1).
    case valid
    /// Keras/TensorFlow's 'same': o = ceil(i / s); the padding total is split with any odd extra
    /// cell at the bottom/right.
    case same
    /// Explicit cells of padding on each side.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// The same number of cells on every side.
    public static func uniform(_ cells: Int) -> Padding {
        .explicit(top: cells, bottom: cells, left: cells, right: cells)
    }

    /// 'Full' padding, k - 1 cells each side, so every overlap of window and input is visited
    /// (o = i + k - 1 at stride 1).
    public static func full(kernelSize: (Int, Int)) -> Padding {
        .explicit(top: kernelSize.0 - 1, bottom: kernelSize.0 - 1, left: kernelSize.1 - 1, right: kernelSize.1 - 1)
    }

    public var description: String {
        switch self {
        case .valid: return "valid"
        case .same: return "same"
        case .explicit(let t, let b, let l, let r): return "explicit(top: \(t), bottom: \(b), left: \(l), right: \(r))"
        }
    }

    /// Cells of padding (before, after) along one axis of `input` cells, window `kernel`, `stride`.
    public func amounts(input: Int, kernel: Int, stride: Int, axis: Int) -> (before: Int, after: Int) {
        switch self {
        case .valid:
            return (0, 0)
        case .same:
            let output = (input + stride - 1) / stride
            let total = Swift.max((output - 1) * stride + kernel - input, 0)
            return (total / 2, total - total / 2)
        case .explicit(let top, let bottom, let left, let right):
            require(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "Padding: negative padding \(self)")
            return axis == 0 ? (top, bottom) : (left, right)
        }
    }
}

/// o = floor((i + p_before + p_after - k) / s) + 1, the number of window positions along one axis.
public func outputSize(input: Int, kernel: Int, stride: Int, paddingBefore: Int = 0, paddingAfter: Int = 0) -> Int {
    require(stride >= 1, "stride must be at least 1, got \(stride)")
    let span = input + paddingBefore + paddingAfter - kernel
    return span < 0 ? 0 : span / stride + 1
}

/// The full geometry of a sliding window over an `[N, H, W, C]` input: sizes, strides, padding and
/// the output's height and width. Shared by convolution and pooling.
public struct WindowGeometry: Equatable, Sendable {
    public let batch: Int, height: Int, width: Int, channels: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let strideY: Int, strideX: Int
    public let top: Int, bottom: Int, left: Int, right: Int
    public let outputHeight: Int, outputWidth: Int

    public init(inputShape: [Int], kernelSize: (Int, Int), strides: (Int, Int), padding: Padding, operation: String) {
        require(inputShape.count == 4, "\(operation): input must be [N, H, W, C], got \(inputShape)")
        require(kernelSize.0 >= 1 && kernelSize.1 >= 1, "\(operation): window \(kernelSize) must be at least 1x1")
        require(strides.0 >= 1 && strides.1 >= 1, "\(operation): strides \(strides) must be at least 1")
        batch = inputShape[0]
        height = inputShape[1]
        width = inputShape[2]
        channels = inputShape[3]
        kernelHeight = kernelSize.0
        kernelWidth = kernelSize.1
        strideY = strides.0
        strideX = strides.1
        let py = padding.amounts(input: height, kernel: kernelHeight, stride: strideY, axis: 0)
        let px = padding.amounts(input: width, kernel: kernelWidth, stride: strideX, axis: 1)
        top = py.before
        bottom = py.after
        left = px.before
        right = px.after
        outputHeight = outputSize(
            input: height, kernel: kernelHeight, stride: strideY, paddingBefore: top, paddingAfter: bottom)
        outputWidth = outputSize(
            input: width, kernel: kernelWidth, stride: strideX, paddingBefore: left, paddingAfter: right)
        require(
            outputHeight >= 1 && outputWidth >= 1,
            "\(operation): a \(kernelHeight)x\(kernelWidth) window does not fit a \(height)x\(width) input with padding \(padding)"
        )
    }

    /// Rows of the im2col matrix: one per output position, N * OH * OW.
    var positions: Int { batch * outputHeight * outputWidth }
}
