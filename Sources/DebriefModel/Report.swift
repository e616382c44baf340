/// The assessment report: one versioned JSON document per analysed recording.
///
/// Paths in this document are a contract other tools read: add freely, rename never. A report is a pure function
/// of its inputs (recording bytes, transcript, model id+version, pipeline version): it carries no wall-clock time,
/// so the same inputs always give the same report.
public struct Report: Sendable, Codable, Equatable {
    /// Bumped only when an existing path changes meaning.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var pipelineVersion: String
    public var recording: Recording
    public var model: ModelRef
    public var candidate: String?
    public var prosody: ProsodySummary?
    public var visual: VisualSummary?
    public var transcript: TranscriptSummary
    public var answers: [Answer]
    public var competencies: [CompetencyScore]
    public var overall: Overall
    public var warnings: [String]
    /// The résumé's text as read (from the metadata), and the two-way check of its claims against the interview.
    public var resume: String?
    public var resumeCheck: [ResumeFinding]?
    /// 1 for the analysis; each re-score (`debrief rescore`, a changed model) adds one. The stored history keeps
    /// the earlier revisions.
    public var revision: Int?
    /// SHA-256 over everything the analysis read: the recording's hash, the transcript used (source, times, text),
    /// the metadata and the résumé. The store reports the same inputs under the same model and pipeline version once;
    /// the same recording dropped again with a new transcript is analysed again.
    public var inputsSHA256: String?

    /// What identifies this analysis's inputs in the store: `inputsSHA256`, else (older reports) the recording's.
    public var inputsKey: String { inputsSHA256 ?? recording.sha256 }

    public init(schemaVersion: Int = Report.currentSchemaVersion, pipelineVersion: String, recording: Recording,
                model: ModelRef, candidate: String?, prosody: ProsodySummary?, visual: VisualSummary?,
                transcript: TranscriptSummary, answers: [Answer], competencies: [CompetencyScore],
                overall: Overall, warnings: [String]) {
        self.schemaVersion = schemaVersion
        self.pipelineVersion = pipelineVersion
        self.recording = recording
        self.model = model
        self.candidate = candidate
        self.prosody = prosody
        self.visual = visual
        self.transcript = transcript
        self.answers = answers
        self.competencies = competencies
        self.overall = overall
        self.warnings = warnings
    }

    public struct Recording: Sendable, Codable, Equatable {
        /// The file's name as dropped (no directories: reports are shared with people who need not see paths).
        public var file: String
        public var sha256: String
        public var sizeBytes: Int64
        public var durationSeconds: Double?
        public var container: String?
        public var audio: AudioStreamFacts?
        public var video: VideoStreamFacts?

        public init(file: String, sha256: String, sizeBytes: Int64, durationSeconds: Double?, container: String?,
                    audio: AudioStreamFacts?, video: VideoStreamFacts?) {
            self.file = file
            self.sha256 = sha256
            self.sizeBytes = sizeBytes
            self.durationSeconds = durationSeconds
            self.container = container
            self.audio = audio
            self.video = video
        }
    }

    public struct ModelRef: Sendable, Codable, Equatable {
        public var id: String
        public var version: Int
        public var title: String

        public init(id: String, version: Int, title: String) {
            self.id = id
            self.version = version
            self.title = title
        }
    }
}

/// A measured value with its unit and what it means, for descriptors shown to people.
public struct Pauses: Sendable, Codable, Equatable {
    /// Silent intervals of at least `minimumSeconds` between the first and the last speech.
    public var count: Int
    public var perMinute: Double
    public var meanSeconds: Double?
    public var longestSeconds: Double?
    public var minimumSeconds: Double
    /// Pauses by length: brief (< 0.5 s), medium (0.5–1 s), long (≥ 1 s).
    public var brief: Int
    public var medium: Int
    public var long: Int

    public init(count: Int, perMinute: Double, meanSeconds: Double?, longestSeconds: Double?, minimumSeconds: Double,
                brief: Int = 0, medium: Int = 0, long: Int = 0) {
        self.count = count
        self.perMinute = perMinute
        self.meanSeconds = meanSeconds
        self.longestSeconds = longestSeconds
        self.minimumSeconds = minimumSeconds
        self.brief = brief
        self.medium = medium
        self.long = long
    }
}

/// Delivery descriptors of the voice. They describe; they never weigh in a competency score.
public struct ProsodySummary: Sendable, Codable, Equatable {
    public var analysedSeconds: Double
    /// Share of 10 ms frames above the recording's own silence threshold.
    public var speechRatio: Double
    public var phonationSeconds: Double
    public var voicedFraction: Double
    public var f0MedianHz: Double?
    /// F0 statistics in semitones re 27.5 Hz over voiced frames.
    public var f0MeanSemitones: Double?
    public var f0SdSemitones: Double?
    public var f0RangeSemitones: Double?
    public var intensityMeanDb: Double?
    public var intensitySdDb: Double?
    public var silenceThresholdDb: Double?
    public var pauses: Pauses
    /// F0 slope over time, semitones per second (least squares over voiced frames).
    public var f0SlopeSemitonesPerSecond: Double?
    /// Syllable nuclei (de Jong & Wempe 2009) and the rates built on them.
    public var syllables: Int?
    /// Syllables per second of recording.
    public var speechRate: Double?
    /// Syllables per second of phonation (sounding time).
    public var articulationRate: Double?
    public var averageSyllableSeconds: Double?
    /// Praat's jitter (local) and shimmer (local), as fractions (0.01 = 1 %).
    public var jitterLocal: Double?
    public var shimmerLocal: Double?
    public var track: ProsodyTrack?
    /// A chart-sized outline of the whole recording (always there, whatever its length); nil on answers.
    public var contour: ProsodyContour?

    public init(analysedSeconds: Double, speechRatio: Double, phonationSeconds: Double, voicedFraction: Double,
                f0MedianHz: Double?, f0MeanSemitones: Double?, f0SdSemitones: Double?, f0RangeSemitones: Double?,
                intensityMeanDb: Double?, intensitySdDb: Double?, silenceThresholdDb: Double?, pauses: Pauses,
                f0SlopeSemitonesPerSecond: Double? = nil, syllables: Int? = nil, speechRate: Double? = nil,
                articulationRate: Double? = nil, averageSyllableSeconds: Double? = nil, jitterLocal: Double? = nil,
                shimmerLocal: Double? = nil, track: ProsodyTrack?, contour: ProsodyContour? = nil) {
        self.contour = contour
        self.f0SlopeSemitonesPerSecond = f0SlopeSemitonesPerSecond
        self.syllables = syllables
        self.speechRate = speechRate
        self.articulationRate = articulationRate
        self.averageSyllableSeconds = averageSyllableSeconds
        self.jitterLocal = jitterLocal
        self.shimmerLocal = shimmerLocal
        self.analysedSeconds = analysedSeconds
        self.speechRatio = speechRatio
        self.phonationSeconds = phonationSeconds
        self.voicedFraction = voicedFraction
        self.f0MedianHz = f0MedianHz
        self.f0MeanSemitones = f0MeanSemitones
        self.f0SdSemitones = f0SdSemitones
        self.f0RangeSemitones = f0RangeSemitones
        self.intensityMeanDb = intensityMeanDb
        self.intensitySdDb = intensitySdDb
        self.silenceThresholdDb = silenceThresholdDb
        self.pauses = pauses
        self.track = track
    }
}

/// The voice over the whole recording in at most `maximumPoints` steps, for charts: step i covers
/// `startSeconds + i · hopSeconds` for `hopSeconds` (10 ms frames, 2ⁿ to a step, n as small as fits). Memory and size
/// stay the same for an hour as for a minute.
public struct ProsodyContour: Sendable, Codable, Equatable {
    public static let maximumPoints = 512
    /// At most this many pauses are listed: the longest ones.
    public static let maximumPauses = 200

    public var startSeconds: Double
    public var hopSeconds: Double
    /// Mean F0 of the step's voiced frames; 0 when none is voiced.
    public var f0Hz: [Float]
    /// Mean intensity of the step's frames.
    public var intensityDb: [Float]
    /// Silent pauses (≥ the pause minimum, 0.25 s by default), the longest `maximumPauses`, in time order.
    public var pauses: [TimeSpan]

    public init(startSeconds: Double, hopSeconds: Double, f0Hz: [Float], intensityDb: [Float], pauses: [TimeSpan]) {
        self.startSeconds = startSeconds
        self.hopSeconds = hopSeconds
        self.f0Hz = f0Hz
        self.intensityDb = intensityDb
        self.pauses = pauses
    }
}

/// Frame-level prosody: frame i is centred at `startSeconds + i · hopSeconds`; `f0Hz` is 0 where unvoiced.
public struct ProsodyTrack: Sendable, Codable, Equatable {
    public var startSeconds: Double
    public var hopSeconds: Double
    public var f0Hz: [Float]
    public var intensityDb: [Float]

    public init(startSeconds: Double, hopSeconds: Double, f0Hz: [Float], intensityDb: [Float]) {
        self.startSeconds = startSeconds
        self.hopSeconds = hopSeconds
        self.f0Hz = f0Hz
        self.intensityDb = intensityDb
    }
}

/// Picture descriptors and quality signals. They describe; they never weigh in a competency score.
public struct VisualSummary: Sendable, Codable, Equatable {
    public var framesAnalysed: Int
    /// Frames sampled per second of video.
    public var sampleRate: Double
    /// Mean luma 0–1.
    public var brightnessMean: Double
    /// Mean RMS contrast of luma 0–1.
    public var contrastMean: Double
    /// Mean absolute luma change between consecutive samples, 0–1.
    public var motionIndex: Double
    /// Mean share of pixels at video black / video white.
    public var underExposedRatio: Double
    public var overExposedRatio: Double
    /// Mean variance of the Laplacian (focus measure, luma units², on 320-px-wide planes).
    public var sharpnessMean: Double
    /// Share of consecutive samples with no change, and the longest such stretch.
    public var frozenRatio: Double
    public var longestFrozenSeconds: Double
    /// "good", "too dark", "too bright" or "flat".
    public var lighting: String
    /// Face measures (nil when no face detector ran): share of frames with a frontal face, share with the face
    /// centred (centre within the middle third across and 15–60 % down), median face height over frame height, and
    /// head movement (mean face-centre shift between consecutive samples, in face heights).
    public var faceVisibleRatio: Double?
    public var faceCentredRatio: Double?
    public var medianFaceHeightRatio: Double?
    public var headMovement: Double?
    /// Share of face frames with an eye found in each half of the face (a proxy for looking at the camera, not a
    /// measure of attention), share of face frames with a smile, and smile episodes (runs of smiling samples) per
    /// minute of video.
    public var gazeProxyRatio: Double?
    public var smileRatio: Double?
    public var smileEpisodesPerMinute: Double?
    /// Recording-quality warnings in plain words.
    public var warnings: [String]
    public var track: VisualTrack?

    public init(framesAnalysed: Int, sampleRate: Double, brightnessMean: Double, contrastMean: Double,
                motionIndex: Double, underExposedRatio: Double = 0, overExposedRatio: Double = 0,
                sharpnessMean: Double = 0, frozenRatio: Double = 0, longestFrozenSeconds: Double = 0,
                lighting: String = "good", faceVisibleRatio: Double? = nil, faceCentredRatio: Double? = nil,
                medianFaceHeightRatio: Double? = nil, headMovement: Double? = nil, gazeProxyRatio: Double? = nil,
                smileRatio: Double? = nil, smileEpisodesPerMinute: Double? = nil, warnings: [String] = [],
                track: VisualTrack?) {
        self.gazeProxyRatio = gazeProxyRatio
        self.smileRatio = smileRatio
        self.smileEpisodesPerMinute = smileEpisodesPerMinute
        self.faceVisibleRatio = faceVisibleRatio
        self.faceCentredRatio = faceCentredRatio
        self.medianFaceHeightRatio = medianFaceHeightRatio
        self.headMovement = headMovement
        self.framesAnalysed = framesAnalysed
        self.sampleRate = sampleRate
        self.brightnessMean = brightnessMean
        self.contrastMean = contrastMean
        self.motionIndex = motionIndex
        self.underExposedRatio = underExposedRatio
        self.overExposedRatio = overExposedRatio
        self.sharpnessMean = sharpnessMean
        self.frozenRatio = frozenRatio
        self.longestFrozenSeconds = longestFrozenSeconds
        self.lighting = lighting
        self.warnings = warnings
        self.track = track
    }
}

public struct VisualTrack: Sendable, Codable, Equatable {
    public var timesSeconds: [Double]
    public var brightness: [Float]
    public var motion: [Float]
    public var faceDetected: [Bool]
    /// The main (largest) face per sample as [x, y, width, height] in frame pixels; empty when none.
    public var faceBoxes: [[Int]]

    public init(timesSeconds: [Double], brightness: [Float], motion: [Float], faceDetected: [Bool] = [],
                faceBoxes: [[Int]] = []) {
        self.timesSeconds = timesSeconds
        self.brightness = brightness
        self.motion = motion
        self.faceDetected = faceDetected
        self.faceBoxes = faceBoxes
    }
}

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
    public var evidence: [Evidence]
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
