import Foundation

/// A detection in frame pixels.
public struct DetectionBox: Sendable, Equatable, Codable {
    public var x, y, width, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Intersection over union with another box.
    public func iou(_ other: DetectionBox) -> Double {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(x + width, other.x + other.width), bottom = min(y + height, other.y + other.height)
        let intersection = max(0, right - left) * max(0, bottom - top)
        let union = width * height + other.width * other.height - intersection
        return union > 0 ? Double(intersection) / Double(union) : 0
    }
}

/// Multi-scale detection with a Haar cascade, as OpenCV 4's `CascadeClassifier.detectMultiScale` does it: an image
/// pyramid (scale factor 1.1 by default), the window slid in steps of 2 pixels (1 above scale 2), windows of too
/// little variance rejected, each window's features normalised by its standard deviation, stages evaluated until
/// one rejects, and the hits grouped (`groupRectangles`: boxes within 20 % of each other merged, groups with no more
/// than `minNeighbors` members dropped, boxes inside stronger ones dropped).
public struct CascadeDetector: Sendable {
    public let cascade: HaarCascade

    public init(cascade: HaarCascade) {
        self.cascade = cascade
    }

    /// Detects objects in an 8-bit grayscale plane (row stride = width).
    public func detect(_ plane: [UInt8], width: Int, height: Int, scaleFactor: Double = 1.1, minNeighbors: Int = 3,
                       minSize: Int = 0, maxSize: Int? = nil) -> [DetectionBox] {
        guard width > 0, height > 0, plane.count == width * height, scaleFactor > 1 else { return [] }
        let windowWidth = cascade.windowWidth, windowHeight = cascade.windowHeight
        var candidates: [DetectionBox] = []
        let maximum = maxSize ?? max(width, height)
        var factor = 1.0
        while true {
            defer { factor *= scaleFactor }
            let window = (width: Int((Double(windowWidth) * factor).rounded(.toNearestOrEven)),
                          height: Int((Double(windowHeight) * factor).rounded(.toNearestOrEven)))
            if window.width > min(maximum, width) || window.height > min(maximum, height) { break }
            if window.width < minSize || window.height < minSize { continue }
            let scaledWidth = Int((Double(width) / factor).rounded(.toNearestOrEven))
            let scaledHeight = Int((Double(height) / factor).rounded(.toNearestOrEven))
            guard scaledWidth >= windowWidth + 1, scaledHeight >= windowHeight + 1 else { break }
            let scaled = factor == 1 ? plane
                : resizeBilinear(plane, width: width, height: height, to: scaledWidth, scaledHeight)
            let integral = IntegralImage(scaled, width: scaledWidth, height: scaledHeight,
                                         tilted: cascade.hasTiltedFeatures)
            let compiled = CompiledCascade(cascade, for: integral)
            let step = factor > 2 ? 1 : 2
            var y = 0
            while y + windowHeight <= scaledHeight {
                var x = 0
                while x + windowWidth <= scaledWidth {
                    let result = compiled.evaluate(integral, x: x, y: y)
                    if result > 0 {
                        candidates.append(DetectionBox(x: Int((Double(x) * factor).rounded(.toNearestOrEven)),
                                                       y: Int((Double(y) * factor).rounded(.toNearestOrEven)),
                                                       width: window.width, height: window.height))
                    }
                    if result == 0 { x += step }  // rejected at the first stage: skip a position, as OpenCV does
                    x += step
                }
                y += step
            }
        }
        return groupRectangles(candidates, threshold: minNeighbors, eps: 0.2)
    }

}

/// A cascade laid out for one integral-image geometry, as OpenCV's `setOffsets` does: every stump's rectangle
/// corners as offsets from the window origin, weights and leaves in flat arrays, so that evaluating a window is
/// pointer arithmetic with no per-feature allocation or indirection.
struct CompiledCascade {
    /// One stump: three rectangles' corner offsets, their weights, the threshold and the two leaves.
    struct Node {
        var o: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32)
        var w0: Float, w1: Float, w2: Float
        var threshold: Float, left: Float, right: Float
        var tilted: Bool
    }

    private var nodes: [Node]
    private var stageEnds: [Int]
    private var stageThresholds: [Float]
    private let normWidth: Int
    private let normHeight: Int

    init(_ cascade: HaarCascade, for integral: IntegralImage) {
        stageEnds = cascade.stages.map(\.stumps.upperBound)
        stageThresholds = cascade.stages.map(\.threshold)
        normWidth = cascade.windowWidth - 2
        normHeight = cascade.windowHeight - 2
        let stride = integral.stride, tiltedStride = integral.tiltedStride
        nodes = cascade.stumps.map { stump in
            let feature = cascade.features[stump.feature]
            var corners = [Int32](repeating: 0, count: 12)
            var weights: [Float] = [0, 0, 0]
            for (k, r) in feature.rectangles.prefix(3).enumerated() {
                weights[k] = r.weight
                // A tilted rectangle has its top corner at (x, y), `width` along the down-right and `height` along
                // the down-left diagonal (Lienhart & Maydt); its sum is T(p0) − T(p1) − T(p2) + T(p3) on the tilted
                // table, as an upright one is on the plain table.
                let values: [Int] = feature.tilted
                    ? [r.y * tiltedStride + r.x, (r.y + r.height) * tiltedStride + r.x - r.height,
                       (r.y + r.width) * tiltedStride + r.x + r.width,
                       (r.y + r.width + r.height) * tiltedStride + r.x + r.width - r.height]
                    : [r.y * stride + r.x, r.y * stride + r.x + r.width, (r.y + r.height) * stride + r.x,
                       (r.y + r.height) * stride + r.x + r.width]
                for c in 0..<4 { corners[k * 4 + c] = Int32(values[c]) }
            }
            let c = corners
            return Node(o: (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]),
                        w0: weights[0], w1: weights[1], w2: weights[2], threshold: stump.threshold,
                        left: stump.left, right: stump.right, tilted: feature.tilted)
        }
    }

    /// 1 when every stage passes, −k when stage k rejects (0 for the first), −1 for a window too flat to judge.
    func evaluate(_ integral: IntegralImage, x: Int, y: Int) -> Int {
        let sum = integral.sum(x: x + 1, y: y + 1, width: normWidth, height: normHeight)
        let squares = integral.squaredSum(x: x + 1, y: y + 1, width: normWidth, height: normHeight)
        let area = Double(normWidth * normHeight)
        var norm = area * Double(squares) - Double(sum) * Double(sum)
        guard norm > 0 else { return -1 }
        norm = norm.squareRoot()
        let inverse = Float(1 / norm)
        guard area * Double(inverse) < 0.1 else { return -1 }
        return integral.withTables { sums, tiltedSums in
            nodes.withUnsafeBufferPointer { nodeBuffer in
                stageEnds.withUnsafeBufferPointer { ends in
                    stageThresholds.withUnsafeBufferPointer { stageLimits in
                        let plain = sums + (y * integral.stride + x)
                        let slanted = tiltedSums.map { $0 + (y * integral.tiltedStride + x + integral.tiltedPad) }
                            ?? plain
                        let nodes = nodeBuffer.baseAddress!
                        var index = 0
                        for stage in 0..<ends.count {
                            var total: Double = 0
                            let end = ends[stage]
                            while index < end {
                                let n = nodes[index]
                                let p = n.tilted ? slanted : plain
                                var value = n.w0 * Float(p[Int(n.o.0)] - p[Int(n.o.1)] - p[Int(n.o.2)] + p[Int(n.o.3)])
                                value += n.w1 * Float(p[Int(n.o.4)] - p[Int(n.o.5)] - p[Int(n.o.6)] + p[Int(n.o.7)])
                                if n.w2 != 0 {
                                    value += n.w2 * Float(p[Int(n.o.8)] - p[Int(n.o.9)] - p[Int(n.o.10)] + p[Int(n.o.11)])
                                }
                                total += Double(value * inverse < n.threshold ? n.left : n.right)
                                index += 1
                            }
                            if Float(total) < stageLimits[stage] { return -stage }
                        }
                        return 1
                    }
                }
            }
        }
    }
}

/// Summed-area tables of a plane: plain, squared, and (when needed) 45°-tilted (Lienhart & Maydt 2002), each
/// (width + 1) × (height + 1) with a zero first row and column, as OpenCV's `integral`.
struct IntegralImage {
    let width: Int
    let height: Int
    private var sums: [Int32]
    private var squares: [Int64]
    private var tilted: [Int32]
    let tiltedPad: Int
    let tiltedStride: Int
    var stride: Int { width + 1 }

    init(_ plane: [UInt8], width: Int, height: Int, tilted withTilted: Bool) {
        self.width = width
        self.height = height
        let stride = width + 1
        var sums = [Int32](repeating: 0, count: stride * (height + 1))
        var squares = [Int64](repeating: 0, count: stride * (height + 1))
        plane.withUnsafeBufferPointer { p in
            for y in 0..<height {
                var rowSum: Int32 = 0
                var rowSquares: Int64 = 0
                for x in 0..<width {
                    let v = p[y * width + x]
                    rowSum += Int32(v)
                    rowSquares += Int64(v) * Int64(v)
                    sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + rowSum
                    squares[(y + 1) * stride + x + 1] = squares[y * stride + x + 1] + rowSquares
                }
            }
        }
        self.sums = sums
        self.squares = squares
        // Tilted table T(X, Y) = Σ I(x, y) over y < Y, |x − X + 1| ≤ Y − y − 1, by the recurrence
        // T(X, Y) = T(X−1, Y−1) + T(X+1, Y−1) − T(X, Y−2) + I(X−1, Y−1) + I(X−1, Y−2), on columns padded by the
        // height on both sides so that the triangles never leave the table.
        tiltedPad = withTilted ? height + 2 : 0
        tiltedStride = withTilted ? width + 1 + 2 * tiltedPad : 0
        var t = [Int32](repeating: 0, count: withTilted ? tiltedStride * (height + 1) : 0)
        if withTilted {
            let pad = tiltedPad, tStride = tiltedStride
            func pixel(_ x: Int, _ y: Int) -> Int32 {
                x >= 0 && x < width && y >= 0 && y < height ? Int32(plane[y * width + x]) : 0
            }
            for row in 1...height {
                for column in 1..<(tStride - 1) {
                    let X = column - pad
                    var value = t[(row - 1) * tStride + column - 1] + t[(row - 1) * tStride + column + 1]
                        + pixel(X - 1, row - 1)
                    if row >= 2 {
                        value += pixel(X - 1, row - 2) - t[(row - 2) * tStride + column]
                    }
                    t[row * tStride + column] = value
                }
            }
        }
        tilted = t
    }

    @inline(__always) private func at(_ x: Int, _ y: Int) -> Int32 { sums[y * (width + 1) + x] }

    /// The plain and (when built) tilted tables as pointers, for compiled evaluation.
    func withTables<R>(_ body: (UnsafePointer<Int32>, UnsafePointer<Int32>?) -> R) -> R {
        sums.withUnsafeBufferPointer { plain in
            tilted.withUnsafeBufferPointer { tilted in
                body(plain.baseAddress!, tilted.isEmpty ? nil : tilted.baseAddress!)
            }
        }
    }

    func sum(x: Int, y: Int, width w: Int, height h: Int) -> Int32 {
        at(x + w, y + h) - at(x, y + h) - at(x + w, y) + at(x, y)
    }

    func squaredSum(x: Int, y: Int, width w: Int, height h: Int) -> Int64 {
        let stride = width + 1
        return squares[(y + h) * stride + x + w] - squares[(y + h) * stride + x] - squares[y * stride + x + w]
            + squares[y * stride + x]
    }
}

/// Bilinear downscaling with pixel-centre alignment and 8-bit fixed-point weights, as OpenCV's INTER_LINEAR_EXACT.
func resizeBilinear(_ plane: [UInt8], width: Int, height: Int, to newWidth: Int, _ newHeight: Int) -> [UInt8] {
    func taps(_ count: Int, _ source: Int) -> [(Int, Int, Int)] {
        let scale = Double(source) / Double(count)
        return (0..<count).map { d in
            let f = (Double(d) + 0.5) * scale - 0.5
            var s = Int(f.rounded(.down))
            var fraction = f - Double(s)
            if s < 0 { s = 0; fraction = 0 }
            if s >= source - 1 { s = source - 1; fraction = 0 }
            let w1 = Int((fraction * 256).rounded())
            return (s, min(s + 1, source - 1), w1)
        }
    }
    let xs = taps(newWidth, width), ys = taps(newHeight, height)
    var output = [UInt8](repeating: 0, count: newWidth * newHeight)
    var row0 = [Int](repeating: 0, count: newWidth), row1 = [Int](repeating: 0, count: newWidth)
    plane.withUnsafeBufferPointer { p in
        for (dy, (sy0, sy1, wy)) in ys.enumerated() {
            for (dx, (sx0, sx1, wx)) in xs.enumerated() {
                row0[dx] = Int(p[sy0 * width + sx0]) * (256 - wx) + Int(p[sy0 * width + sx1]) * wx
                row1[dx] = Int(p[sy1 * width + sx0]) * (256 - wx) + Int(p[sy1 * width + sx1]) * wx
            }
            for dx in 0..<newWidth {
                let value = (row0[dx] * (256 - wy) + row1[dx] * wy + 32_768) >> 16
                output[dy * newWidth + dx] = UInt8(min(255, value))
            }
        }
    }
    return output
}

/// OpenCV's `groupRectangles`: partition boxes into classes of similar ones, average each class, keep classes with
/// more than `threshold` members, and drop a box that lies inside a stronger one.
public func groupRectangles(_ boxes: [DetectionBox], threshold: Int, eps: Double) -> [DetectionBox] {
    guard threshold > 0, !boxes.isEmpty else { return boxes }
    // Disjoint sets over the "similar" relation.
    var parent = Array(boxes.indices)
    func root(_ i: Int) -> Int {
        var i = i
        while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
        return i
    }
    func similar(_ a: DetectionBox, _ b: DetectionBox) -> Bool {
        let delta = eps * Double(min(a.width, b.width) + min(a.height, b.height)) * 0.5
        return Double(abs(a.x - b.x)) <= delta && Double(abs(a.y - b.y)) <= delta
            && Double(abs(a.x + a.width - b.x - b.width)) <= delta && Double(abs(a.y + a.height - b.y - b.height)) <= delta
    }
    for i in boxes.indices {
        for j in boxes.indices where j > i && similar(boxes[i], boxes[j]) {
            let a = root(i), b = root(j)
            if a != b { parent[b] = a }
        }
    }
    var classes: [Int: (x: Int, y: Int, w: Int, h: Int, n: Int)] = [:]
    var order: [Int] = []
    for i in boxes.indices {
        let r = root(i)
        if classes[r] == nil { order.append(r) }
        let box = boxes[i]
        let current = classes[r] ?? (0, 0, 0, 0, 0)
        classes[r] = (current.x + box.x, current.y + box.y, current.w + box.width, current.h + box.height, current.n + 1)
    }
    let averaged: [(box: DetectionBox, n: Int)] = order.map { key in
        let c = classes[key]!
        let s = 1 / Float(c.n)
        func round(_ v: Int) -> Int { Int((Float(v) * s).rounded(.toNearestOrEven)) }
        return (DetectionBox(x: round(c.x), y: round(c.y), width: round(c.w), height: round(c.h)), c.n)
    }
    var result: [DetectionBox] = []
    for (i, candidate) in averaged.enumerated() where candidate.n > threshold {
        let inside = averaged.enumerated().contains { j, other in
            guard j != i, other.n > threshold else { return false }
            let dx = Int((Double(other.box.width) * eps).rounded(.toNearestOrEven))
            let dy = Int((Double(other.box.height) * eps).rounded(.toNearestOrEven))
            let r1 = candidate.box, r2 = other.box
            return r1.x >= r2.x - dx && r1.y >= r2.y - dy && r1.x + r1.width <= r2.x + r2.width + dx
                && r1.y + r1.height <= r2.y + r2.height + dy && (other.n > max(3, candidate.n) || candidate.n < 3)
        }
        if !inside { result.append(candidate.box) }
    }
    return result
}

/// The face detectors Debrief runs per sampled frame: frontal faces in the whole frame, then eyes in the upper 60 %
/// of the main face and smiles in its lower half (OpenCV's cascades and the parameters commonly used with them:
/// scale factor 1.1; 3 neighbours for faces and eyes, 20 for smiles, whose cascade fires easily).
public struct FaceDetectors: Sendable {
    public let face: CascadeDetector
    public let eyes: CascadeDetector?
    public let smile: CascadeDetector?
    public static let smileNeighbors = 20

    public init(face: CascadeDetector, eyes: CascadeDetector?, smile: CascadeDetector?) {
        self.face = face
        self.eyes = eyes
        self.smile = smile
    }

    /// The eye region of a face box: its upper 60 %.
    public static func eyeRegion(_ face: DetectionBox) -> DetectionBox {
        DetectionBox(x: face.x, y: face.y, width: face.width, height: Int(0.6 * Double(face.height)))
    }

    /// The mouth region of a face box: its lower half.
    public static func mouthRegion(_ face: DetectionBox) -> DetectionBox {
        DetectionBox(x: face.x, y: face.y + face.height / 2, width: face.width, height: face.height - face.height / 2)
    }

    /// Eyes found in the face's eye region, in region coordinates.
    public func eyes(in plane: [UInt8], width: Int, face: DetectionBox) -> [DetectionBox]? {
        guard let eyes else { return nil }
        let region = Self.eyeRegion(face)
        return eyes.detect(crop(plane, width: width, region), width: region.width, height: region.height)
    }

    /// Smiles found in the face's mouth region, in region coordinates.
    public func smiles(in plane: [UInt8], width: Int, face: DetectionBox) -> [DetectionBox]? {
        guard let smile else { return nil }
        let region = Self.mouthRegion(face)
        return smile.detect(crop(plane, width: width, region), width: region.width, height: region.height,
                            minNeighbors: Self.smileNeighbors)
    }
}

/// Copies a box of a plane (clipped to the plane) into its own plane.
public func crop(_ plane: [UInt8], width: Int, _ box: DetectionBox) -> [UInt8] {
    let height = plane.count / max(1, width)
    var output = [UInt8](repeating: 0, count: max(0, box.width * box.height))
    for row in 0..<box.height {
        let y = box.y + row
        guard y >= 0, y < height else { continue }
        for column in 0..<box.width {
            let x = box.x + column
            if x >= 0, x < width { output[row * box.width + column] = plane[y * width + x] }
        }
    }
    return output
}
