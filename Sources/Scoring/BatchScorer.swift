import Dispatch
import Foundation

/// Several jobs packed for the batch core: jobs that share norms are normalised once per block of candidates, and
/// each group's weights are transposed into 16-column panels that stay in L1 while a block streams through them.
public struct JobSet: Sendable {
    public let jobs: [JobSpec]
    /// Floats per candidate row (a multiple of 8).
    public let featureCount: Int
    /// Dimension columns per job (the largest job's dimensions, rounded up to 8; shorter jobs are zero-padded).
    public let paddedDimensions: Int
    /// Per job, `paddedDimensions` dimension weights and ideal-profile entries (zero-padded).
    let dimensionWeights: [Float]
    let ideal: [Float]
    let groups: [Group]

    struct Group: Sendable {
        var median: [Float]
        var inverseMAD: [Float]
        var jobs: [Int]
        /// Output columns, a multiple of 16: jobs × paddedDimensions, zero-padded.
        var columns: Int
        /// `columns / 16` panels of `featureCount × 16` weights.
        var panels: [Float]
    }

    /// - Throws: when the jobs disagree on the feature count or it is not a multiple of 8.
    public init(_ jobs: [JobSpec]) throws(ScoringError) {
        let featureCount = jobs.first?.featureCount ?? ScoringKernels.width
        guard jobs.allSatisfy({ $0.featureCount == featureCount }) else {
            throw ScoringError("the jobs of one batch must share the feature layout")
        }
        guard featureCount % ScoringKernels.width == 0 else {
            throw ScoringError("the feature vector has \(featureCount) floats; pad it to a multiple of 8")
        }
        let width = ScoringKernels.width
        let largest = jobs.map(\.dimensions).max() ?? 1
        let paddedDimensions = (largest + width - 1) / width * width
        var dimensionWeights = [Float](repeating: 0, count: jobs.count * paddedDimensions)
        var ideal = dimensionWeights
        for (j, job) in jobs.enumerated() {
            for d in 0..<job.dimensions {
                dimensionWeights[j * paddedDimensions + d] = job.dimensionWeights[d]
                ideal[j * paddedDimensions + d] = job.ideal[d]
            }
        }
        var groups: [Group] = []
        for (j, job) in jobs.enumerated() {
            if let g = groups.firstIndex(where: { $0.median == job.median && $0.inverseMAD == job.mad.map { 1 / $0 } }) {
                groups[g].jobs.append(j)
            } else {
                groups.append(Group(median: job.median, inverseMAD: job.mad.map { 1 / $0 }, jobs: [j], columns: 0,
                                    panels: []))
            }
        }
        let panelWidth = ScoringKernels.panelColumns
        for g in groups.indices {
            let columns = (groups[g].jobs.count * paddedDimensions + panelWidth - 1) / panelWidth * panelWidth
            var panels = [Float](repeating: 0, count: columns * featureCount)
            for (local, j) in groups[g].jobs.enumerated() {
                let job = jobs[j]
                for d in 0..<job.dimensions {
                    let column = local * paddedDimensions + d
                    let panel = column / panelWidth, lane = column % panelWidth
                    for f in 0..<featureCount {
                        panels[(panel * featureCount + f) * panelWidth + lane] = job.weights[d * featureCount + f]
                    }
                }
            }
            groups[g].columns = columns
            groups[g].panels = panels
        }
        self.jobs = jobs
        self.featureCount = featureCount
        self.paddedDimensions = paddedDimensions
        self.dimensionWeights = dimensionWeights
        self.ideal = ideal
        self.groups = groups
    }
}

/// Results of scoring N candidates against J jobs. Arrays are job-major: entry `j·N + i`.
public struct BatchResult: Sendable, Equatable {
    public var candidates: Int
    public var jobs: Int
    /// Overall score 0–100.
    public var overall: [Float]
    /// Cosine to the job's ideal profile, 0–1.
    public var match: [Float]
    /// Share of the other candidates of this batch whose overall score is lower by at least 0.1 point, in percent
    /// ("超过了60%的候选人"); 0 for a batch of one.
    public var percentile: [Float]
    /// Level index per job (0 = the model's highest level).
    public var level: [UInt8]
    /// The best `k` per job, highest first, ties by lower candidate index.
    public var top: [[Ranked]]
    /// When asked for: per candidate, `jobs × paddedDimensions` dimension scores (`i·J·Dp + j·Dp + d`).
    public var dimensionScores: [Float]?
    public var paddedDimensions: Int
}

/// Scores, ranks and places N stored candidates against J jobs in one pass over the features, on `threads` cores.
public enum BatchScorer {
    /// Candidates normalised together and pushed through each weight panel (z block 32 × F floats stays in L1).
    public static let blockRows = 32

    /// - Parameters:
    ///   - features: `candidates × jobs.featureCount` floats, row-major.
    ///   - top: how many best candidates to keep per job.
    ///   - threads: worker threads (the result is bit-identical for any value ≥ 1).
    public static func run(features: UnsafeBufferPointer<Float>, candidates: Int, jobs: JobSet, top: Int = 50,
                           threads: Int = defaultThreads, keepDimensionScores: Bool = false) -> BatchResult {
        precondition(features.count >= candidates * jobs.featureCount, "features: fewer floats than candidates × F")
        let jobCount = jobs.jobs.count
        let total = candidates * jobCount
        let dp = jobs.paddedDimensions
        // Outputs are written once each by the stripes: no zero-filling pass over hundreds of megabytes.
        var result = BatchResult(candidates: candidates, jobs: jobCount, overall: uninitialised(total),
                                 match: uninitialised(total), percentile: uninitialised(total),
                                 level: uninitialised(total), top: Array(repeating: [], count: jobCount),
                                 dimensionScores: keepDimensionScores ? uninitialised(total * dp) : nil,
                                 paddedDimensions: dp)
        guard total > 0 else { return result }
        let stripes = max(1, min(threads, (candidates + blockRows - 1) / blockRows))
        let bins = ScoringKernels.percentileBins
        var histograms = [UInt32](repeating: 0, count: stripes * jobCount * bins)
        var tops = [[Ranked]](repeating: [], count: stripes * jobCount)
        let perStripe = ((candidates + stripes - 1) / stripes + blockRows - 1) / blockRows * blockRows

        result.overall.withUnsafeMutableBufferPointer { overall in
        result.match.withUnsafeMutableBufferPointer { match in
        result.level.withUnsafeMutableBufferPointer { level in
        histograms.withUnsafeMutableBufferPointer { histogram in
        tops.withUnsafeMutableBufferPointer { topLists in
            let shared = Shared(features: features.baseAddress!, overall: overall.baseAddress!,
                                match: match.baseAddress!, level: level.baseAddress!,
                                histogram: histogram.baseAddress!, tops: topLists.baseAddress!,
                                dimensionScores: nil)
            let run = { (dimensions: UnsafeMutablePointer<Float>?) in
                let context = { () -> Shared in
                    var context = shared
                    context.dimensionScores = dimensions
                    return context
                }()
                DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
                    let start = stripe * perStripe
                    let end = min(candidates, start + perStripe)
                    guard start < end else { return }
                    scoreStripe(start..<end, stripe: stripe, candidates: candidates, jobs: jobs, top: top,
                                context: context)
                }
            }
            if keepDimensionScores {
                result.dimensionScores!.withUnsafeMutableBufferPointer { run($0.baseAddress!) }
            } else {
                run(nil)
            }
        }}}}}

        // Percentiles: merge the per-stripe counts (integers: exact in any order) into, per job and bin, the share of
        // candidates in lower bins; then each stripe looks its candidates up.
        var below = [Float](repeating: 0, count: jobCount * bins)
        for j in 0..<jobCount {
            var running: UInt32 = 0
            for b in 0..<bins {
                below[j * bins + b] = Float(Double(running) * 100 / Double(max(1, candidates - 1)))
                for stripe in 0..<stripes { running &+= histograms[(stripe * jobCount + j) * bins + b] }
            }
            if top > 0 {
                var merged = RankedHeap(capacity: top)
                for stripe in 0..<stripes {
                    for item in tops[stripe * jobCount + j] { merged.offer(item) }
                }
                result.top[j] = merged.sorted()
            }
        }
        result.overall.withUnsafeBufferPointer { overall in
        result.percentile.withUnsafeMutableBufferPointer { percentile in
        below.withUnsafeBufferPointer { below in
            let lookup = Lookup(overall: overall.baseAddress!, percentile: percentile.baseAddress!,
                                below: below.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
                let start = stripe * perStripe
                let end = min(candidates, start + perStripe)
                guard start < end else { return }
                for j in 0..<jobCount {
                    let table = lookup.below + j * bins
                    for index in (j * candidates + start)..<(j * candidates + end) {
                        lookup.percentile[index] = table[ScoringKernels.bin(lookup.overall[index])]
                    }
                }
            }
        }}}
        return result
    }

    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    private struct Lookup: @unchecked Sendable {
        var overall: UnsafePointer<Float>
        var percentile: UnsafeMutablePointer<Float>
        var below: UnsafePointer<Float>
    }

    private static func uninitialised<T: BitwiseCopyable>(_ count: Int) -> [T] {
        Array(unsafeUninitializedCapacity: count) { _, initialised in initialised = count }
    }

    /// Pointers the stripes write through; each stripe writes only its own candidates' entries and its own slots.
    private struct Shared: @unchecked Sendable {
        var features: UnsafePointer<Float>
        var overall: UnsafeMutablePointer<Float>
        var match: UnsafeMutablePointer<Float>
        var level: UnsafeMutablePointer<UInt8>
        var histogram: UnsafeMutablePointer<UInt32>
        var tops: UnsafeMutablePointer<[Ranked]>
        var dimensionScores: UnsafeMutablePointer<Float>?
    }

    private static func scoreStripe(_ range: Range<Int>, stripe: Int, candidates: Int, jobs: JobSet, top: Int,
                                    context: Shared) {
        let f = jobs.featureCount
        let dp = jobs.paddedDimensions
        let jobCount = jobs.jobs.count
        let bins = ScoringKernels.percentileBins
        let maxColumns = jobs.groups.map(\.columns).max() ?? 0
        let z = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * f)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * maxColumns)
        defer {
            z.deallocate()
            scores.deallocate()
        }
        jobs.dimensionWeights.withUnsafeBufferPointer { weights in
        jobs.ideal.withUnsafeBufferPointer { ideal in
            var blockStart = range.lowerBound
            while blockStart < range.upperBound {
                let rows = min(blockRows, range.upperBound - blockStart)
                let tiles = (rows + ScoringKernels.tileRows - 1) / ScoringKernels.tileRows
                for group in jobs.groups {
                    group.median.withUnsafeBufferPointer { median in
                        group.inverseMAD.withUnsafeBufferPointer { inverse in
                            ScoringKernels.normalise(context.features + blockStart * f, rows: rows, count: f,
                                                     median: median.baseAddress!, inverseMAD: inverse.baseAddress!,
                                                     into: z)
                        }
                    }
                    // Rows past the end of a short block are zero: their results are computed and discarded.
                    if rows < tiles * ScoringKernels.tileRows {
                        (z + rows * f).update(repeating: 0, count: (tiles * ScoringKernels.tileRows - rows) * f)
                    }
                    group.panels.withUnsafeBufferPointer { panels in
                        for panel in 0..<(group.columns / ScoringKernels.panelColumns) {
                            let weightsPanel = panels.baseAddress! + panel * f * ScoringKernels.panelColumns
                            for tile in 0..<tiles {
                                let row = tile * ScoringKernels.tileRows
                                ScoringKernels.scoreTile(z + row * f, count: f, panel: weightsPanel,
                                                         out: scores + row * maxColumns
                                                            + panel * ScoringKernels.panelColumns,
                                                         outStride: maxColumns)
                            }
                        }
                    }
                    for (local, j) in group.jobs.enumerated() {
                        let spec = jobs.jobs[j]
                        for r in 0..<rows {
                            let candidate = blockStart + r
                            let row = scores + r * maxColumns + local * dp
                            let (overall, match) = ScoringKernels.summarise(
                                row, weights: weights.baseAddress! + j * dp, ideal: ideal.baseAddress! + j * dp,
                                count: dp)
                            let index = j * candidates + candidate
                            context.overall[index] = overall
                            context.match[index] = match
                            context.level[index] = UInt8(truncatingIfNeeded: spec.levelIndex(overall))
                            context.histogram[(stripe * jobCount + j) * bins + ScoringKernels.bin(overall)] &+= 1
                            if let out = context.dimensionScores {
                                (out + (candidate * jobCount + j) * dp).update(from: row, count: dp)
                            }
                        }
                    }
                }
                blockStart += rows
            }
        }}
        if top > 0 {
            for j in 0..<jobCount {
                let scores = UnsafeBufferPointer(start: context.overall + j * candidates + range.lowerBound,
                                                 count: range.count)
                context.tops[stripe * jobCount + j] = ScoringKernels.topK(scores, k: top,
                                                                          indexOffset: range.lowerBound)
            }
        }
    }
}
