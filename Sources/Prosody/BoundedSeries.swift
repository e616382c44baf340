/// Means of a per-frame value over steps of 2ⁿ frames, with n as small as keeps at most `capacity` steps: when a
/// new step would not fit, neighbouring steps are merged pairwise and the step doubles. Memory is bounded by
/// `capacity` whatever the length, and the result depends only on the values (not on how they were chunked).
/// Values can be left out of a mean (`include: false`, e.g. unvoiced frames), and a step with none is 0.
struct BoundedSeries: Sendable {
    let capacity: Int
    private(set) var framesPerStep = 1
    private var sums: [Double] = []
    private var counts: [Int] = []
    private var frames = 0

    init(capacity: Int) {
        precondition(capacity >= 2 && capacity % 2 == 0)
        self.capacity = capacity
    }

    mutating func add(_ value: Float, include: Bool = true) {
        let step = frames / framesPerStep
        if step == sums.count {
            if sums.count == capacity { mergePairs() }
            sums.append(0)
            counts.append(0)
        }
        if include {
            sums[sums.count - 1] += Double(value)
            counts[counts.count - 1] += 1
        }
        frames += 1
    }

    /// Steps of twice the length: steps 2k and 2k+1 become step k.
    private mutating func mergePairs() {
        var mergedSums: [Double] = [], mergedCounts: [Int] = []
        mergedSums.reserveCapacity(capacity)
        mergedCounts.reserveCapacity(capacity)
        for index in stride(from: 0, to: sums.count, by: 2) {
            mergedSums.append(sums[index] + (index + 1 < sums.count ? sums[index + 1] : 0))
            mergedCounts.append(counts[index] + (index + 1 < counts.count ? counts[index + 1] : 0))
        }
        sums = mergedSums
        counts = mergedCounts
        framesPerStep *= 2
    }

    /// The mean of each step (0 where nothing was included), at `framesPerStep`.
    var means: [Float] { zip(sums, counts).map { $1 > 0 ? Float($0 / Double($1)) : 0 } }

    /// The means at `framesPerStep` frames a step (coarser or equal): series of the same frames then line up.
    func means(atFramesPerStep target: Int) -> [Float] {
        guard target > framesPerStep else { return means }
        let group = target / framesPerStep
        return stride(from: 0, to: sums.count, by: group).map { start in
            let end = min(start + group, sums.count)
            let count = counts[start..<end].reduce(0, +)
            return count > 0 ? Float(sums[start..<end].reduce(0, +) / Double(count)) : 0
        }
    }
}
