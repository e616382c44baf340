import DebriefModel
import Foundation

/// Text normalisation and tokenising shared by every matcher, so that keywords and transcripts meet on equal terms.
public enum TextNormalizer {
    /// NFKC (full-width letters and digits become ASCII), lowercased.
    public static func normalize(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.lowercased()
    }

    /// English words (letters, digits, inner apostrophes) of normalised text, with their stems.
    public static func englishTokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        func flush() {
            let word = current.trimmingCharacters(in: CharacterSet(charactersIn: "'’"))
            if !word.isEmpty { tokens.append(Token(word: word, stem: stem(word))) }
            current = ""
        }
        for scalar in text.unicodeScalars {
            if scalar.isHan {
                flush()
            } else if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "'" || scalar == "’" {
                current.unicodeScalars.append(scalar == "’" ? "'" : scalar)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// Number of Han characters.
    public static func hanCount(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.isHan ? 1 : 0) }
    }

    /// A light suffix-stripping stemmer (in the spirit of Porter's step 1): enough that "debugged", "debugging" and
    /// "debugs" meet "debug", and "analyzed"/"analyzes" meet "analyze". Short words are left alone.
    public static func stem(_ word: String) -> String {
        var w = word
        if w.hasSuffix("'s") { w.removeLast(2) }
        func strip(_ suffix: String, minimumStem: Int = 3) -> Bool {
            guard w.hasSuffix(suffix), w.count - suffix.count >= minimumStem else { return false }
            w.removeLast(suffix.count)
            return true
        }
        if w.hasSuffix("ies"), w.count > 4 { w.removeLast(3); w += "y"; return w }
        if w.hasSuffix("ied"), w.count > 4 { w.removeLast(3); w += "y"; return w }
        if strip("ing") || strip("ed") {
            // "debugg" → "debug", "planned" → "plan"
            if let last = w.last, w.count >= 4, w.dropLast().last == last, !"lsz".contains(last) { w.removeLast() }
            if w.hasSuffix("at") || w.hasSuffix("iz") || w.hasSuffix("yz") { w += "e" }  // "analyz" → "analyze"
            return normaliseE(w)
        }
        if w.hasSuffix("sses") { w.removeLast(2); return w }
        if w.hasSuffix("ss") || w.hasSuffix("us") || w.hasSuffix("is") { return w }
        if w.hasSuffix("es"), w.count > 4, ["ches", "shes", "xes", "zes", "sses"].contains(where: { w.hasSuffix($0) }) {
            w.removeLast(2)
            return w
        }
        if w.hasSuffix("s"), w.count > 3 { w.removeLast() }
        return normaliseE(w)
    }

    /// Drops a final silent "e" so that "analyze" and "analyz(ed)" share a stem.
    private static func normaliseE(_ word: String) -> String {
        var w = word
        if w.hasSuffix("e"), w.count > 4 { w.removeLast() }
        return w
    }
}

public struct Token: Sendable, Equatable {
    public var word: String
    public var stem: String
}

/// Sentence punctuation of both scripts.
enum Sentences {
    static let terminators: Set<Character> = [".", "!", "?", "。", "！", "？", "；", ";", "…"]
}
