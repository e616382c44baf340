/// SIMD kernels of the prosody hot loops. Each has a scalar reference in the tests (`ProsodyTests/KernelTests`).
public enum Kernels {
    /// Σ a[i]·b[i] over `count` elements, with four SIMD8 accumulators.
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        while i + 32 <= count {
            let o = i * MemoryLayout<Float>.stride
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
            let o = i * MemoryLayout<Float>.stride
            s0 += rawA.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            i += 8
        }
        var total = ((s0 + s1) + (s2 + s3)).sum()
        while i < count {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }

    /// Autocorrelation r[τ] = Σₙ x[n]·x[n+τ] for τ in `lags`, written to `output[τ - lags.lowerBound]`.
    @inlinable
    public static func autocorrelation(_ x: UnsafeBufferPointer<Float>, lags: ClosedRange<Int>,
                                       into output: UnsafeMutableBufferPointer<Float>) {
        let base = x.baseAddress!
        for lag in lags {
            let count = x.count - lag
            output[lag - lags.lowerBound] = count > 0 ? dot(base, base + lag, count: count) : 0
        }
    }
}
