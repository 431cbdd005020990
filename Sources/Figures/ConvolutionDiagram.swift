import CNN
import Foundation

/// The classic convolution (or pooling) diagram: the padded input grid, the kernel grid and the
/// output grid, a number in every cell, padding cells drawn distinctly, the current window
/// outlined, and the output filled in up to the current step.
public struct ConvolutionDiagram: Figure, Sendable {
    public enum Operation: Equatable, Sendable {
        case convolution(kernel: Tensor)
        case maxPooling(size: Int)
        case averagePooling(size: Int)
    }

    public var input: Tensor  // [H, W]
    public var operation: Operation
    public var stride: Int
    public var padding: Padding
    /// The output cell being computed (row-major index); nil shows the finished output.
    public var step: Int?
    public var title: String?
    /// Names over the three grids in place of "input", "kernel" and "output" (the sizes follow),
    /// for diagrams of other multiply-and-sums, such as a backward pass ("δ, dilated", "kernel
    /// rotated 180°", "dL/dx").
    public var inputName: String?, kernelName: String?, outputName: String?

    public init(
        input: Tensor, kernel: Tensor, stride: Int = 1, padding: Padding = .valid, step: Int? = 0, title: String? = nil
    ) {
        self.input = input
        self.operation = .convolution(kernel: kernel)
        self.stride = stride
        self.padding = padding
        self.step = step
        self.title = title
    }

    public init(
        input: Tensor, maxPooling size: Int, stride: Int? = nil, padding: Padding = .valid, step: Int? = 0,
        title: String? = nil
    ) {
        self.input = input
        self.operation = .maxPooling(size: size)
        self.stride = stride ?? size
        self.padding = padding
        self.step = step
        self.title = title
    }

    public init(
        input: Tensor, averagePooling size: Int, stride: Int? = nil, padding: Padding = .valid, step: Int? = 0,
        title: String? = nil
    ) {
        self.input = input
        self.operation = .averagePooling(size: size)
        self.stride = stride ?? size
        self.padding = padding
        self.step = step
        self.title = title
    }

    var windowSize: (Int, Int) {
        switch operation {
        case .convolution(let kernel): return (kernel.shape[0], kernel.shape[1])
        case .maxPooling(let size), .averagePooling(let size): return (size, size)
        }
    }

    /// The output the core computes for this diagram ([OH, OW]).
    public var output: Tensor {
        let x = input.reshaped([1, input.shape[0], input.shape[1], 1])
        let y: Tensor
        switch operation {
        case .convolution(let kernel):
            y = conv2d(
                x, kernel: kernel.reshaped([kernel.shape[0], kernel.shape[1], 1, 1]), strides: (stride, stride),
                padding: padding)
        case .maxPooling(let size):
            y = maxPool2d(x, poolSize: (size, size), strides: (stride, stride), padding: padding)
        case .averagePooling(let size):
            y = avgPool2d(x, poolSize: (size, size), strides: (stride, stride), padding: padding)
        }
        return y.reshaped([y.shape[1], y.shape[2]])
    }

    /// How many output cells there are (frames of the animation).
    public var stepCount: Int { output.count }

    /// The size of a cell and the width of the three grids side by side.
    var rowWidth: (cell: Double, width: Double) {
        let (h, w) = (input.shape[0], input.shape[1])
        let (kh, kw) = windowSize
        let py = padding.amounts(input: h, kernel: kh, stride: stride, axis: 0)
        let px = padding.amounts(input: w, kernel: kw, stride: stride, axis: 1)
        let ow = output.shape[1]
        let cell = max(18.0, min(34.0, 300 / Double(max(h + py.before + py.after, w + px.before + px.after))))
        let kernelWidth: Double
        if case .convolution = operation { kernelWidth = Double(kw) * cell + 60 } else { kernelWidth = 96 }
        return (cell, Double(w + px.before + px.after) * cell + kernelWidth + Double(ow) * cell + 70)
    }

    /// The output's label: its name and size, and its stride when it is not 1 (or always, unnamed).
    func outputLabelText(oh: Int, ow: Int) -> String {
        "\(outputName ?? "output") \(oh)x\(ow)" + (outputName == nil || stride != 1 ? " (stride \(stride))" : "")
    }

    /// A diagram wider than a phone's figure puts the kernel and the output under the input there.
    public var hasPhoneLayout: Bool {
        guard input.rank == 2, input.count > 0 else { return false }
        return rowWidth.width > FigureLayout.phoneWidth
    }

    public func render() throws -> RenderedFigure {
        guard input.rank == 2, input.count > 0 else {
            throw FigureError("a convolution diagram needs a [H, W] input, got \(input.shape)")
        }
        if case .convolution(let kernel) = operation, kernel.rank != 2 {
            throw FigureError("a convolution diagram needs a [KH, KW] kernel, got \(kernel.shape)")
        }
        let (h, w) = (input.shape[0], input.shape[1])
        let (kh, kw) = windowSize
        let py = padding.amounts(input: h, kernel: kh, stride: stride, axis: 0)
        let px = padding.amounts(input: w, kernel: kw, stride: stride, axis: 1)
        let out = output
        let (oh, ow) = (out.shape[0], out.shape[1])
        let ph = h + py.before + py.after
        let pw = w + px.before + px.after
        let (cell, rowWidth) = self.rowWidth
        let top = title == nil ? 30.0 : 52
        // On a phone a wide diagram stacks: the input, then the kernel and the output under it.
        let stacked = FigureLayout.phone && rowWidth > FigureLayout.phoneWidth
        let ix = 16.0
        // Where the kernel (or the pooling's name) and the output start, and their row's top.
        let secondTop = stacked ? top + Double(ph) * cell + 34 : top
        let kernelLeft = stacked ? ix + 24 : ix + Double(pw) * cell + 30
        let width: Double
        let height: Double
        if stacked {
            let kernelWidth: Double
            if case .convolution = operation { kernelWidth = Double(kw) * cell + 30 } else { kernelWidth = 66 }
            // The output's label ("output 2x2 (stride 2)", 11 px) may be wider than its cells: about
            // 0.62 em a character in DejaVu Sans, so the stacked figure does not cut it.
            let outputLabel = Double(outputLabelText(oh: oh, ow: ow).count) * 11 * 0.62
            width =
                max(
                    ix + Double(pw) * cell, kernelLeft + kernelWidth + max(Double(ow) * cell, outputLabel))
                + 16
            height = secondTop + Double(max(oh, kh)) * cell + 24
        } else {
            width = rowWidth
            height = top + Double(max(ph, oh, kh)) * cell + 40
        }
        let canvas = try Canvas(width: width, height: height)
        if let title { canvas.title(title, width / 2, 14, size: 14, bold: true) }
        let fontSize = cell * 0.36
        // Input, with padding cells grey and dotted.
        canvas.text(
            "\(inputName ?? "input") \(h)x\(w)" + (ph != h || pw != w ? " padded to \(ph)x\(pw)" : ""), ix, top - 14,
            size: 11, color: .axis)
        for i in 0..<ph {
            for j in 0..<pw {
                let x = ix + Double(j) * cell
                let y = top + Double(i) * cell
                let r = i - py.before
                let c = j - px.before
                let isPadding = r < 0 || r >= h || c < 0 || c >= w
                canvas.fillRect(x, y, cell, cell, isPadding ? Color(hex: 0xEEEEEE) : Color(hex: 0xDCEBFA))
                canvas.strokeRect(
                    x, y, cell, cell, isPadding ? Color(hex: 0xAAAAAA) : Color(hex: 0x6A8CAF), lineWidth: 0.6,
                    dash: isPadding ? [2, 2] : [])
                canvas.text(
                    isPadding ? "0" : Tensor.formatShort(input.scalars[r * w + c]), x + cell / 2, y + cell / 2,
                    size: fontSize, color: isPadding ? Color(hex: 0x777777) : .ink, anchor: .middle)
            }
        }
        let current = step.map { min(max($0, 0), oh * ow - 1) }
        // The finished output of a pooling whose windows do not overlap: every window outlined,
        // so each output cell can be matched with the input cells it summarises.
        var isPooling = true
        if case .convolution = operation { isPooling = false }
        if current == nil, isPooling, stride >= max(kh, kw) {
            for i in 0..<oh {
                for j in 0..<ow {
                    canvas.strokeRect(
                        ix + Double(j * stride) * cell, top + Double(i * stride) * cell, Double(kw) * cell,
                        Double(kh) * cell,
                        .highlight, lineWidth: 1.5)
                }
            }
        }
        if let current {
            let oy = current / ow
            let ox = current % ow
            canvas.strokeRect(
                ix + Double(ox * stride) * cell, top + Double(oy * stride) * cell, Double(kw) * cell, Double(kh) * cell,
                .highlight, lineWidth: 3)
        }
        // Kernel.
        var kx = kernelLeft
        switch operation {
        case .convolution(let kernel):
            canvas.text("\(kernelName ?? "kernel") \(kh)x\(kw)", kx, secondTop - 14, size: 11, color: .axis)
            canvas.text("*", kx - 15, secondTop + Double(kh) * cell / 2, size: 18, anchor: .middle, bold: true)
            for i in 0..<kh {
                for j in 0..<kw {
                    let x = kx + Double(j) * cell
                    let y = secondTop + Double(i) * cell
                    canvas.fillRect(x, y, cell, cell, Color(hex: 0xFFE8CC))
                    canvas.strokeRect(x, y, cell, cell, Color(hex: 0xC77C2E), lineWidth: 0.6)
                    canvas.text(
                        Tensor.formatShort(kernel.scalars[i * kw + j]), x + cell / 2, y + cell / 2, size: fontSize,
                        color: .ink, anchor: .middle)
                }
            }
            kx += Double(kw) * cell + 30
        case .maxPooling:
            canvas.text("max", kx + 12, secondTop + Double(kh) * cell / 2, size: 13, anchor: .middle, bold: true)
            kx += 62
        case .averagePooling:
            canvas.text("mean", kx + 14, secondTop + Double(kh) * cell / 2, size: 13, anchor: .middle, bold: true)
            kx += 66
        }
        canvas.text("=", kx - 14, secondTop + Double(min(kh, oh)) * cell / 2, size: 18, anchor: .middle, bold: true)
        // Output, filled up to the current step.
        canvas.text(outputLabelText(oh: oh, ow: ow), kx, secondTop - 14, size: 11, color: .axis)
        for i in 0..<oh {
            for j in 0..<ow {
                let index = i * ow + j
                let x = kx + Double(j) * cell
                let y = secondTop + Double(i) * cell
                let filled = current.map { index <= $0 } ?? true
                canvas.fillRect(x, y, cell, cell, filled ? Color(hex: 0xDFF2DF) : Color(hex: 0xF4F6F8))
                canvas.strokeRect(x, y, cell, cell, Color(hex: 0x4E9A4E), lineWidth: 0.6)
                if filled {
                    canvas.text(
                        Tensor.formatShort(out.scalars[index]), x + cell / 2, y + cell / 2, size: fontSize, color: .ink,
                        anchor: .middle)
                }
                if index == current { canvas.strokeRect(x, y, cell, cell, .highlight, lineWidth: 3) }
            }
        }
        return RenderedFigure(canvas, notes: [nonFiniteNote(input.scalars)].compactMap { $0 })
    }

    /// One figure per output cell: the window sliding while the output fills in.
    public func frames() throws -> [RenderedFigure] {
        try (0..<stepCount).map { i in
            var d = self
            d.step = i
            return try d.render()
        }
    }
}
