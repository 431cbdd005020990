/// Keras' `ZeroPadding2D(padding)`: rows and columns of zeros around each image, [N, H, W, C] to
/// [N, top + H + bottom, left + W + right, C]. Keras' three forms of `padding`:
/// `ZeroPadding2D(padding: 1)` (every side), `ZeroPadding2D(padding: (1, 2))` (1 row above and
/// below, 2 columns left and right), `ZeroPadding2D(padding: ((1, 0), (2, 1)))` ((top, bottom),
/// (left, right)).
public final class ZeroPadding2D: ShareableLayer {
    public var name = "zero_padding2d"
    public let typeName = "ZeroPadding2D"
    public let top: Int, bottom: Int, left: Int, right: Int
    public let declaredInputShape: [Int]?
    private var ran = false

    public init(padding: ((Int, Int), (Int, Int)), inputShape: [Int]? = nil) {
        (top, bottom) = padding.0
        (left, right) = padding.1
        require(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "ZeroPadding2D: negative padding \(padding)")
        declaredInputShape = inputShape
    }

    /// (rows above and below, columns left and right).
    public convenience init(padding: (Int, Int), inputShape: [Int]? = nil) {
        self.init(padding: ((padding.0, padding.0), (padding.1, padding.1)), inputShape: inputShape)
    }

    /// The same number of cells on every side (Keras' default is 1).
    public convenience init(padding: Int = 1, inputShape: [Int]? = nil) {
        self.init(padding: ((padding, padding), (padding, padding)), inputShape: inputShape)
    }

    /// Positional, as Keras' `ZeroPadding2D(1)`.
    public convenience init(_ padding: Int, inputShape: [Int]? = nil) {
        self.init(padding: ((padding, padding), (padding, padding)), inputShape: inputShape)
    }

    public func inputShapeProblem(_ inputShape: [Int]) -> String? {
        inputShape.count == 3 ? nil : "\(name): ZeroPadding2D takes [H, W, C] inputs, got \(inputShape)"
    }

    public func outputShape(inputShape: [Int]) -> [Int] {
        [top + inputShape[0] + bottom, left + inputShape[1] + right, inputShape[2]]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        if mode.keepsCache { ran = true }
        return zeroPad2d(x, top: top, bottom: bottom, left: left, right: right)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        require(ran, "\(name): backward called before a forward pass in training mode")
        return zeroPad2dBackward(outputGradient: dy, top: top, bottom: bottom, left: left, right: right)
    }

    public func takeCache() -> Any? {
        defer { ran = false }
        return ran
    }
    public func restoreCache(_ cache: Any?) { ran = cache as? Bool ?? false }
}
