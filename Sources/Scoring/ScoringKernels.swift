/// The SIMD kernels of the scoring core. Each has a scalar reference in `ScalarScoring` that the tests compare with.
///
/// Kernels take raw pointers to caller-owned buffers and never allocate. A candidate's result depends only on its
/// own features and the job, never on its position in a tile or on the thread that computed it: every lane of every
/// operation is independent, so results are bit-identical whatever the blocking and the thread count.
public enum ScoringKernels {
    public typealias Vector = SIMD8<Float>
    public static let width = 8
    /// Candidates per register tile of the matrix kernel (4 × 16 outputs = 8 accumulators).
    public static let tileRows = 4
    /// Output columns per weight panel.
    public static let panelColumns = 16

    /// CPU flags (as /proc/cpuinfo names them) this build of the kernels needs.
    #if DEBRIEF_FMA
    public static let requiredCPUFlags = ["avx2", "fma"]
    #else
    public static let requiredCPUFlags: [String] = []
    #endif

    /// `acc + a·b`, one fused multiply-add per lane when the build targets FMA (x86-64-v3), else a multiply and an
    /// add (a software `fmaf` would be slower than scalar code).
    @_transparent
    public static func multiplyAdd(_ acc: Vector, _ a: Vector, _ b: Vector) -> Vector {
        #if DEBRIEF_FMA
        return acc.addingProduct(a, b)
        #else
        return acc + a * b
        #endif
    }

    // MARK: Peak

    /// The FMA peak probe (kept in this file so that `multiplyAdd` inlines into it in debug builds too): 12 independent 8-wide multiply-add chains (enough to cover the FMA latency on two
    /// pipes), `iterations` rounds. Floating-point operations: `iterations × 12 × 8 × 2`.
    @inline(never)
    public static func fmaPeakProbe(iterations: Int, seed: Float) -> Float {
        typealias V = Vector
        let a = V(repeating: 0.999_9), b = V(repeating: seed * 1e-7)
        var c0 = V(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
        var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
        for _ in 0..<iterations {
            c0 = multiplyAdd(b, c0, a)
            c1 = multiplyAdd(b, c1, a)
            c2 = multiplyAdd(b, c2, a)
            c3 = multiplyAdd(b, c3, a)
            c4 = multiplyAdd(b, c4, a)
            c5 = multiplyAdd(b, c5, a)
            c6 = multiplyAdd(b, c6, a)
            c7 = multiplyAdd(b, c7, a)
            c8 = multiplyAdd(b, c8, a)
            c9 = multiplyAdd(b, c9, a)
            c10 = multiplyAdd(b, c10, a)
            c11 = multiplyAdd(b, c11, a)
        }
        return ((c0 + c1 + c2 + c3) + (c4 + c5 + c6 + c7) + (c8 + c9 + c10 + c11)).sum()
    }

    public static let fmaPeakProbeFlopsPerIteration = 12.0 * 8 * 2

    /// Lane-wise min(max(x, low), high) by compare-and-select (the standard library's `clamped` and `pointwiseMin`
    /// are generic calls that do not inline here).
    @_transparent
    public static func clamp(_ x: Vector, _ low: Vector, _ high: Vector) -> Vector {
        var result = x
        result.replace(with: low, where: x .< low)
        result.replace(with: high, where: x .> high)
        return result
    }

    // MARK: Normalise

    /// z = clamp((x − median) / mad, ±zLimit) for `rows` rows of `count` floats (`count` a multiple of 8); missing
    /// or non-finite x gives z = 0. `inverseMAD` holds 1/mad.
    @inline(__always)
    public static func normalise(_ x: UnsafePointer<Float>, rows: Int, count: Int, median: UnsafePointer<Float>,
                                 inverseMAD: UnsafePointer<Float>, into z: UnsafeMutablePointer<Float>) {
        let limit = Vector(repeating: FeatureLayout.zLimit)
        let infinity = Vector(repeating: .infinity)
        let rawMedian = UnsafeRawPointer(median), rawInverse = UnsafeRawPointer(inverseMAD)
        for row in 0..<rows {
            let source = UnsafeRawPointer(x + row * count)
            let target = UnsafeMutableRawPointer(z + row * count)
            var offset = 0
            while offset < count * 4 {
                let value = source.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                let m = rawMedian.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                let s = rawInverse.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                var scaled = clamp((value - m) * s, -limit, limit)
                // NaN fails every comparison; ±inf fails `< inf`: both become 0.
                scaled.replace(with: 0, where: .!((value .< infinity) .& (value .> -infinity)))
                target.storeBytes(of: scaled, toByteOffset: offset, as: Vector.self)
                offset += 32
            }
        }
    }

    // MARK: Squash

    /// e^(−t) for t in [0, 87] (Cephes' expf polynomial, ≤ 2 ulp), lane by lane.
    @inline(__always)
    public static func expNegative(_ t: Vector) -> Vector {
        let x = -clamp(t, Vector(repeating: 0), Vector(repeating: 87))
        let magic = Vector(repeating: 12_582_912) // 1.5·2²³: adding it rounds to an integer held in the low bits
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
        return p * scale
    }

    /// 100·(1 − e^(−max(0, x))).
    @inline(__always)
    public static func squash(_ x: Vector) -> Vector {
        100 - 100 * expNegative(x)
    }

    // MARK: Matrix

    /// Dimension scores of `tileRows` candidates against one 16-column weight panel, squashed, written to
    /// `out + row·outStride + column`.
    /// - Parameters:
    ///   - z: `tileRows` normalised rows of `count` floats.
    ///   - panel: `count` rows of 16 weights (the transposed weight matrix, 16 output columns at a time).
    @inline(__always)
    public static func scoreTile(_ z: UnsafePointer<Float>, count: Int, panel: UnsafePointer<Float>,
                                 out: UnsafeMutablePointer<Float>, outStride: Int) {
        var a00 = Vector(), a01 = Vector(), a10 = Vector(), a11 = Vector()
        var a20 = Vector(), a21 = Vector(), a30 = Vector(), a31 = Vector()
        let z0 = z, z1 = z + count, z2 = z + 2 * count, z3 = z + 3 * count
        let weights = UnsafeRawPointer(panel)
        var offset = 0
        for f in 0..<count {
            let w0 = weights.loadUnaligned(fromByteOffset: offset, as: Vector.self)
            let w1 = weights.loadUnaligned(fromByteOffset: offset + 32, as: Vector.self)
            offset += 64
            let b0 = Vector(repeating: z0[f])
            a00 = multiplyAdd(a00, b0, w0)
            a01 = multiplyAdd(a01, b0, w1)
            let b1 = Vector(repeating: z1[f])
            a10 = multiplyAdd(a10, b1, w0)
            a11 = multiplyAdd(a11, b1, w1)
            let b2 = Vector(repeating: z2[f])
            a20 = multiplyAdd(a20, b2, w0)
            a21 = multiplyAdd(a21, b2, w1)
            let b3 = Vector(repeating: z3[f])
            a30 = multiplyAdd(a30, b3, w0)
            a31 = multiplyAdd(a31, b3, w1)
        }
        let target = UnsafeMutableRawPointer(out)
        let stride = outStride * 4
        target.storeBytes(of: squash(a00), toByteOffset: 0, as: Vector.self)
        target.storeBytes(of: squash(a01), toByteOffset: 32, as: Vector.self)
        target.storeBytes(of: squash(a10), toByteOffset: stride, as: Vector.self)
        target.storeBytes(of: squash(a11), toByteOffset: stride + 32, as: Vector.self)
        target.storeBytes(of: squash(a20), toByteOffset: 2 * stride, as: Vector.self)
        target.storeBytes(of: squash(a21), toByteOffset: 2 * stride + 32, as: Vector.self)
        target.storeBytes(of: squash(a30), toByteOffset: 3 * stride, as: Vector.self)
        target.storeBytes(of: squash(a31), toByteOffset: 3 * stride + 32, as: Vector.self)
    }

    // MARK: Summaries

    /// Overall (Σ w·s), and match (cosine of s with the unit ideal profile, 0 for an all-zero profile) of one
    /// candidate's `count` dimension scores (a multiple of 8, zero-padded).
    @inline(__always)
    public static func summarise(_ scores: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                 ideal: UnsafePointer<Float>, count: Int) -> (overall: Float, match: Float) {
        var weighted = Vector(), squares = Vector(), aligned = Vector()
        let s = UnsafeRawPointer(scores), w = UnsafeRawPointer(weights), i = UnsafeRawPointer(ideal)
        var offset = 0
        while offset < count * 4 {
            let value = s.loadUnaligned(fromByteOffset: offset, as: Vector.self)
            weighted = multiplyAdd(weighted, value, w.loadUnaligned(fromByteOffset: offset, as: Vector.self))
            squares = multiplyAdd(squares, value, value)
            aligned = multiplyAdd(aligned, value, i.loadUnaligned(fromByteOffset: offset, as: Vector.self))
            offset += 32
        }
        let norm = squares.sum().squareRoot()
        let match = norm > 0 ? min(1, aligned.sum() / norm) : 0
        return (weighted.sum(), match)
    }

    // MARK: Percentiles

    /// Bins of the percentile histogram: overall scores quantised to 0.1 point (0…100 → 0…1000).
    public static let percentileBins = 1001

    @inline(__always)
    public static func bin(_ overall: Float) -> Int {
        Int((min(100, max(0, overall)) * 10).rounded(.toNearestOrEven))
    }

    /// Counts of scores per bin (a counting pass, no sort).
    public static func histogram(_ scores: UnsafeBufferPointer<Float>, into counts: UnsafeMutablePointer<UInt32>) {
        for score in scores { counts[bin(score)] &+= 1 }
    }

    /// How many of `population` are strictly below `score`, eight at a time.
    public static func countBelow(_ score: Float, in population: UnsafeBufferPointer<Float>) -> Int {
        let threshold = Vector(repeating: score)
        var counts = SIMD8<Int32>()
        var index = 0
        if let base = population.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= population.count {
                let values = raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
                counts &-= unsafeBitCast(values .< threshold, to: SIMD8<Int32>.self) // true lanes are −1
                index += 8
            }
        }
        var total = Int(counts.wrappedSum())
        while index < population.count {
            if population[index] < score { total += 1 }
            index += 1
        }
        return total
    }

    // MARK: Top k

    /// The `k` best of `scores` (highest first; equal scores: lower index first), with a SIMD pre-filter that
    /// skips eight candidates at a time while none beats the current k-th best. NaN scores are never selected.
    public static func topK(_ scores: UnsafeBufferPointer<Float>, k: Int, indexOffset: Int = 0) -> [Ranked] {
        guard k > 0 else { return [] }
        var heap = RankedHeap(capacity: k)
        var index = 0
        if let base = scores.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= scores.count {
                let values = raw.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
                // Once full, only a strictly higher score can enter (a tie loses to the earlier index).
                if heap.isFull, !any(values .> Vector(repeating: heap.worstScore)) {
                    index += 8
                    continue
                }
                for lane in 0..<8 { heap.offer(Ranked(index: indexOffset + index + lane, score: values[lane])) }
                index += 8
            }
        }
        while index < scores.count {
            heap.offer(Ranked(index: indexOffset + index, score: scores[index]))
            index += 1
        }
        return heap.sorted()
    }

    // MARK: Blend

    /// AI/HR blend: `ai·wAI + hr·(1 − wAI)` and a flag where |ai − hr| > `flagPoints`. Where the HR rating is NaN
    /// (not rated) the blend is the AI score and nothing is flagged.
    public static func blend(ai: UnsafeBufferPointer<Float>, hr: UnsafeBufferPointer<Float>, aiWeight: Float,
                             flagPoints: Float, blended: UnsafeMutablePointer<Float>,
                             flagged: UnsafeMutablePointer<Bool>) {
        precondition(ai.count == hr.count, "blend: lengths differ")
        let wa = Vector(repeating: aiWeight), wh = Vector(repeating: 1 - aiWeight)
        let limit = Vector(repeating: flagPoints)
        var index = 0
        if let a = ai.baseAddress, let h = hr.baseAddress {
            let ra = UnsafeRawPointer(a), rh = UnsafeRawPointer(h), out = UnsafeMutableRawPointer(blended)
            while index + 8 <= ai.count {
                let x = ra.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
                let y = rh.loadUnaligned(fromByteOffset: index * 4, as: Vector.self)
                let rated = y .== y
                var mixed = x * wa + y * wh
                mixed.replace(with: x, where: .!rated)
                out.storeBytes(of: mixed, toByteOffset: index * 4, as: Vector.self)
                let difference = x - y
                let apart = ((difference .> limit) .| (difference .< -limit)) .& rated
                for lane in 0..<8 { flagged[index + lane] = apart[lane] }
                index += 8
            }
        }
        while index < ai.count {
            let x = ai[index], y = hr[index]
            blended[index] = y.isNaN ? x : x * aiWeight + y * (1 - aiWeight)
            flagged[index] = !y.isNaN && abs(x - y) > flagPoints
            index += 1
        }
    }
}

/// A ranked candidate: its index and score.
public struct Ranked: Sendable, Equatable {
    public var index: Int
    public var score: Float

    public init(index: Int, score: Float) {
        self.index = index
        self.score = score
    }

    /// The ranking order: higher score first, then lower index (deterministic ties).
    @inline(__always)
    public static func ranksBefore(_ a: Ranked, _ b: Ranked) -> Bool {
        a.score > b.score || (a.score == b.score && a.index < b.index)
    }
}

/// A bounded min-heap (by ranking order) keeping the best `capacity` candidates.
struct RankedHeap {
    private var items: [Ranked] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
    }

    var isFull: Bool { items.count == capacity }
    /// The score of the k-th best so far.
    var worstScore: Float { items[0].score }

    /// The heap root is the worst kept candidate: `worse(a, b)` means a ranks after b.
    private func worse(_ a: Int, _ b: Int) -> Bool { Ranked.ranksBefore(items[b], items[a]) }

    mutating func offer(_ candidate: Ranked) {
        guard !candidate.score.isNaN else { return }
        if items.count < capacity {
            items.append(candidate)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard worse(child, parent) else { break }
                items.swapAt(child, parent)
                child = parent
            }
            return
        }
        guard Ranked.ranksBefore(candidate, items[0]) else { return }
        items[0] = candidate
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var worst = parent
            if left < items.count, worse(left, worst) { worst = left }
            if right < items.count, worse(right, worst) { worst = right }
            if worst == parent { break }
            items.swapAt(parent, worst)
            parent = worst
        }
    }

    mutating func merge(_ other: RankedHeap) {
        for item in other.items { offer(item) }
    }

    func sorted() -> [Ranked] { items.sorted(by: Ranked.ranksBefore) }
}
