/// What a model's caching forward pass (`Model.run`) keeps for its backward pass
/// (`Model.backpropagate`): the steps it ran, in order. The backward pass goes back through them
/// in reverse, each as the forward pass ran it, and knows nothing else about how they ran.
struct Tape {
    /// One step of the forward pass: one node, or a Conv2D node and the MaxPooling2D node reading
    /// it, run as one pass.
    struct Step {
        /// The nodes the step ran: it read the first one's inputs and wrote the last one's output.
        let nodes: ClosedRange<Int>
        let kept: Kept
    }

    /// Where the step's pass is kept.
    enum Kept {
        /// In its layer, whose `backward` goes back through its last caching pass.
        case inLayer
        /// Here: the pass of a layer called at several nodes (`ShareableLayer.takeCache`), handed
        /// back to it before this node's backward pass; its parameter gradients are summed over
        /// its nodes.
        case shared(Any?)
        /// Here: a convolution's pass (`Conv2D.backward(_:through:)`), the pair run as one pass.
        case convolution(Conv2D, Conv2D.Pass)
    }

    var steps: [Step] = []
}
