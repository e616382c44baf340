/// The roles of a conversation's speakers.
public enum SpeakerRole: String, Sendable, Codable, CaseIterable {
    case candidate
    case interviewer
    case other
}

/// One speaker of a conversation, as the report lists them: who, in which role, and how they took part
/// (descriptive, what interview-intelligence tools report; never part of the candidate's score).
public struct SpeakerSummary: Sendable, Codable, Equatable {
    /// The label the transcript (or Debrief) gave: what cues' `speaker` holds.
    public var id: String
    /// A readable name (the label, or the candidate's name from the metadata).
    public var label: String
    public var role: SpeakerRole
    /// Seconds spoken, and the share of all speech.
    public var seconds: Double
    public var share: Double
    /// Turns, questions asked, the longest turn, and how often they started while someone else still spoke.
    public var turns: Int
    public var questions: Int
    public var longestTurnSeconds: Double
    public var interruptions: Int

    public init(id: String, label: String, role: SpeakerRole, seconds: Double, share: Double, turns: Int,
                questions: Int, longestTurnSeconds: Double, interruptions: Int) {
        self.id = id
        self.label = label
        self.role = role
        self.seconds = seconds
        self.share = share
        self.turns = turns
        self.questions = questions
        self.longestTurnSeconds = longestTurnSeconds
        self.interruptions = interruptions
    }
}

/// A stretch in which one speaker holds the floor.
public struct Turn: Sendable, Codable, Equatable {
    public var start: Double
    public var end: Double
    public var speaker: String

    public init(start: Double, end: Double, speaker: String) {
        self.start = start
        self.end = end
        self.speaker = speaker
    }
}

/// Who is who, as the metadata says: `speakers: {candidate: SPEAKER_00, interviewer: [SPEAKER_01]}`.
public struct SpeakerAssignment: Sendable, Codable, Equatable {
    public var candidate: String?
    public var interviewers: [String]

    public init(candidate: String? = nil, interviewers: [String] = []) {
        self.candidate = candidate
        self.interviewers = interviewers
    }
}
