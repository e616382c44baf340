import DebriefModel

/// Who speaks, as transcript exports write it: WebVTT voice spans (`<v Ann Lee>…</v>`, Teams), or a leading
/// "Name:" / "Name：" in the cue text (Zoom, Tencent Meeting, Feishu, Otter, SRT exports).
///
/// Leading labels are read strictly, so that "Note: …", "Result: …" or a time like "10:30" never becomes a speaker:
/// a label is a short name (at most four words, or eight Chinese characters; letters, digits inside a name like
/// `SPEAKER_01`, spaces, `.`, `-`, `_`), never one of the words that open a sentence with a colon, and the labels are
/// taken only when the transcript uses them as a convention — on at least two cues and a third of them, with no more
/// than eight names, one of which comes back. A cue without a label then continues the previous speaker.
public enum SpeakerLabels {
    /// The name of the first voice span of a raw WebVTT cue line (`<v Ann>`, `<v.loud Ann Lee>`), or nil.
    public static func voice(in line: String) -> String? {
        guard let open = line.range(of: "<v") else { return nil }
        var rest = line[open.upperBound...]
        // Classes (`<v.loud.first Name>`) come before the name.
        if rest.first == "." { rest = rest.drop { $0 != " " && $0 != "\t" && $0 != ">" } }
        guard rest.first == " " || rest.first == "\t", let close = rest.firstIndex(of: ">") else { return nil }
        let name = rest[..<close].trimmingWhitespace
        return name.isEmpty ? nil : String(name.prefix(80))
    }

    /// Words that open a sentence with a colon and are not speakers.
    static let notSpeakers: Set<String> = [
        "note", "notes", "nb", "ps", "example", "e.g", "eg", "i.e", "tip", "step", "result", "results", "warning",
        "update", "summary", "todo", "fyi", "re", "subject", "date", "time", "location", "agenda", "action",
        "actions", "answer", "situation", "task", "goal", "outcome", "problem", "solution", "context", "reason",
        "http", "https", "www", "ftp", "mailto", "file", "email", "phone", "tel", "url", "id",
        "注意", "备注", "例如", "比如", "结果", "总结", "第一", "第二", "说明", "提示", "问题", "答案", "背景", "任务", "行动",
    ]

    /// A leading `Name:` of `text`, and the text after it; nil when the text does not start with a plausible name.
    public static func leadingLabel(_ text: String) -> (label: String, rest: String)? {
        guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let label = text[..<colon].trimmingWhitespace
        let rest = text[text.index(after: colon)...].trimmingWhitespace
        guard !label.isEmpty, !rest.isEmpty, label.count <= 40 else { return nil }
        // A clock time ("10:30") or a number is no name.
        guard label.contains(where: { $0.isLetter }) else { return nil }
        if text[colon] == ":", let next = rest.first, next.isNumber, label.last?.isNumber == true { return nil }
        guard label.allSatisfy({ $0.isLetter || $0.isNumber || " .-_'·".contains($0) }) else { return nil }
        let han = label.unicodeScalars.contains(where: \.isHan)
        if han {
            guard label.count <= 8 else { return nil }
        } else {
            let words = label.split(separator: " ")
            guard words.count <= 4, words.allSatisfy({ $0.first?.isLetter == true || $0.first?.isNumber == true })
            else { return nil }
        }
        guard !notSpeakers.contains(label.lowercased()) else { return nil }
        // "Step 1", "Q1 result" and the like: a label-word followed by a number is a heading, not a person.
        if let first = label.split(separator: " ").first, notSpeakers.contains(first.lowercased()) { return nil }
        return (label, rest)
    }

    /// The cues with the speakers their leading labels name (and the labels taken out of the text), when the
    /// transcript uses labels as a convention; the cues unchanged otherwise.
    public static func applyingLeadingLabels(_ cues: [Cue]) -> [Cue] {
        guard !cues.contains(where: { $0.speaker != nil }) else { return cues }
        let found = cues.map { leadingLabel($0.text) }
        let labelled = found.compactMap { $0 }
        let counts = Dictionary(grouping: labelled.map(\.label), by: { $0.lowercased() }).mapValues(\.count)
        guard labelled.count >= 2, Double(labelled.count) >= Double(cues.count) / 3, counts.count <= 8,
              counts.values.contains(where: { $0 >= 2 }) else { return cues }
        var result: [Cue] = []
        var current: String?
        for (cue, label) in zip(cues, found) {
            var cue = cue
            if let label {
                current = label.label
                cue.text = label.rest
                // A word list that came with the cue starts with the label's words: drop them.
                if var words = cue.words {
                    let labelWords = label.label.split(separator: " ").count
                    if words.count > labelWords, words.prefix(labelWords).last?.text.hasSuffix(":") == true
                        || words.prefix(labelWords).last?.text.hasSuffix("：") == true {
                        words.removeFirst(labelWords)
                        cue.words = words
                    }
                }
            }
            cue.speaker = current
            result.append(cue)
        }
        return result
    }
}
