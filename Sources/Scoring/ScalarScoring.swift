import Foundation

/// The scalar reference of every scoring kernel: plain loops in the textbook order, Foundation's `exp`, and sorting
/// where the SIMD core counts. The tests hold the SIMD core to it; `debrief bench scoring` times it in the same run.
public enum ScalarScoring {
    public static func normalise(_ x: Float, median: Float, mad: Float) -> Float {
        guard x.isFinite else { return 0 }
        return min(FeatureLayout.zLimit, max(-FeatureLayout.zLimit, (x - median) / mad))
    }

    public static func squash(_ x: Float) -> Float {
        100 * (1 - exp(-max(0, x)))
    }

    /// Dimension scores of one candidate (`job.featureCount` floats).
    public static func dimensionScores(_ features: UnsafePointer<Float>, job: JobSpec) -> [Float] {
        let z = (0..<job.featureCount).map { normalise(features[$0], median: job.median[$0], mad: job.mad[$0]) }
        return (0..<job.dimensions).map { d in
            var sum: Float = 0
            for f in 0..<job.featureCount { sum += job.weights[d * job.featureCount + f] * z[f] }
            return squash(sum)
        }
    }

    public static func overall(_ scores: [Float], job: JobSpec) -> Float {
        var sum: Float = 0
        for d in scores.indices { sum += job.dimensionWeights[d] * scores[d] }
        return sum
    }

    public static func match(_ scores: [Float], job: JobSpec) -> Float {
        var dot: Float = 0, squares: Float = 0
        for d in scores.indices {
            dot += scores[d] * job.ideal[d]
            squares += scores[d] * scores[d]
        }
        return squares > 0 ? min(1, dot / squares.squareRoot()) : 0
    }

    /// Percentile of each score within `scores` (share with a lower 0.1-point bin), by sorting.
    public static func percentiles(_ scores: [Float]) -> [Float] {
        let bins = scores.map(ScoringKernels.bin).sorted()
        return scores.map { score in
            let bin = ScoringKernels.bin(score)
            var low = 0, high = bins.count
            while low < high {
                let middle = (low + high) / 2
                if bins[middle] < bin { low = middle + 1 } else { high = middle }
            }
            return Float(Double(low) * 100 / Double(max(1, scores.count - 1)))
        }
    }

    /// The best `k`, by sorting everything.
    public static func topK(_ scores: [Float], k: Int) -> [Ranked] {
        Array(scores.enumerated().filter { !$0.element.isNaN }.map { Ranked(index: $0.offset, score: $0.element) }
            .sorted(by: Ranked.ranksBefore).prefix(max(0, k)))
    }

    /// The whole batch, one candidate and one job at a time on one thread.
    public static func run(features: UnsafeBufferPointer<Float>, candidates: Int, jobs: [JobSpec], top: Int = 50)
        -> BatchResult {
        let total = candidates * jobs.count
        var result = BatchResult(candidates: candidates, jobs: jobs.count, overall: [Float](repeating: 0, count: total),
                                 match: [Float](repeating: 0, count: total),
                                 percentile: [Float](repeating: 0, count: total),
                                 level: [UInt8](repeating: 0, count: total), top: [], dimensionScores: nil,
                                 paddedDimensions: 0)
        guard total > 0, let base = features.baseAddress else {
            result.top = Array(repeating: [], count: jobs.count)
            return result
        }
        for (j, job) in jobs.enumerated() {
            for i in 0..<candidates {
                let scores = dimensionScores(base + i * job.featureCount, job: job)
                let index = j * candidates + i
                result.overall[index] = overall(scores, job: job)
                result.match[index] = match(scores, job: job)
                result.level[index] = UInt8(job.levelIndex(result.overall[index]))
            }
            let slice = Array(result.overall[(j * candidates)..<((j + 1) * candidates)])
            result.percentile.replaceSubrange((j * candidates)..<((j + 1) * candidates), with: percentiles(slice))
            result.top.append(topK(slice, k: top))
        }
        return result
    }

    public static func countBelow(_ score: Float, in population: [Float]) -> Int {
        population.filter { $0 < score }.count
    }

    public static func blend(ai: Float, hr: Float, aiWeight: Float, flagPoints: Float) -> (Float, Bool) {
        hr.isNaN ? (ai, false) : (ai * aiWeight + hr * (1 - aiWeight), abs(ai - hr) > flagPoints)
    }
}
