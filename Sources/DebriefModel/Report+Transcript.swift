public struct TranscriptSummary: Sendable, Codable, Equatable {
    public var source: TranscriptSource
    /// The transcript file's name, when it came from a file.
    public var file: String?
    public var language: Language
    public var wordCount: Int
    /// Words per minute over the span from the first to the last cue (Chinese counts characters as words).
    public var wordsPerMinute: Double?
    public var cues: [Cue]
    /// For `source == asr`: the recogniser (name and engine), the share of words it was unsure of (probability
    /// below 0.5), and the stretches of three or more such words in a row.
    public var recognizer: String?
    public var lowConfidenceShare: Double?
    public var lowConfidence: [TimeSpan]?
    /// For `asr`: the language the recogniser heard (ISO 639-1) and how sure it was (0–1), when it said.
    public var detectedLanguage: String?
    public var detectedLanguageProbability: Double?
    /// Who spoke (two-party calls, panels): each speaker with their role and share of the talk, how speakers were
    /// told apart (`labels`, `channels`, `voice`, `single`), and how the candidate was found (`metadata`,
    /// `inferred`, `corrected`) with a confidence (0–1). Absent for a recording of one voice without labels.
    public var speakers: [SpeakerSummary]?
    public var speakerMethod: String?
    public var candidateRoleBy: String?
    public var candidateRoleConfidence: Double?
    /// With `--tracks`: every turn of the conversation.
    public var turns: [Turn]?

    public init(source: TranscriptSource, file: String?, language: Language, wordCount: Int,
                wordsPerMinute: Double?, cues: [Cue]) {
        self.source = source
        self.file = file
        self.language = language
        self.wordCount = wordCount
        self.wordsPerMinute = wordsPerMinute
        self.cues = cues
    }
}

/// A stretch of the recording, in seconds.
public struct TimeSpan: Sendable, Codable, Equatable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

public struct Answer: Sendable, Codable, Equatable {
    public var index: Int
    public var questionID: String?
    public var question: String?
    public var start: Double
    public var end: Double
    public var language: Language
    public var wordCount: Int
    /// Voice and picture descriptors over this answer's span (no frame tracks; those are on the recording's).
    public var prosody: ProsodySummary?
    public var visual: VisualSummary?
    /// The answer's situation–task–action–result structure (nil without a transcript).
    public var star: StarSummary?
    /// A string of skill terms with no story, or phrases copied from the job description: flagged, not rewarded.
    public var keywordStuffed: Bool?
    /// Why the answer was flagged as stuffed, in plain words.
    public var stuffingReasons: [String]?
    public var fluency: FluencySummary?
    /// Why this answer's content gives no evidence (speech recognition was unsure of most of its words), or nil.
    public var insufficientEvidence: String?

    public init(index: Int, questionID: String? = nil, question: String?, start: Double, end: Double,
                language: Language, wordCount: Int, prosody: ProsodySummary? = nil, visual: VisualSummary? = nil) {
        self.visual = visual
        self.index = index
        self.questionID = questionID
        self.question = question
        self.start = start
        self.end = end
        self.language = language
        self.wordCount = wordCount
        self.prosody = prosody
    }
}

/// A quoted stretch of the transcript with its time range.
public struct TimedText: Sendable, Codable, Equatable {
    public var text: String
    public var start: Double
    public var end: Double

    public init(text: String, start: Double, end: Double) {
        self.text = text
        self.start = start
        self.end = end
    }
}

/// One part of a STAR answer: whether the answer has it, and the units that say it.
public struct StarElement: Sendable, Codable, Equatable {
    public var present: Bool
    public var evidence: [TimedText]

    public init(present: Bool, evidence: [TimedText]) {
        self.present = present
        self.evidence = evidence
    }
}

/// The situation–task–action–result structure of one answer (背景-任务-行动-结果).
public struct StarSummary: Sendable, Codable, Equatable {
    public var situation: StarElement
    public var task: StarElement
    public var action: StarElement
    public var result: StarElement
    /// "in-order" when the parts present come in S→T→A→R order, "out-of-order", or "n/a" with fewer than two.
    public var order: String
    /// The part of each unit in the order said ("S", "T", "A", "R", "-").
    public var sequence: String
    /// The result states a measurable number (percent, money, count, time, multiple).
    public var resultQuantified: Bool
    /// The numbers the result states, as said.
    public var resultQuantities: [String]
    /// The answer describes what the speaker would do, not a real past event (then no part counts as present).
    public var hypothetical: Bool
    /// First-person singular ("I", 我) over singular plus plural ("we", 我们) mentions; nil with neither.
    public var iShare: Double?
    public var iCount: Int
    public var weCount: Int
    /// 0–100: situation 15, task 15, action 30, result 25, quantified result 10, canonical order 5.
    public var score: Int

    public init(situation: StarElement, task: StarElement, action: StarElement, result: StarElement, order: String,
                sequence: String, resultQuantified: Bool, resultQuantities: [String], hypothetical: Bool,
                iShare: Double?, iCount: Int, weCount: Int, score: Int) {
        self.situation = situation
        self.task = task
        self.action = action
        self.result = result
        self.order = order
        self.sequence = sequence
        self.resultQuantified = resultQuantified
        self.resultQuantities = resultQuantities
        self.hypothetical = hypothetical
        self.iShare = iShare
        self.iCount = iCount
        self.weCount = weCount
        self.score = score
    }
}

/// Fluency of one answer's delivery, from its transcript.
public struct FluencySummary: Sendable, Codable, Equatable {
    /// Filler tokens (um, uh, like, you know, I mean; 嗯, 呃, 那个, 就是, 然后 in filler position).
    public var fillers: Int
    /// Fillers per 100 words (Chinese words as segmented by ICU's dictionary word breaker).
    public var fillersPer100: Double?
    /// Each filler as said, with how often.
    public var fillerCounts: [String: Int]
    /// Hedges ("I think", "maybe", 可能, 大概) and self-corrections ("I mean", repeated words, 我是说).
    public var hedges: Int
    public var selfCorrections: Int
    /// English words per minute and Chinese characters per minute over the answer's cues (timed transcripts only).
    public var wordsPerMinute: Double?
    public var charactersPerMinute: Double?
    /// Silences of at least `longGapSeconds` between cues, and the longest.
    public var longGaps: Int
    public var longGapSeconds: Double
    public var longestGapSeconds: Double?

    public init(fillers: Int, fillersPer100: Double?, fillerCounts: [String: Int], hedges: Int, selfCorrections: Int,
                wordsPerMinute: Double?, charactersPerMinute: Double?, longGaps: Int, longGapSeconds: Double,
                longestGapSeconds: Double?) {
        self.fillers = fillers
        self.fillersPer100 = fillersPer100
        self.fillerCounts = fillerCounts
        self.hedges = hedges
        self.selfCorrections = selfCorrections
        self.wordsPerMinute = wordsPerMinute
        self.charactersPerMinute = charactersPerMinute
        self.longGaps = longGaps
        self.longGapSeconds = longGapSeconds
        self.longestGapSeconds = longestGapSeconds
    }
}
