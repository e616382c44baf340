/// A job's competency model: what the interview should show, and how much each part weighs.
///
/// Loaded from one YAML file per job in `Models/`. The skeleton keys (`id`, `version`, `title`, `dimensions[].{id,
/// name, weight, keywords.{en,zh}}`) are a contract; later keys are added, never renamed.
public struct CompetencyModel: Sendable, Codable, Equatable {
    public var id: String
    public var version: Int
    public var title: String
    public var titleZh: String?
    public var dimensions: [Dimension]
    /// The job description (English and Chinese), used to catch answers that copy it.
    public var description: String?
    public var descriptionZh: String?
    /// Score thresholds, highest first. The first level whose `min` the overall score reaches is the candidate's.
    public var levels: [Level]
    /// Salary bands by overall score, highest first (none: no band is reported).
    public var salaryBands: [SalaryBand] = []
    /// AI/HR blend weights and the discrepancy flag (default AI 40 %, HR 60 %, flag above 20 points).
    public var blend: ScoreBlend = .standard
    /// Voice and camera descriptors may carry weight in scores only when this is true (default false: they are
    /// reported, never weighed).
    public var deliveryOptIn = false
    /// Norms of features measured on this job's candidates, overriding the layout's defaults (versioned with the
    /// model: change them, bump `version`).
    public var norms: [String: FeatureNorm] = [:]

    public struct Dimension: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var nameZh: String?
        public var weight: Double
        /// Keywords per language (`en`, `zh`), matched on normalised text.
        public var keywords: [String: [String]]
        /// More words for the same skill, per language; matched like keywords.
        public var synonyms: [String: [String]]
        /// Implied-skill patterns per language ("led a (team|group) of {n}", "带着*{n}个"): `*` is a short gap,
        /// `{n}` a number, `(a|b)` alternatives; everything else is matched as words (English, by stem) or
        /// characters (Chinese).
        public var patterns: [String: [String]]
        /// Behavioural indicators: what a candidate who has the skill does, each with its own terms.
        public var indicators: [Indicator]
        /// Score levels of this competency, highest first (优秀/良好/一般/不合格 by default).
        public var levels: [DimensionLevel]
        /// More feature columns this competency's score uses, with their weights (`star.result: 0.3`). The
        /// competency's own evidence column (`content.<id>`) has weight 1 unless given here.
        public var uses: [String: Double] = [:]
        /// The ideal candidate's score on this competency (0–100) for the match percentage; by default the ideal
        /// profile has the shape of the weights.
        public var target: Double?

        public init(id: String, name: String, nameZh: String? = nil, weight: Double, keywords: [String: [String]],
                    synonyms: [String: [String]] = [:], patterns: [String: [String]] = [:],
                    indicators: [Indicator] = [], levels: [DimensionLevel] = DimensionLevel.defaults) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            self.weight = weight
            self.keywords = keywords
            self.synonyms = synonyms
            self.patterns = patterns
            self.indicators = indicators
            self.levels = levels
        }

        /// Every matching term of the dimension per language: keywords, synonyms and indicator keywords, each with
        /// the indicator it belongs to.
        public func terms(_ language: String) -> [(term: String, indicator: String?)] {
            var result = (keywords[language] ?? []).map { ($0, String?.none) }
            result += (synonyms[language] ?? []).map { ($0, String?.none) }
            for indicator in indicators {
                result += (indicator.keywords[language] ?? []).map { ($0, Optional(indicator.id)) }
            }
            return result
        }

        /// The level of a score on this dimension's scale.
        public func level(for score: Double) -> DimensionLevel {
            levels.first { score >= $0.min } ?? levels[levels.count - 1]
        }
    }

    /// A behavioural indicator of a competency ("breaks a problem down and tests hypotheses").
    public struct Indicator: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var nameZh: String?
        public var keywords: [String: [String]]

        public init(id: String, name: String, nameZh: String? = nil, keywords: [String: [String]]) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            self.keywords = keywords
        }
    }

    /// A level of one competency's score.
    public struct DimensionLevel: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var nameZh: String
        public var min: Double

        public init(id: String, name: String, nameZh: String, min: Double) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            self.min = min
        }

        public static let defaults: [DimensionLevel] = [
            DimensionLevel(id: "excellent", name: "Excellent", nameZh: "优秀", min: 80),
            DimensionLevel(id: "good", name: "Good", nameZh: "良好", min: 60),
            DimensionLevel(id: "fair", name: "Fair", nameZh: "一般", min: 40),
            DimensionLevel(id: "poor", name: "Poor", nameZh: "不合格", min: 0),
        ]
    }

    public struct Level: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var nameZh: String
        public var min: Double
        /// The next step HR should take at this level, in plain words (English and Chinese).
        public var recommendation: String
        public var recommendationZh: String?

        public init(id: String, name: String, nameZh: String, min: Double, recommendation: String,
                    recommendationZh: String? = nil) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            self.min = min
            self.recommendation = recommendation
            self.recommendationZh = recommendationZh
        }
    }

    /// Levels used when a model gives none (优秀/良好/一般/不合格).
    public static let defaultLevels: [Level] = [
        Level(id: "excellent", name: "Excellent", nameZh: "优秀", min: 80,
              recommendation: "Strong evidence across the job's competencies: advance to the next round.",
              recommendationZh: "各项岗位能力证据充分：建议进入下一轮。"),
        Level(id: "good", name: "Good", nameZh: "良好", min: 60,
              recommendation: "Solid evidence: advance, and probe the weaker competencies in the next round.",
              recommendationZh: "证据较充分：建议进入下一轮，并重点考察较弱的能力。"),
        Level(id: "fair", name: "Fair", nameZh: "一般", min: 40,
              recommendation: "Partial evidence: review the recording before deciding; consider a follow-up interview.",
              recommendationZh: "证据不完整：决定前请复看录像，可考虑补充面试。"),
        Level(id: "poor", name: "Poor", nameZh: "不合格", min: 0,
              recommendation: "Little evidence of the job's competencies in this interview: review before rejecting.",
              recommendationZh: "本次面试中岗位能力证据很少：淘汰前请先复看。"),
    ]

    public init(id: String, version: Int, title: String, titleZh: String? = nil, dimensions: [Dimension],
                levels: [Level] = CompetencyModel.defaultLevels) {
        self.id = id
        self.version = version
        self.title = title
        self.titleZh = titleZh
        self.dimensions = dimensions
        self.levels = levels
    }

    /// The level an overall score falls in.
    public func level(for score: Double) -> Level {
        levels.first { score >= $0.min } ?? levels[levels.count - 1]
    }
}
