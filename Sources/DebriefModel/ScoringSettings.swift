/// A robust norm of one feature: its typical value and spread (median absolute deviation) among candidates.
/// The scoring core turns a feature into z = (x − median) / mad.
public struct FeatureNorm: Sendable, Codable, Equatable {
    public var median: Double
    public var mad: Double

    public init(median: Double, mad: Double) {
        self.median = median
        self.mad = mad
    }
}

/// A salary band reached from an overall score (`min` and above), highest first in the model.
public struct SalaryBand: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var nameZh: String?
    public var min: Double

    public init(id: String, name: String, nameZh: String? = nil, min: Double) {
        self.id = id
        self.name = name
        self.nameZh = nameZh
        self.min = min
    }
}

/// How the AI score and the HR rating are blended, and when their difference is flagged.
public struct ScoreBlend: Sendable, Codable, Equatable {
    /// Weight of the AI score (0–1); HR gets `1 − ai`.
    public var ai: Double
    /// A difference of more than this many points (0–100 scale) between AI and HR is flagged.
    public var flagPoints: Double

    public init(ai: Double = 0.4, flagPoints: Double = 20) {
        self.ai = ai
        self.flagPoints = flagPoints
    }

    public var hr: Double { 1 - ai }
    public static let standard = ScoreBlend()
}

/// The groups of the feature vector a model can name in `uses:` and `norms:` (see Scoring's `FeatureLayout`).
public enum FeatureGroupName {
    public static let content = "content"
    public static let descriptors = ["star", "fluency"]
    /// Voice and camera descriptors: only a model with `deliveryOptIn: true` may give them weight.
    public static let delivery = ["prosody", "visual"]

    /// The group of a feature id (`star.result` → `star`), or nil when the id is not `group.name`.
    public static func group(of id: String) -> String? {
        guard let dot = id.firstIndex(of: "."), dot != id.startIndex, id.index(after: dot) != id.endIndex else {
            return nil
        }
        let group = String(id[..<dot])
        return ([content] + descriptors + delivery).contains(group) ? group : nil
    }
}
