/// Ranks the candidates of one job: by overall score, highest first (equal scores: the earlier one first), each
/// with its percentile among the others (`CompetencyScoring.percentile`). Candidates without a score (insufficient
/// evidence) are listed after the ranked ones, unranked. Pure: scores in, ranks out.
public enum CandidateRanking {
    public struct Entry: Sendable, Equatable {
        /// Index into the scores given.
        public var index: Int
        /// 1-based rank; nil when the candidate has no score.
        public var rank: Int?
        /// Share of the other scored candidates strictly below, in percent; nil without a score, or when fewer
        /// than `minimumPopulation` candidates are scored (a percentile among two says nothing).
        public var percentile: Double?
    }

    /// Percentiles are given only among at least this many scored candidates (this one included).
    public static let minimumPopulation = 5

    /// Whether `scored` candidates (this one included) are enough to place one of them by percentile.
    public static func ranksByPercentile(_ scored: Int) -> Bool { scored >= minimumPopulation }

    public static func rank(_ scores: [Double?]) -> [Entry] {
        let scored = scores.enumerated().compactMap { item in item.element.map { (item.offset, $0) } }
        let values = scored.map { Float($0.1) }
        let ranked = values.withUnsafeBufferPointer { ScoringKernels.topK($0, k: values.count) }
        // A candidate is never strictly below itself, so "among the others" only changes the denominator: one
        // sorted pass and a binary search each instead of a scan per candidate.
        let bins = values.map(ScoringKernels.bin).sorted()
        func below(_ bin: Int) -> Int {
            var low = 0, high = bins.count
            while low < high {
                let middle = (low + high) / 2
                if bins[middle] < bin { low = middle + 1 } else { high = middle }
            }
            return low
        }
        var entries: [Entry] = []
        entries.reserveCapacity(scores.count)
        for (position, item) in ranked.enumerated() {
            let (index, score) = scored[item.index]
            let percentile = ranksByPercentile(bins.count)
                ? CompetencyScoring.rounded(Double(below(ScoringKernels.bin(Float(score)))) * 100
                                            / Double(bins.count - 1), 1)
                : nil
            entries.append(Entry(index: index, rank: position + 1, percentile: percentile))
        }
        for (index, score) in scores.enumerated() where score == nil {
            entries.append(Entry(index: index, rank: nil, percentile: nil))
        }
        return entries
    }
}
