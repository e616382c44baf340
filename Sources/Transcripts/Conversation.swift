import DebriefModel

/// A two-party interview (or a panel) read from a transcript whose cues name their speakers: who the candidate is,
/// the turns, the interviewer's questions (each starts an answer), and what each speaker's part was — descriptive,
/// never part of the candidate's score.
///
/// The candidate is found, in order: by the metadata's `speakers.candidate`; by the metadata's `candidate` name
/// matching a label; by labels that say the role (Interviewer, Candidate, 面试官, 候选人, Q, A, …); else inferred —
/// the interviewer asks the questions (question marks, interrogatives, 吗/呢/请你/能不能), the candidate holds the
/// longest turns — with a confidence from how clearly one speaker stands apart.
public struct Conversation: Sendable, Equatable {
    public var speakers: [SpeakerSummary]
    /// The candidate's speaker label, when one could be told.
    public var candidate: String?
    /// `metadata`, `labels` or `inferred`.
    public var candidateRoleBy: String
    public var confidence: Double
    public var turns: [Turn]
    /// The interviewer's questions, in order: the turn's span and text.
    public var questions: [(start: Double, end: Double, text: String)]
    public var warnings: [AnalysisWarning]

    public static func == (a: Conversation, b: Conversation) -> Bool {
        a.speakers == b.speakers && a.candidate == b.candidate && a.turns == b.turns
            && a.questions.map(\.text) == b.questions.map(\.text)
    }

    static let interviewerWords = ["interviewer", "recruiter", "hiring manager", "manager", "hr", "host", "moderator",
                                   "q", "question", "panel", "面试官", "招聘", "主持", "考官", "hr经理", "问"]
    static let candidateWords = ["candidate", "applicant", "interviewee", "a", "answer", "候选人", "应聘者", "求职者", "答"]

    /// The conversation of `cues`, or nil when no cue names a speaker.
    /// - Parameters:
    ///   - assignment: the metadata's `speakers`.
    ///   - candidateName: the metadata's `candidate`.
    public static func read(_ cues: [Cue], assignment: SpeakerAssignment?, candidateName: String?) -> Conversation? {
        guard cues.contains(where: { $0.speaker != nil }) else { return nil }
        let turns = self.turns(cues)
        let labels = orderedLabels(cues)
        var warnings: [AnalysisWarning] = []
        var candidate: String?
        var roleBy = "inferred"
        var confidence = 1.0
        func label(matching name: String) -> String? {
            labels.first { $0.lowercased() == name.lowercased() }
        }
        if let wanted = assignment?.candidate {
            if let found = label(matching: wanted) {
                candidate = found
                roleBy = "metadata"
            } else {
                warnings.append(AnalysisWarning(.speakerNotFound, "the metadata names the speaker '\(wanted)' as the "
                    + "candidate, but no cue is said by '\(wanted)' (speakers: \(labels.joined(separator: ", ")))"))
            }
        }
        if candidate == nil, let name = candidateName, !name.isEmpty {
            let parts = name.lowercased().split(separator: " ").map(String.init)
            let matches = labels.filter { label in
                let lowered = label.lowercased()
                return lowered == name.lowercased() || (!parts.isEmpty && parts.contains { $0.count >= 2 && lowered
                    .split(separator: " ").map(String.init).contains($0) })
                    || (name.unicodeScalars.contains(where: \.isHan) && lowered.contains(name.lowercased()))
            }
            if matches.count == 1 {
                candidate = matches[0]
                roleBy = "metadata"
            }
        }
        if candidate == nil {
            let candidates = labels.filter { candidateWords.contains($0.lowercased()) }
            let interviewers = labels.filter { interviewerWords.contains($0.lowercased()) }
            if candidates.count == 1 {
                candidate = candidates[0]
                roleBy = "labels"
            } else if interviewers.count == labels.count - 1, let other = labels.first(where: { !interviewers.contains($0) }) {
                candidate = other
                roleBy = "labels"
            }
        }
        let stats = statistics(turns, labels: labels)
        if candidate == nil {
            // The candidate talks most and asks least: score = share of words − the share of their turns that are
            // questions.
            let scored = labels.map { label -> (String, Double) in
                let s = stats[label]!
                let questionRate = s.turns > 0 ? Double(s.questions) / Double(s.turns) : 0
                return (label, s.wordShare - 0.6 * questionRate)
            }.sorted { $0.1 > $1.1 }
            if labels.count == 1 {
                candidate = labels[0]
                confidence = 0.5
            } else if let best = scored.first {
                candidate = best.0
                let margin = best.1 - scored[1].1
                confidence = (min(0.99, max(0.5, 0.5 + margin)) * 100).rounded() / 100
            }
        }
        if labels.count > 2 {
            warnings.append(AnalysisWarning(.panel, "\(labels.count) speakers (a panel): the one taken as the candidate "
                + "is '\(candidate ?? "?")'; every other speaker is an interviewer"))
        }
        let interviewerLabels = Set(labels.filter { $0 != candidate })
        let total = stats.values.reduce(0) { $0 + $1.seconds }
        let speakers = labels.map { label -> SpeakerSummary in
            let s = stats[label]!
            let named = assignment?.interviewers ?? []
            let role: SpeakerRole = label == candidate ? .candidate
                : named.isEmpty || named.contains(where: { $0.lowercased() == label.lowercased() }) ? .interviewer
                : .other
            return SpeakerSummary(id: label, label: label == candidate ? (candidateName ?? label) : label, role: role,
                                  seconds: (s.seconds * 10).rounded() / 10,
                                  share: total > 0 ? (s.seconds / total * 1000).rounded() / 1000 : 0, turns: s.turns,
                                  questions: s.questions, longestTurnSeconds: (s.longest * 10).rounded() / 10,
                                  interruptions: s.interruptions)
        }
        let questions = turns.filter { interviewerLabels.contains($0.turn.speaker) && isQuestion($0.text) }
            .map { (start: $0.turn.start, end: $0.turn.end, text: String($0.text.prefix(300))) }
        return Conversation(speakers: speakers, candidate: candidate, candidateRoleBy: roleBy, confidence: confidence,
                            turns: turns.map(\.turn), questions: questions, warnings: warnings)
    }

    /// The cues the candidate said (cues without a speaker in a conversation are nobody's and left out).
    public func candidateCues(_ cues: [Cue]) -> [Cue] {
        guard let candidate else { return cues }
        return cues.filter { $0.speaker == candidate }
    }

    /// One answer per interviewer question: from the end of the question to the start of the next one (what the
    /// candidate said before the first question goes with the first answer).
    public func answerSpans(until end: Double) -> [RecordingMetadata.Question] {
        questions.enumerated().map { index, question in
            let next = index + 1 < questions.count ? questions[index + 1].start : max(end, question.end)
            return RecordingMetadata.Question(id: "q\(index + 1)", text: question.text, start: question.end,
                                              end: max(question.end, next))
        }
    }

    /// Whether a turn asks something: a question mark, an interrogative opening, or a Chinese question form.
    public static func isQuestion(_ text: String) -> Bool {
        if text.contains("?") || text.contains("？") { return true }
        let lowered = text.lowercased()
        let openings = ["what ", "how ", "why ", "when ", "where ", "which ", "who ", "could you", "can you",
                        "would you", "tell me", "describe", "walk me through", "give me an example", "have you",
                        "do you", "did you", "are you", "talk about", "share an example"]
        if openings.contains(where: { lowered.hasPrefix($0) || lowered.contains(". " + $0) }) { return true }
        let chinese = ["吗", "呢", "请你", "请讲", "请谈", "能不能", "能否", "为什么", "怎么", "如何", "谈谈", "说说", "介绍一下",
                       "讲一下", "举个例子", "举一个例子"]
        return chinese.contains { text.contains($0) }
    }

    struct Stats {
        var seconds = 0.0, words = 0, turns = 0, questions = 0, longest = 0.0, interruptions = 0
        var wordShare = 0.0
    }

    /// Consecutive cues of one speaker, merged into turns (with their text).
    static func turns(_ cues: [Cue]) -> [(turn: Turn, text: String)] {
        var turns: [(turn: Turn, text: String)] = []
        for cue in cues.sorted(by: { $0.start < $1.start }) {
            guard let speaker = cue.speaker else { continue }
            if let last = turns.last, last.turn.speaker == speaker {
                turns[turns.count - 1].turn.end = max(last.turn.end, cue.end)
                turns[turns.count - 1].text += " " + cue.text
            } else {
                turns.append((Turn(start: cue.start, end: cue.end, speaker: speaker), cue.text))
            }
        }
        return turns
    }

    static func orderedLabels(_ cues: [Cue]) -> [String] {
        var seen: [String] = []
        for cue in cues { if let speaker = cue.speaker, !seen.contains(speaker) { seen.append(speaker) } }
        return seen
    }

    static func statistics(_ turns: [(turn: Turn, text: String)], labels: [String]) -> [String: Stats] {
        var stats = Dictionary(uniqueKeysWithValues: labels.map { ($0, Stats()) })
        var previous: Turn?
        for (turn, text) in turns {
            var s = stats[turn.speaker] ?? Stats()
            let seconds = max(0, turn.end - turn.start)
            s.seconds += seconds
            s.turns += 1
            s.longest = max(s.longest, seconds)
            s.words += text.unicodeScalars.contains(where: \.isHan)
                ? text.unicodeScalars.filter(\.isHan).count : text.split(whereSeparator: \.isWhitespace).count
            if isQuestion(text) { s.questions += 1 }
            if let previous, previous.speaker != turn.speaker, turn.start < previous.end - 0.2 { s.interruptions += 1 }
            stats[turn.speaker] = s
            previous = turn
        }
        let words = Double(max(1, stats.values.reduce(0) { $0 + $1.words }))
        for label in labels { stats[label]!.wordShare = Double(stats[label]!.words) / words }
        return stats
    }
}
