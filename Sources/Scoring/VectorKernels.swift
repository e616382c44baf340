/// SIMD kernels of the scoring core, each with a scalar reference (`ScalarReference`) that the tests compare with.
public enum VectorKernels {
    /// Σ a[i]·b[i], four SIMD8 accumulators then a fixed-order reduction (deterministic for a given length).
    @inlinable
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "dot: lengths differ")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
                let count = pa.count
                let rawA = UnsafeRawPointer(pa.baseAddress)
                let rawB = UnsafeRawPointer(pb.baseAddress)
                var i = 0
                if let rawA, let rawB {
                    while i + 32 <= count {
                        let o = i * 4
                        s0 += rawA.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                            * rawB.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                        s1 += rawA.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
                            * rawB.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
                        s2 += rawA.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self)
                            * rawB.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self)
                        s3 += rawA.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self)
                            * rawB.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self)
                        i += 32
                    }
                    while i + 8 <= count {
                        s0 += rawA.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                            * rawB.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                        i += 8
                    }
                }
                var total = ((s0 + s1) + (s2 + s3)).sum()
                while i < count {
                    total += pa[i] * pb[i]
                    i += 1
                }
                return total
            }
        }
    }

    /// Cosine similarity of `a` and `b`; nil when either has zero length (no direction to compare).
    @inlinable
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float? {
        let norms = dot(a, a) * dot(b, b)
        guard norms > 0, norms.isFinite else { return nil }
        return dot(a, b) / norms.squareRoot()
    }

    /// Σ w[i]·x[i] / Σ w[i]; nil when the weights sum to zero.
    @inlinable
    public static func weightedMean(_ x: [Float], weights: [Float]) -> Float? {
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        return dot(x, weights) / total
    }
}
