import DebriefModel

/// Why a model or a batch cannot be scored.
public struct ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// One job model compiled for the scoring core: a dense weight matrix (dimensions × features), the norms, the
/// dimension weights, the unit-length ideal profile and the level and salary-band thresholds.
///
/// Dimension d scores `100·(1 − e^(−max(0, Σ_f W[d,f]·z_f)))` where z is the normalised feature vector; the overall
/// score is `Σ_d w_d·score_d` (weights sum to 1); the match is the cosine between the scores and the ideal profile.
public struct JobSpec: Sendable, Equatable {
    public let id: String
    public let dimensions: Int
    public let featureCount: Int
    /// Row-major `dimensions × featureCount`.
    public let weights: [Float]
    public let median: [Float]
    public let mad: [Float]
    /// Sum to 1.
    public let dimensionWeights: [Float]
    /// Unit length.
    public let ideal: [Float]
    /// Overall-score minimums of the levels, highest first (the last is 0).
    public let levelMinimums: [Float]
    /// Overall-score minimums of the salary bands, highest first (may be empty).
    public let bandMinimums: [Float]

    /// - Throws: `ScoringError` for a shape mismatch, non-finite numbers, a MAD ≤ 0, dimension weights that do not
    ///   sum to 1 (±0.001) or a zero-length ideal profile.
    public init(id: String, dimensions: Int, featureCount: Int, weights: [Float], median: [Float], mad: [Float],
                dimensionWeights: [Float], ideal: [Float], levelMinimums: [Float] = [80, 60, 40, 0],
                bandMinimums: [Float] = []) throws(ScoringError) {
        guard dimensions > 0 else { throw ScoringError("\(id): a job needs at least one dimension") }
        guard featureCount > 0 else { throw ScoringError("\(id): the feature vector is empty") }
        guard weights.count == dimensions * featureCount, median.count == featureCount, mad.count == featureCount,
              dimensionWeights.count == dimensions, ideal.count == dimensions else {
            throw ScoringError("\(id): matrix shapes do not match \(dimensions) dimensions × \(featureCount) features")
        }
        guard weights.allSatisfy(\.isFinite), median.allSatisfy(\.isFinite) else {
            throw ScoringError("\(id): weights and norms must be finite numbers")
        }
        if let bad = mad.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw ScoringError("\(id): the norm of feature \(bad) has MAD \(mad[bad]); it must be positive")
        }
        guard dimensionWeights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw ScoringError("\(id): dimension weights must be finite and non-negative")
        }
        let total = dimensionWeights.reduce(0, +)
        guard abs(total - 1) <= 0.001 else {
            throw ScoringError("\(id): dimension weights must sum to 1, they sum to \(total)")
        }
        let length = ideal.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0, length.isFinite, ideal.allSatisfy({ $0 >= 0 }) else {
            throw ScoringError("\(id): the ideal profile has zero length (or negative or non-finite entries)")
        }
        guard !levelMinimums.isEmpty, zip(levelMinimums, levelMinimums.dropFirst()).allSatisfy({ $0 > $1 }),
              zip(bandMinimums, bandMinimums.dropFirst()).allSatisfy({ $0 > $1 }) else {
            throw ScoringError("\(id): level and band minimums must be strictly decreasing")
        }
        self.id = id
        self.dimensions = dimensions
        self.featureCount = featureCount
        self.weights = weights
        self.median = median
        self.mad = mad
        self.dimensionWeights = dimensionWeights.map { $0 / total }
        self.ideal = ideal.map { $0 / length }
        self.levelMinimums = levelMinimums
        self.bandMinimums = bandMinimums
    }

    /// Index of the level an overall score falls in (0 = highest).
    public func levelIndex(_ overall: Float) -> Int {
        levelMinimums.firstIndex { overall >= $0 } ?? levelMinimums.count - 1
    }

    /// Index of the salary band an overall score reaches, or nil.
    public func bandIndex(_ overall: Float) -> Int? {
        bandMinimums.firstIndex { overall >= $0 }
    }
}

/// A competency model compiled against a feature layout.
public struct CompiledModel: Sendable {
    public let model: CompetencyModel
    public let layout: FeatureLayout
    public let spec: JobSpec
    /// The spec packed for the batch core (a batch of one job).
    public let jobSet: JobSet

    /// - Throws: `ScoringError` naming the model and the key at fault (an unknown feature, a delivery descriptor
    ///   weighed without `deliveryOptIn`, a norm on an unknown feature).
    public init(_ model: CompetencyModel, layout: FeatureLayout? = nil) throws(ScoringError) {
        let layout = layout ?? FeatureLayout(model: model)
        let width = layout.paddedCount
        var weights = [Float](repeating: 0, count: model.dimensions.count * width)
        for (row, dimension) in model.dimensions.enumerated() {
            guard let own = layout.index(of: "content.\(dimension.id)") else {
                throw ScoringError("\(model.id): the layout has no column for competency '\(dimension.id)'")
            }
            weights[row * width + own] = 1
            for (feature, weight) in dimension.uses {
                guard let column = layout.index(of: feature) else {
                    throw ScoringError("\(model.id): dimensions.\(dimension.id).uses: unknown feature '\(feature)'")
                }
                if layout.features[column].group.isDelivery, weight != 0, !model.deliveryOptIn {
                    throw ScoringError("\(model.id): dimensions.\(dimension.id).uses.\(feature): voice and camera "
                        + "descriptors carry no weight unless the model opts in (deliveryOptIn: true)")
                }
                weights[row * width + column] = Float(weight)
            }
        }
        var median = [Float](repeating: 0, count: width)
        var mad = [Float](repeating: 1, count: width)
        for (column, feature) in layout.features.enumerated() {
            median[column] = Float(feature.norm.median)
            mad[column] = Float(feature.norm.mad)
        }
        for (feature, norm) in model.norms {
            guard let column = layout.index(of: feature) else {
                throw ScoringError("\(model.id): norms: unknown feature '\(feature)'")
            }
            median[column] = Float(norm.median)
            mad[column] = Float(norm.mad)
        }
        let targets = model.dimensions.map { Float($0.target ?? $0.weight) }
        self.model = model
        self.layout = layout
        let spec = try JobSpec(
            id: model.id, dimensions: model.dimensions.count, featureCount: width, weights: weights, median: median,
            mad: mad, dimensionWeights: model.dimensions.map { Float($0.weight) }, ideal: targets,
            levelMinimums: model.levels.map { Float($0.min) }, bandMinimums: model.salaryBands.map { Float($0.min) })
        self.spec = spec
        self.jobSet = try JobSet([spec])
    }
}
