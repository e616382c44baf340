import DebriefModel

/// One column of the candidate feature vector.
public struct FeatureSpec: Sendable, Equatable, Codable {
    public enum Group: String, Sendable, Codable {
        /// Weighted competency evidence from the transcript (one column per competency).
        case content
        /// STAR structure of the answers.
        case star
        /// Fluency of the transcript.
        case fluency
        /// Voice descriptors (carry weight only when a model opts in to delivery descriptors).
        case prosody
        /// Camera descriptors (carry weight only when a model opts in to delivery descriptors).
        case visual

        /// Voice and camera descriptors: reported, never weighed unless the model says `deliveryOptIn: true`.
        public var isDelivery: Bool { self == .prosody || self == .visual }
    }

    /// Stable name, `group.name` (`content.teamwork`, `star.result`, `prosody.speechRate`).
    public var id: String
    public var label: String
    public var labelZh: String
    public var group: Group
    /// Default norm: typical value and spread (median absolute deviation) of the feature across candidates.
    public var norm: Norm

    public init(id: String, label: String, labelZh: String, group: Group, norm: Norm) {
        self.id = id
        self.label = label
        self.labelZh = labelZh
        self.group = group
        self.norm = norm
    }
}

/// Features are normalised as z = (x − median) / mad (a robust z in MAD units, not σ units), clamped to
/// ±`FeatureLayout.zLimit`; a missing or non-finite value scores z = 0 (typical).
public typealias Norm = FeatureNorm

/// The fixed layout of the feature vector, version 1.
///
/// Columns, in this order:
/// 1. `content.<competency>`: evidence strength of each competency (weighted mentions, see Transcripts), in the order
///    the competencies are given (a model's dimensions; for several models, first appearance). Norm 0 / 2, so that a
///    weight of 1 on its own column reproduces `100·(1 − e^(−strength/2))`.
/// 2. `star.*` (8): share of answers with each part, share with a quantified result, mean structure score / 100,
///    mean "I" share, share of hypothetical answers.
/// 3. `fluency.*` (5): fillers, hedges and self-corrections per 100 words, words per minute (English) and characters
///    per minute (Chinese).
/// 4. `prosody.*` (8) and `visual.*` (6): delivery descriptors.
/// The vector is float32 and padded with zero columns to a multiple of `FeatureLayout.simdWidth`.
public struct FeatureLayout: Sendable, Equatable {
    public static let version = 1
    /// Floats per SIMD register the kernels use (`SIMD8<Float>`).
    public static let simdWidth = 8
    /// Normalised features are clamped to ±6 MAD so that one outlier cannot decide a score.
    public static let zLimit: Float = 6

    public let features: [FeatureSpec]
    /// Columns including padding (a multiple of `simdWidth`).
    public let paddedCount: Int
    private let indexByID: [String: Int]

    public init(competencies: [(id: String, name: String, nameZh: String?)]) {
        var features: [FeatureSpec] = []
        var seen = Set<String>()
        for competency in competencies where seen.insert(competency.id).inserted {
            features.append(FeatureSpec(id: "content.\(competency.id)", label: "\(competency.name) evidence",
                                        labelZh: "\(competency.nameZh ?? competency.name)证据", group: .content,
                                        norm: Norm(median: 0, mad: 2)))
        }
        features += FeatureLayout.descriptors
        self.features = features
        self.paddedCount = (features.count + FeatureLayout.simdWidth - 1) / FeatureLayout.simdWidth
            * FeatureLayout.simdWidth
        self.indexByID = Dictionary(uniqueKeysWithValues: features.enumerated().map { ($1.id, $0) })
    }

    /// The layout for one model's dimensions.
    public init(model: CompetencyModel) {
        self.init(competencies: model.dimensions.map { ($0.id, $0.name, $0.nameZh) })
    }

    /// The layout shared by several models (a competency id names the same competency in every model).
    public init(models: [CompetencyModel]) {
        self.init(competencies: models.flatMap { $0.dimensions.map { ($0.id, $0.name, $0.nameZh) } })
    }

    public func index(of id: String) -> Int? { indexByID[id] }

    /// Every feature id a model may name (the content columns of any competency plus the descriptors).
    public static var descriptorIDs: [String] { descriptors.map(\.id) }

    /// Typical values: STAR and fluency from interview-transcript studies and the labelled sets' spread;
    /// voice from Praat measures of conversational speech; camera from the bundled webcam samples. A model can
    /// override any of them with norms measured on its own candidates (`norms:` in its YAML).
    static let descriptors: [FeatureSpec] = [
        FeatureSpec(id: "star.situation", label: "Answers with a situation", labelZh: "有背景的回答占比",
                    group: .star, norm: Norm(median: 0.5, mad: 0.25)),
        FeatureSpec(id: "star.task", label: "Answers with a task", labelZh: "有任务的回答占比",
                    group: .star, norm: Norm(median: 0.5, mad: 0.25)),
        FeatureSpec(id: "star.action", label: "Answers with actions", labelZh: "有行动的回答占比",
                    group: .star, norm: Norm(median: 0.75, mad: 0.25)),
        FeatureSpec(id: "star.result", label: "Answers with a result", labelZh: "有结果的回答占比",
                    group: .star, norm: Norm(median: 0.5, mad: 0.25)),
        FeatureSpec(id: "star.quantified", label: "Answers with a quantified result", labelZh: "结果量化的回答占比",
                    group: .star, norm: Norm(median: 0.25, mad: 0.25)),
        FeatureSpec(id: "star.structure", label: "Mean STAR structure score / 100", labelZh: "STAR结构平均分/100",
                    group: .star, norm: Norm(median: 0.5, mad: 0.2)),
        FeatureSpec(id: "star.ownership", label: "Share of \"I\" among I/we", labelZh: "“我”在我/我们中的占比",
                    group: .star, norm: Norm(median: 0.5, mad: 0.2)),
        FeatureSpec(id: "star.hypothetical", label: "Hypothetical answers", labelZh: "假设性回答占比",
                    group: .star, norm: Norm(median: 0, mad: 0.25)),
        FeatureSpec(id: "fluency.fillersPer100", label: "Fillers per 100 words", labelZh: "每百词填充词",
                    group: .fluency, norm: Norm(median: 3, mad: 2)),
        FeatureSpec(id: "fluency.hedgesPer100", label: "Hedges per 100 words", labelZh: "每百词含糊语",
                    group: .fluency, norm: Norm(median: 1, mad: 1)),
        FeatureSpec(id: "fluency.selfCorrectionsPer100", label: "Self-corrections per 100 words",
                    labelZh: "每百词自我修正", group: .fluency, norm: Norm(median: 0.5, mad: 0.5)),
        FeatureSpec(id: "fluency.wordsPerMinute", label: "Words per minute (English)", labelZh: "每分钟词数（英文）",
                    group: .fluency, norm: Norm(median: 140, mad: 25)),
        FeatureSpec(id: "fluency.charactersPerMinute", label: "Characters per minute (Chinese)",
                    labelZh: "每分钟字数（中文）", group: .fluency, norm: Norm(median: 220, mad: 40)),
        FeatureSpec(id: "prosody.f0SdSemitones", label: "Pitch variation (st)", labelZh: "音高变化（半音）",
                    group: .prosody, norm: Norm(median: 2.5, mad: 1)),
        FeatureSpec(id: "prosody.f0RangeSemitones", label: "Pitch range 5–95 % (st)", labelZh: "音域（半音）",
                    group: .prosody, norm: Norm(median: 9, mad: 3)),
        FeatureSpec(id: "prosody.intensitySdDb", label: "Loudness variation (dB)", labelZh: "响度变化（分贝）",
                    group: .prosody, norm: Norm(median: 8, mad: 2)),
        FeatureSpec(id: "prosody.pausesPerMinute", label: "Pauses per minute", labelZh: "每分钟停顿",
                    group: .prosody, norm: Norm(median: 12, mad: 6)),
        FeatureSpec(id: "prosody.speechRate", label: "Speech rate (syll/s)", labelZh: "语速（音节/秒）",
                    group: .prosody, norm: Norm(median: 3.5, mad: 0.7)),
        FeatureSpec(id: "prosody.articulationRate", label: "Articulation rate (syll/s)", labelZh: "发音速率（音节/秒）",
                    group: .prosody, norm: Norm(median: 4.5, mad: 0.7)),
        FeatureSpec(id: "prosody.jitterLocal", label: "Jitter (local)", labelZh: "基频微扰",
                    group: .prosody, norm: Norm(median: 0.02, mad: 0.008)),
        FeatureSpec(id: "prosody.shimmerLocal", label: "Shimmer (local)", labelZh: "振幅微扰",
                    group: .prosody, norm: Norm(median: 0.09, mad: 0.03)),
        FeatureSpec(id: "visual.faceVisibleRatio", label: "Face in view", labelZh: "面部在画面中",
                    group: .visual, norm: Norm(median: 0.9, mad: 0.15)),
        FeatureSpec(id: "visual.faceCentredRatio", label: "Face centred", labelZh: "面部居中",
                    group: .visual, norm: Norm(median: 0.8, mad: 0.2)),
        FeatureSpec(id: "visual.gazeProxyRatio", label: "Both eyes found (gaze proxy)", labelZh: "双眼可见（视线代理）",
                    group: .visual, norm: Norm(median: 0.6, mad: 0.2)),
        FeatureSpec(id: "visual.smileRatio", label: "Smile frames", labelZh: "微笑帧占比",
                    group: .visual, norm: Norm(median: 0.2, mad: 0.15)),
        FeatureSpec(id: "visual.headMovement", label: "Head movement (face heights)", labelZh: "头部移动（脸高）",
                    group: .visual, norm: Norm(median: 0.05, mad: 0.04)),
        FeatureSpec(id: "visual.brightnessMean", label: "Brightness", labelZh: "亮度",
                    group: .visual, norm: Norm(median: 0.45, mad: 0.15)),
    ]
}
