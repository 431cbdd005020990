// Zero padding of images: x [N, H, W, C] to [N, top + H + bottom, left + W + right, C], the new
// border cells zero. Its backward pass crops dL/dy back to the input's cells.

/// `x` with `top`/`bottom` rows and `left`/`right` columns of zeros around every image.
public func zeroPad2d(_ x: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
    require(x.rank == 4, "zeroPad2d: input must be [N, H, W, C], got \(x.shape)")
    require(
        top >= 0 && bottom >= 0 && left >= 0 && right >= 0,
        "zeroPad2d: negative padding (\(top), \(bottom), \(left), \(right))")
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let oh = top + h + bottom
    let ow = left + w + right
    var y = [Float](repeating: 0, count: n * oh * ow * c)
    for b in 0..<n {
        for i in 0..<h {
            // One input row (w * c values) lands as one run inside the padded row.
            let source = (b * h + i) * w * c
            let target = ((b * oh + top + i) * ow + left) * c
            for j in 0..<(w * c) { y[target + j] = x.scalars[source + j] }
        }
    }
    return Tensor(shape: [n, oh, ow, c], scalars: y)
}

/// dL/dx from dL/dy of `zeroPad2d`: the cells of dy that came from x (the border's gradient has
/// nowhere to go).
public func zeroPad2dBackward(outputGradient dy: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
    require(dy.rank == 4, "zeroPad2dBackward: gradient must be [N, H, W, C], got \(dy.shape)")
    let (n, oh, ow, c) = (dy.shape[0], dy.shape[1], dy.shape[2], dy.shape[3])
    let h = oh - top - bottom
    let w = ow - left - right
    require(h >= 0 && w >= 0, "zeroPad2dBackward: padding larger than the gradient \(dy.shape)")
    var dx = [Float](repeating: 0, count: n * h * w * c)
    for b in 0..<n {
        for i in 0..<h {
            let target = (b * h + i) * w * c
            let source = ((b * oh + top + i) * ow + left) * c
            for j in 0..<(w * c) { dx[target + j] = dy.scalars[source + j] }
        }
    }
    return Tensor(shape: [n, h, w, c], scalars: dx)
}
