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
    /// The stable code of each warning, in the same order (`AnalysisWarning.Code`: `audio-only`, `truncated`, …):
    /// what programs and tests act on; absent when there are no warnings.
    public var warningCodes: [String]?

    /// Warnings that say what a recording is rather than what went wrong with it (an audio-only phone screen):
    /// shown in the report, never counted as a problem in the lists.
    public static let informationalWarnings: Set<String> = ["audio-only"]

    /// How many warnings are problems (what the lists flag as "recording warnings").
    public var problemCount: Int {
        guard let codes = warningCodes, codes.count == warnings.count else { return warnings.count }
        return codes.filter { !Self.informationalWarnings.contains($0) }.count
    }
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

    /// Sets the warnings and their codes together.
    public mutating func setWarnings(_ list: [AnalysisWarning]) {
        warnings = list.map(\.text)
        warningCodes = list.isEmpty ? nil : list.map(\.code.rawValue)
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
        /// The model's Chinese title, when it has one (for Chinese pages).
        public var titleZh: String?

        public init(id: String, version: Int, title: String, titleZh: String? = nil) {
            self.id = id
            self.version = version
            self.title = title
            self.titleZh = titleZh
        }
    }
}
