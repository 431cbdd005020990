/// The two CNNs of the Keras tutorials the course follows, on 28x28x1 MNIST inputs.
extension Sequential {
    /// Model A: Conv2D(32, 3x3, relu), MaxPooling2D(2), Conv2D(64, 3x3, relu), MaxPooling2D(2),
    /// Flatten, Dense(128, relu), Dense(10, softmax); 225,034 parameters. Trained with batch 128.
    public static func tutorialModelA(seed: UInt64 = 42) -> Sequential {
        Sequential(
            [
                Conv2D(32, kernelSize: 3, activation: .relu, inputShape: [28, 28, 1]),
                MaxPooling2D(2),
                Conv2D(64, kernelSize: 3, activation: .relu),
                MaxPooling2D(2),
                Flatten(),
                Dense(128, activation: .relu),
                Dense(10, activation: .softmax),
            ], seed: seed)
    }

    /// Model B: Conv2D(32, 3, relu), MaxPooling2D(2), Conv2D(64, 3, relu), MaxPooling2D(2),
    /// Conv2D(128, 3, relu), Flatten, Dense(10, softmax); 104,202 parameters. Trained with batch 64.
    public static func tutorialModelB(seed: UInt64 = 42) -> Sequential {
        Sequential(
            [
                Conv2D(32, kernelSize: 3, activation: .relu, inputShape: [28, 28, 1]),
                MaxPooling2D(2),
                Conv2D(64, kernelSize: 3, activation: .relu),
                MaxPooling2D(2),
                Conv2D(128, kernelSize: 3, activation: .relu),
                Flatten(),
                Dense(10, activation: .softmax),
            ], seed: seed)
    }
}
