/// A quoted piece of the transcript that supports (or, when negated, does not support) a competency.
public struct Evidence: Sendable, Codable, Equatable {
    public var quote: String
    public var keyword: String
    public var answer: Int
    public var start: Double
    public var end: Double
    /// The STAR part of the sentence it was said in ("action", "result", …): mentions inside concrete actions weigh
    /// more than passing ones.
    public var part: String?
    /// What this mention adds to the competency's evidence strength (0 when not counted).
    public var weight: Double?
    /// The behavioural indicator it shows, when the term belongs to one.
    public var indicator: String?
    /// Found by an implied-skill pattern ("led a group of five engineers" → leadership) rather than a keyword.
    public var implied: Bool?

    public init(quote: String, keyword: String, answer: Int, start: Double, end: Double, part: String? = nil,
                weight: Double? = nil, indicator: String? = nil, implied: Bool? = nil) {
        self.quote = quote
        self.keyword = keyword
        self.answer = answer
        self.start = start
        self.end = end
        self.part = part
        self.weight = weight
        self.indicator = indicator
        self.implied = implied
    }
}

public struct CompetencyScore: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var nameZh: String?
    public var weight: Double
    /// 0–100, or nil when there is not enough evidence to score (then `insufficientEvidence` says why).
    public var score: Double?
    public var insufficientEvidence: String?
    /// Whether the answers show this competency: one concrete action plus some support, or a concrete action's
    /// worth spread over three or more sentences (`strength` ≥ 1.3, or ≥ 1 over three sentences). Only then does
    /// its evidence count. Nil in reports stored before the distinction (their evidence all counted).
    public var shown: Bool?
    /// The evidence strength the decision rests on: per distinct term its best-weighted mention (1 inside a
    /// concrete action) plus a quarter of up to two repeats.
    public var strength: Double?
    /// The evidence that carries the score: the quotes of a shown competency (empty when it was not shown).
    public var evidence: [Evidence]
    /// Mentions of a competency that was not shown ("we sold to customers" once): listed apart, never counted.
    public var mentions: [Evidence]?
    /// Mentions in a negated scope ("I never led…", "没有带过团队"): shown, never counted.
    public var negatedEvidence: [Evidence]
    /// Mentions in a hypothetical scope ("I would lead…", 我会…, 想学…): shown, never counted.
    public var hypotheticalEvidence: [Evidence]?
    /// The level of this competency's score on the model's scale (优秀/良好/一般/不合格 or the model's own).
    public var level: String?
    public var levelZh: String?
    /// Behavioural indicators of the model shown by the evidence.
    public var indicatorsShown: [String]?
    /// How the score is made: per feature its share of the score in points (they sum to the score), largest first.
    public var contributions: [Contribution]?

    public init(id: String, name: String, nameZh: String?, weight: Double, score: Double?,
                insufficientEvidence: String?, evidence: [Evidence], negatedEvidence: [Evidence]) {
        self.id = id
        self.name = name
        self.nameZh = nameZh
        self.weight = weight
        self.score = score
        self.insufficientEvidence = insufficientEvidence
        self.evidence = evidence
        self.negatedEvidence = negatedEvidence
    }
}

/// One competency of the two-way résumé check (双向校验).
public struct ResumeFinding: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// The résumé claims it; the interview gave no asserted evidence.
        case claimedNotEvidenced = "claimed-not-evidenced"
        /// The interview shows it; the résumé does not mention it.
        case evidencedNotClaimed = "evidenced-not-claimed"
        /// Both.
        case consistent
    }

    public var competency: String
    public var name: String
    public var nameZh: String?
    public var status: Status
    /// The résumé lines that claim it (empty when not claimed).
    public var resumeLines: [String]
    /// The interview's strongest evidence (empty when none).
    public var interviewEvidence: [Evidence]

    public init(competency: String, name: String, nameZh: String?, status: Status, resumeLines: [String],
                interviewEvidence: [Evidence]) {
        self.competency = competency
        self.name = name
        self.nameZh = nameZh
        self.status = status
        self.resumeLines = resumeLines
        self.interviewEvidence = interviewEvidence
    }
}

/// One feature's part in a competency score.
public struct Contribution: Sendable, Codable, Equatable {
    /// Feature id (`content.teamwork`, `star.result`) and its label.
    public var feature: String
    public var label: String
    public var labelZh: String
    /// The measured value (nil when missing: it then counts as typical) and its normalised value.
    public var value: Double?
    public var z: Double
    /// The model's weight of this feature in this competency.
    public var weight: Double
    /// Points of the 0–100 score owed to this feature (negative when it pulls the score down).
    public var points: Double

    public init(feature: String, label: String, labelZh: String, value: Double?, z: Double, weight: Double,
                points: Double) {
        self.feature = feature
        self.label = label
        self.labelZh = labelZh
        self.value = value
        self.z = z
        self.weight = weight
        self.points = points
    }
}

/// What a verdict rests on: how much the candidate said, and how many competencies their answers showed.
public struct VerdictBasis: Sendable, Codable, Equatable {
    /// Answers with words in them, the candidate's words (a Chinese character counts as 2/3 of a word), and the
    /// minutes of the answers (nil for an untimed transcript).
    public var answers: Int
    public var words: Int
    public var minutes: Double?
    /// Competencies with shown evidence, of the model's.
    public var competenciesShown: Int
    public var competencies: Int
    /// Whether that is enough for a level and a next step (see `minimumWords`, `minimumShown`).
    public var sufficient: Bool
    /// The competencies to ask about (no shown evidence), by id, in the model's order.
    public var askAbout: [String]

    /// A level and next step need at least this many of the candidate's words (about a minute of speech)…
    public static let minimumWords = 150
    /// …and this many competencies shown (or every one of a model with fewer).
    public static let minimumShown = 2

    public init(answers: Int, words: Int, minutes: Double?, competenciesShown: Int, competencies: Int,
                askAbout: [String]) {
        self.answers = answers
        self.words = words
        self.minutes = minutes
        self.competenciesShown = competenciesShown
        self.competencies = competencies
        self.askAbout = askAbout
        sufficient = words >= Self.minimumWords && competenciesShown >= min(Self.minimumShown, competencies)
    }
}

public struct Overall: Sendable, Codable, Equatable {
    public var score: Double?
    /// Cosine similarity of the competency profile to the job's ideal profile, in percent.
    public var matchPercent: Double?
    public var level: String
    public var levelZh: String
    public var recommendation: String
    public var recommendationZh: String?
    /// How many competencies the overall score rests on.
    public var dimensionsScored: Int
    /// Share of the candidates stored for this job (at scoring time) with a lower overall score, in percent
    /// ("超过了60%的候选人"), and how many candidates that was; nil when there were none to compare with.
    public var percentile: Double?
    public var percentilePopulation: Int?
    /// The model's salary band for this score (nil when the model defines none, or below every band).
    public var salaryBand: String?
    public var salaryBandZh: String?
    /// What the verdict rests on; when it is thin the level is "Not enough to decide" and the next step says what
    /// to ask (the score is still given, for reference).
    public var basis: VerdictBasis?

    public init(score: Double?, matchPercent: Double?, level: String, levelZh: String, recommendation: String,
                recommendationZh: String? = nil, dimensionsScored: Int) {
        self.score = score
        self.matchPercent = matchPercent
        self.level = level
        self.levelZh = levelZh
        self.recommendation = recommendation
        self.recommendationZh = recommendationZh
        self.dimensionsScored = dimensionsScored
    }
}
