
/// Streaming distribution of values on a fixed grid: quantiles to half a bin, plus exact mean and SD. Memory is
/// fixed by the grid, whatever the number of values.
public struct Histogram: Sendable {
    public let lower: Double
    public let binWidth: Double
    private var bins: [UInt32]
    public private(set) var count = 0
    private var sum = 0.0
    private var sumOfSquares = 0.0

    public init(lower: Double, upper: Double, binWidth: Double) {
        self.lower = lower
        self.binWidth = binWidth
        bins = [UInt32](repeating: 0, count: Int(((upper - lower) / binWidth).rounded(.up)) + 1)
    }

    public mutating func add(_ value: Double) {
        let index = min(bins.count - 1, max(0, Int(((value - lower) / binWidth).rounded(.down))))
        bins[index] += 1
        count += 1
        sum += value
        sumOfSquares += value * value
    }

    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// Sample standard deviation (n − 1).
    public var standardDeviation: Double? {
        guard count >= 2 else { return nil }
        let n = Double(count)
        return max(0, (sumOfSquares - sum * sum / n) / (n - 1)).squareRoot()
    }

    /// The value (bin centre) of the value of rank `rank` (0-based) in sorted order.
    private func value(ofRank rank: Int) -> Double {
        var seen = 0
        for (index, binCount) in bins.enumerated() where binCount > 0 {
            seen += Int(binCount)
            if rank < seen { return lower + (Double(index) + 0.5) * binWidth }
        }
        return lower + (Double(bins.count) - 0.5) * binWidth
    }

    /// The two order statistics around the q-quantile and the interpolation fraction between them, as the usual
    /// definition (position q·(n − 1)); the caller interpolates in the unit it reports.
    public func orderStatistics(_ q: Double) -> (lower: Double, upper: Double, fraction: Double)? {
        guard count > 0 else { return nil }
        let position = q * Double(count - 1)
        let rank = Int(position.rounded(.down))
        return (value(ofRank: rank), value(ofRank: min(count - 1, rank + 1)), position - Double(rank))
    }

    /// The q-quantile, interpolated linearly between order statistics (to half a bin).
    public func quantile(_ q: Double) -> Double? {
        orderStatistics(q).map { $0.lower + ($0.upper - $0.lower) * $0.fraction }
    }
}

/// Least-squares slope of y on x from running sums.
public struct RunningSlope: Sendable {
    private var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0

    public init() {}

    public mutating func add(x: Double, y: Double) {
        n += 1; sx += x; sy += y; sxx += x * x; sxy += x * y
    }

    public var slope: Double? {
        guard n >= 2 else { return nil }
        let denominator = n * sxx - sx * sx
        return denominator > 1e-12 ? (n * sxy - sx * sy) / denominator : nil
    }
}
