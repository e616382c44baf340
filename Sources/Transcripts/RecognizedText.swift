import DebriefModel

/// What a speech recogniser wrote, made ready for the analysis: Whisper often writes Chinese in Traditional
/// characters and its Chinese "words" are one- or two-character tokens. Recognised Chinese is turned into Simplified
/// characters (ICU's `Traditional-Simplified` transform, character for character, so every time is kept) and its
/// words are rebuilt with ICU's dictionary segmenter: a word starts when its first token starts and ends when its
/// last token ends, and is as sure as its least sure token. English stretches of a mixed answer are left as they are.
public enum RecognizedText {
    /// The cues with Simplified text and rebuilt words.
    public static func normalized(_ cues: [Cue]) -> [Cue] {
        guard cues.contains(where: { $0.text.unicodeScalars.contains(where: \.isHan) }) else { return cues }
        let chinese = ChineseText()
        return cues.map { cue in
            var result = cue
            result.text = chinese.simplified(cue.text)
            if let words = cue.words, words.contains(where: { $0.text.unicodeScalars.contains(where: \.isHan) }) {
                result.words = rebuilt(words, chinese)
            }
            return result
        }
    }

    /// Chinese text in Simplified characters (for comparing recognised text with a reference).
    public static func simplified(_ text: String) -> String { ChineseText().simplified(text) }

    /// Words re-cut by the segmenter over the tokens' characters, each timed by the tokens it covers.
    static func rebuilt(_ tokens: [TimedWord], _ chinese: ChineseText) -> [TimedWord] {
        var characters: [Character] = []
        var owner: [Int] = []
        for (index, token) in tokens.enumerated() {
            for character in chinese.simplified(token.text) {
                characters.append(character)
                owner.append(index)
            }
        }
        var rebuilt: [TimedWord] = []
        var offset = 0
        for word in chinese.words(String(characters)) {
            let length = word.text.count
            defer { offset += length }
            guard word.isWord, length > 0, offset + length <= owner.count else { continue }
            let covered = tokens[owner[offset]...owner[offset + length - 1]]
            let sure = covered.compactMap(\.probability)
            let text = word.text.trimmingWhitespace
            guard !text.isEmpty else { continue }
            rebuilt.append(TimedWord(text: text, start: covered.first!.start, end: covered.last!.end,
                                     probability: sure.count == covered.count ? sure.min() : nil))
        }
        return rebuilt
    }
}
