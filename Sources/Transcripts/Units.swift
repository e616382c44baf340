import DebriefModel
import Foundation

/// A stretch of one answer that the STAR classifier labels: a sentence or clause, or for unpunctuated
/// speech-to-text a stretch between pauses (≥ 0.5 s between cues) and connectives.
public struct Unit: Sendable, Equatable {
    /// As said (markup already removed).
    public var text: String
    /// NFKC, lowercased, Traditional → Simplified: what matchers read.
    public var normalised: String
    public var start: Double
    public var end: Double
}

/// Splits an answer's cues into units, with each unit's time interpolated within its cues.
struct UnitSplitter {
    /// A pause at least this long between cues ends a unit in unpunctuated speech.
    static let pauseSeconds = 0.5
    static let englishConnectives: Set<String> = ["so", "then", "but", "because", "after", "afterwards", "eventually",
                                                  "finally", "which", "and"]

    let chinese: ChineseText

    func split(_ cues: [Cue], timed: Bool) -> [Unit] {
        let allText = cues.map(\.text).joined(separator: " ")
        let punctuated = Self.isPunctuated(allText)
        var units: [Unit] = []
        var current: (text: String, start: Double, end: Double)?
        func flush() {
            guard let piece = current else { return }
            let text = piece.text.trimmingWhitespace
            current = nil
            guard text.contains(where: { $0.isLetter || $0.isNumber }) else { return }
            units.append(Unit(text: text, normalised: normalise(text), start: piece.start, end: piece.end))
        }
        var previousEnd: Double?
        for cue in cues {
            if let previousEnd, !punctuated, !timed || cue.start - previousEnd >= Self.pauseSeconds || Self.isHanText(cue.text) {
                flush()
            }
            let pieces = piecesOf(cue.text, punctuated: punctuated)
            let clock = CueClock(cue)
            for piece in pieces {
                let start = clock.time(atCharacter: piece.from, ending: false)
                let end = clock.time(atCharacter: piece.to, ending: true)
                if current == nil {
                    current = (piece.text, start, end)
                } else {
                    let joiner = Self.isHanText(piece.text) && Self.isHanText(current!.text) ? "" : " "
                    current!.text += joiner + piece.text
                    current!.end = end
                }
                if piece.closes { flush() }
            }
            previousEnd = cue.end
        }
        flush()
        return units
    }

    func normalise(_ text: String) -> String {
        chinese.simplified(TextNormalizer.normalize(text))
    }

    /// Sentence punctuation at least once per ~30 words (or 60 Han characters).
    static func isPunctuated(_ text: String) -> Bool {
        let terminators = text.filter { Sentences.terminators.contains($0) || $0 == "，" || $0 == "," }.count
        let size = Double(TextNormalizer.hanCount(text)) / 2 + Double(text.split(separator: " ").count)
        return Double(terminators) >= size / 30
    }

    static func isHanText(_ text: String) -> Bool {
        TextNormalizer.hanCount(text) * 2 > text.filter { $0.isLetter }.count
    }

    /// Pieces of one cue's text, with character offsets and whether each closes a unit.
    private func piecesOf(_ text: String, punctuated: Bool) -> [(text: String, from: Int, to: Int, closes: Bool)] {
        let characters = Array(text)
        var pieces: [(String, Int, Int, Bool)] = []
        var start = 0
        func cut(at end: Int, closes: Bool) {
            let piece = String(characters[start..<end])
            if !piece.trimmingWhitespace.isEmpty { pieces.append((piece, start, end, closes)) }
            start = end
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let isDecimalPoint = character == "." && index > 0 && index + 1 < characters.count
                && characters[index - 1].isNumber && characters[index + 1].isNumber
            if Sentences.terminators.contains(character), !isDecimalPoint {
                cut(at: index + 1, closes: true)
            } else if character == "，" || character == "," && Self.isHanText(String(characters[start..<index])) {
                // Chinese clauses: a comma ends a unit when the clause has some length (那个， 嗯， do not).
                let clause = String(characters[start..<index])
                if TextNormalizer.hanCount(clause) >= 6 { cut(at: index + 1, closes: true) }
            } else if character == " ", index > 0, index + 1 < characters.count,
                      characters[index - 1].unicodeScalars.first!.isHan, characters[index + 1].unicodeScalars.first!.isHan {
                // A space between Han characters is a pause in speech-to-text output.
                let clause = String(characters[start..<index])
                if TextNormalizer.hanCount(clause) >= 4 { cut(at: index + 1, closes: true) }
            } else if character == " ", !Self.isHanText(String(characters[start..<index])) {
                // Long English stretches break before a connective ("so I…", "and then…", "which meant…").
                let words = characters[start..<index].split(separator: " ").count
                let limit = punctuated ? 18 : 8
                if words >= limit {
                    let rest = String(characters[(index + 1)...].prefix(24)).lowercased()
                    let next = rest.split(whereSeparator: { !$0.isLetter && $0 != "'" }).first.map(String.init) ?? ""
                    let nextTwo = rest.split(separator: " ").prefix(2).joined(separator: " ")
                    if Self.englishConnectives.contains(next), next != "and" || ["and then", "and i", "and we"].contains(where: nextTwo.hasPrefix) {
                        cut(at: index + 1, closes: true)
                    }
                }
            }
            index += 1
        }
        cut(at: characters.count, closes: false)
        return pieces
    }
}

/// Times within one cue's text: from the word timings when the cue has them (a unit, and so an evidence quote, starts
/// when its first word is said), else interpolated over the cue's span by character offset.
struct CueClock {
    let cue: Cue
    /// Character ranges of the cue's words in its text, with their times; empty without word timings.
    private let spans: [(from: Int, to: Int, start: Double, end: Double)]

    init(_ cue: Cue) {
        self.cue = cue
        var spans: [(Int, Int, Double, Double)] = []
        let characters = Array(cue.text.lowercased())
        var cursor = 0
        for word in cue.words ?? [] {
            let needle = Array(word.text.lowercased().trimmingCharacters(in: .whitespaces))
            guard !needle.isEmpty, let found = Self.find(needle, in: characters, from: cursor) else { continue }
            spans.append((found, found + needle.count, word.start, word.end))
            cursor = found + needle.count
        }
        self.spans = spans
    }

    private static func find(_ needle: [Character], in haystack: [Character], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    /// The time at character `offset`: a start is the start of the first word at or after it, an end the end of
    /// the last word before it.
    func time(atCharacter offset: Int, ending: Bool) -> Double {
        if !spans.isEmpty {
            if ending, let word = spans.last(where: { $0.from < offset }) { return word.end }
            if !ending, let word = spans.first(where: { $0.to > offset }) { return word.start }
        }
        let length = Double(max(1, cue.text.count))
        return cue.start + (cue.end - cue.start) * Double(offset) / length
    }
}
