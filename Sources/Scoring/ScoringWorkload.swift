import Foundation

/// Synthetic, reproducible workloads for the scoring benchmarks (`debrief bench scoring`, `Benchmarks/`), and the
/// two probes that put the matrix stage in proportion: the machine's FMA peak and the matrix stage alone.
public struct ScoringWorkload: Sendable {
    public let candidates: Int
    /// Floats per candidate (rounded up to a multiple of 8).
    public let features: Int
    public let jobs: [JobSpec]
    /// `candidates × features`, row-major; about 1 value in 1000 is NaN (a missing descriptor).
    public let values: [Float]

    /// - Parameters:
    ///   - contentColumns: the first columns are evidence strengths (half-normal, norm 0 / 2), the rest descriptors
    ///     (uniform 0–1, norm 0.5 / 0.25). Each dimension of a job has weight 1 on one content column and small
    ///     dense weights (±0.3) on every column, as a model with `uses:` on many features would.
    public init(candidates: Int, features: Int, jobs: Int, dimensions: Int = 8, seed: UInt64 = 2026) throws(ScoringError) {
        guard candidates >= 0, features >= 1, jobs >= 0, dimensions >= 1 else {
            throw ScoringError("a workload needs candidates ≥ 0, features ≥ 1, jobs ≥ 0, dimensions ≥ 1")
        }
        let width = (features + ScoringKernels.width - 1) / ScoringKernels.width * ScoringKernels.width
        var random = SplitMix64(seed: seed)
        let contentColumns = max(1, min(features, features / 2))
        var values = [Float](repeating: 0, count: candidates * width)
        for i in 0..<candidates {
            for f in 0..<features {
                let u = random.unit()
                if u < 0.001 {
                    values[i * width + f] = .nan
                } else if f < contentColumns {
                    values[i * width + f] = abs(random.normal()) * 1.5
                } else {
                    values[i * width + f] = random.unit()
                }
            }
        }
        var median = [Float](repeating: 0, count: width), mad = [Float](repeating: 1, count: width)
        for f in 0..<features {
            median[f] = f < contentColumns ? 0 : 0.5
            mad[f] = f < contentColumns ? 2 : 0.25
        }
        var specs: [JobSpec] = []
        for j in 0..<jobs {
            var weights = [Float](repeating: 0, count: dimensions * width)
            for d in 0..<dimensions {
                for f in 0..<features { weights[d * width + f] = (random.unit() - 0.5) * 0.6 }
                weights[d * width + (j * dimensions + d) % contentColumns] = 1
            }
            let raw = (0..<dimensions).map { _ in 0.5 + random.unit() }
            let total = raw.reduce(0, +)
            specs.append(try JobSpec(id: "job-\(j)", dimensions: dimensions, featureCount: width, weights: weights,
                                     median: median, mad: mad, dimensionWeights: raw.map { $0 / total },
                                     ideal: raw))
        }
        self.candidates = candidates
        self.features = width
        self.jobs = specs
        self.values = values
    }

    /// Floating-point operations of the matrix stage: one multiply and one add per feature, dimension, job and
    /// candidate.
    public func matrixFlops(candidates: Int) -> Double {
        2 * Double(candidates) * Double(features) * Double(jobs.reduce(0) { $0 + $1.dimensions })
    }

    /// The matrix stage alone (dimension scores of `candidates` normalised rows against every panel, on one thread),
    /// over the first candidates of the workload. Returns a checksum so the work cannot be optimised away.
    public func matrixStage(candidates count: Int, jobSet: JobSet) -> Float {
        let rows = BatchScorer.blockRows
        guard let group = jobSet.groups.first, candidates >= rows, count >= rows else { return 0 }
        let z = UnsafeMutablePointer<Float>.allocate(capacity: rows * features)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: rows * group.columns)
        defer {
            z.deallocate()
            scores.deallocate()
        }
        var checksum: Float = 0
        values.withUnsafeBufferPointer { values in
            group.median.withUnsafeBufferPointer { median in
            group.inverseMAD.withUnsafeBufferPointer { inverse in
            group.panels.withUnsafeBufferPointer { panels in
                var start = 0
                while start + rows <= count {
                    let source = values.baseAddress! + (start % max(1, candidates - rows + 1)) * features
                    ScoringKernels.normalise(source, rows: rows, count: features, median: median.baseAddress!,
                                             inverseMAD: inverse.baseAddress!, into: z)
                    for panel in 0..<(group.columns / ScoringKernels.panelColumns) {
                        for tile in stride(from: 0, to: rows, by: ScoringKernels.tileRows) {
                            ScoringKernels.scoreTile(z + tile * features, count: features,
                                                     panel: panels.baseAddress! + panel * features
                                                        * ScoringKernels.panelColumns,
                                                     out: scores + tile * group.columns
                                                        + panel * ScoringKernels.panelColumns,
                                                     outStride: group.columns)
                        }
                    }
                    checksum += scores[0]
                    start += rows
                }
            }}}
        }
        return checksum
    }
}

/// SplitMix64: a small, fast, reproducible generator for synthetic data.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Float {
        let u = max(unit(), 1e-7), v = unit()
        return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * v)
    }
}
