import CBLAS
import XCTest

@testable import CNN

final class ConvolutionTests: XCTestCase {
    /// A 3x3 kernel on a 5x5 image, worked by hand.
    func testKnownValues3x3On5x5() {
        let image = Tensor(shape: [1, 5, 5, 1], scalars: (0..<25).map(Float.init))  // 0 ... 24 row by row
        // The vertical-edge kernel [[1, 0, -1]] x 3 rows.
        let kernel = Tensor(shape: [3, 3, 1, 1], scalars: [1, 0, -1, 1, 0, -1, 1, 0, -1])
        let y = conv2d(image, kernel: kernel, bias: Tensor([0.5]))
        XCTAssertEqual(y.shape, [1, 3, 3, 1])
        // Each window: sum of (left column - right column) = 3 rows * (-2) = -6, plus bias 0.5.
        XCTAssertEqual(y.scalars, [Float](repeating: -5.5, count: 9))
        // Top-left output of the all-ones kernel is 0+1+2+5+6+7+10+11+12 = 54.
        let ones = conv2d(image, kernel: Tensor(repeating: 1, shape: [3, 3, 1, 1]))
        XCTAssertEqual(ones[0, 0, 0, 0], 54)
        XCTAssertEqual(ones[0, 2, 2, 0], 12 + 13 + 14 + 17 + 18 + 19 + 22 + 23 + 24)
        // 'same' keeps 5x5; its corner sees only 4 pixels: 0+1+5+6 = 12.
        let same = conv2d(image, kernel: Tensor(repeating: 1, shape: [3, 3, 1, 1]), padding: .same)
        XCTAssertEqual(same.shape, [1, 5, 5, 1])
        XCTAssertEqual(same[0, 0, 0, 0], 12)
    }

    /// o = floor((i + p_before + p_after - k) / s) + 1 against the core, for many sizes.
    func testOutputSizesFollowTheFormula() {
        for i in 1...12 {
            for k in 1...min(i, 5) {
                for s in 1...3 {
                    for p in 0...2 {
                        let x = Tensor(zeros: [1, i, i + 1, 1])
                        let y = conv2d(x, kernel: Tensor(zeros: [k, k, 1, 1]), strides: (s, s), padding: .uniform(p))
                        XCTAssertEqual(y.shape[1], (i + 2 * p - k) / s + 1, "i=\(i) k=\(k) s=\(s) p=\(p)")
                        XCTAssertEqual(y.shape[2], (i + 1 + 2 * p - k) / s + 1)
                        let v = conv2d(x, kernel: Tensor(zeros: [k, k, 1, 1]), strides: (s, s), padding: .valid)
                        XCTAssertEqual(v.shape[1], (i - k) / s + 1)
                        // Keras 'same': ceil(i / s) whatever the kernel.
                        let same = conv2d(x, kernel: Tensor(zeros: [k, k, 1, 1]), strides: (s, s), padding: .same)
                        XCTAssertEqual(same.shape[1], (i + s - 1) / s)
                        XCTAssertEqual(same.shape[2], (i + 1 + s - 1) / s)
                    }
                }
            }
        }
        // The ambiguity with stride: k=3, s=2, p=1 maps both 5 and 6 to 3.
        XCTAssertEqual(outputSize(input: 5, kernel: 3, stride: 2, paddingBefore: 1, paddingAfter: 1), 3)
        XCTAssertEqual(outputSize(input: 6, kernel: 3, stride: 2, paddingBefore: 1, paddingAfter: 1), 3)
    }

    /// 'same' puts the odd extra padding cell at the bottom/right, as TensorFlow does.
    func testSamePaddingPutsOddCellBottomRight() {
        XCTAssertEqual(Padding.same.amounts(input: 6, kernel: 4, stride: 1, axis: 0).before, 1)
        XCTAssertEqual(Padding.same.amounts(input: 6, kernel: 4, stride: 1, axis: 0).after, 2)
        XCTAssertEqual(Padding.same.amounts(input: 6, kernel: 3, stride: 2, axis: 1).before, 0)
        XCTAssertEqual(Padding.same.amounts(input: 6, kernel: 3, stride: 2, axis: 1).after, 1)
    }

    /// The im2col + GEMM path against the seven-loop definition.
    func testFastConvolutionMatchesNaiveTwin() {
        var g = RandomGenerator(seed: 11)
        let cases: [([Int], (Int, Int), Int, (Int, Int), Padding)] = [
            ([2, 7, 6, 3], (3, 3), 4, (1, 1), .valid),
            ([1, 8, 8, 2], (3, 3), 5, (2, 2), .same),
            ([3, 9, 7, 1], (4, 4), 2, (1, 1), .same),
            ([1, 5, 5, 2], (2, 3), 3, (2, 1), .explicit(top: 1, bottom: 0, left: 2, right: 1)),
            ([2, 6, 6, 4], (1, 1), 3, (1, 1), .valid),
        ]
        for (shape, k, f, s, p) in cases {
            let x = Tensor.normal(shape, generator: &g)
            let w = Tensor.normal([k.0, k.1, shape[3], f], generator: &g)
            let b = Tensor.normal([f], generator: &g)
            let fast = conv2d(x, kernel: w, bias: b, strides: s, padding: p)
            let slow = naiveConv2d(x, kernel: w, bias: b, strides: s, padding: p)
            XCTAssertEqual(fast.shape, slow.shape)
            for (a, e) in zip(fast.scalars, slow.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4) }
        }
    }

    func testPoolingByHand() {
        let x = Tensor(
            shape: [1, 4, 4, 1],
            scalars: [
                1, 3, 2, 1,
                4, 2, 0, 1,
                5, 6, 1, 2,
                7, 8, 3, 0,
            ])
        XCTAssertEqual(maxPool2d(x).scalars, [4, 2, 8, 3])
        XCTAssertEqual(avgPool2d(x).scalars, [2.5, 1, 6.5, 1.5])
        // Max pooling's gradient goes only to the winner of each window.
        let dx = maxPool2dBackward(input: x, outputGradient: Tensor(shape: [1, 2, 2, 1], scalars: [1, 1, 1, 1]))
        XCTAssertEqual(dx.scalars, [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0])
        // 26x26 -> 13x13 with 2x2 windows; per channel.
        XCTAssertEqual(maxPool2d(Tensor(zeros: [2, 26, 26, 5])).shape, [2, 13, 13, 5])
        // 'same' pooling averages only real cells: a 3x3 input pooled 2x2 'same' gives 2x2.
        let y = avgPool2d(Tensor(repeating: 3, shape: [1, 3, 3, 1]), padding: .same)
        XCTAssertEqual(y.scalars, [3, 3, 3, 3])
        XCTAssertEqual(globalAvgPool2d(x).scalars, [Float(46) / 16])
    }
}

/// The thread count given to `Runtime.configure` changes speed, never results: products are cut
/// into the same blocks whatever the count, and each value of the other loops is computed by the
/// same arithmetic whichever worker computes it.
final class RuntimeTests: XCTestCase {
    func testThreadCountChangesNoResult() {
        let saved = Runtime.threads
        defer { Runtime.configure(threads: saved) }
        let x = Tensor.normal([8, 20, 20, 8], seed: 1)
        let w = Tensor.normal([3, 3, 8, 16], seed: 2)
        let a = Tensor.normal([300, 200], seed: 3)
        let b = Tensor.normal([200, 150], seed: 4)
        func run() -> [Tensor] {
            let y = conv2d(x, kernel: w, padding: .same)
            let grads = conv2dBackward(input: x, kernel: w, outputGradient: y, padding: .same)
            return [
                y, grads.input, grads.kernel, grads.bias, matmul(a, b), matmul(a, a, transposeA: true), maxPool2d(y),
            ]
        }
        Runtime.configure(threads: 1)
        XCTAssertEqual(Runtime.threads, 1)
        let serial = run()
        Runtime.configure(threads: 4)
        XCTAssertEqual(Runtime.threads, 4)
        let parallel = run()
        for (i, (p, q)) in zip(parallel, serial).enumerated() {
            XCTAssertEqual(p.shape, q.shape)
            let differing = zip(p.scalars, q.scalars).filter { $0 != $1 }
            XCTAssertTrue(
                differing.isEmpty,
                "result \(i): \(differing.count) of \(p.count) values differ, e.g. \(differing.prefix(3))")
        }
        Runtime.configure(threads: 0)
        XCTAssertEqual(Runtime.threads, 1, "clamped to at least one")
    }

    /// Library calls change nothing process-wide: building, training and evaluating a model leave
    /// OpenBLAS's thread count and the core's own as the program set them.
    func testModelsLeaveTheProcessAlone() {
        let savedBLAS = openblas_get_num_threads()
        let savedThreads = Runtime.threads
        defer { openblas_set_num_threads(savedBLAS) }
        openblas_set_num_threads(3)
        let model = Sequential.tutorialModelB(seed: 5)
        model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        let x = Tensor.uniform([16, 28, 28, 1], seed: 6)
        let y = Tensor((0..<16).map { Float($0 % 10) })
        model.fit(x, y, epochs: 1, batchSize: 8, verbose: false)
        _ = model.evaluate(x, y)
        XCTAssertEqual(openblas_get_num_threads(), 3, "OpenBLAS keeps the program's setting")
        XCTAssertEqual(Runtime.threads, savedThreads)
    }
}
