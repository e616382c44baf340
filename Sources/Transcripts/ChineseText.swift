import CICU
import Foundation

/// Chinese text tools from ICU (Debian's libicu): dictionary-based word segmentation and Traditional → Simplified
/// conversion for matching. Foundation on Linux cannot segment Chinese; ICU's word break iterator can.
///
/// ICU iterators are not thread-safe: each analysis makes its own `ChineseText` (opening one takes microseconds
/// once ICU has loaded its dictionary).
final class ChineseText {
    private let breaker: OpaquePointer?
    private let simplifier: OpaquePointer?

    init() {
        var status: Int32 = 0
        breaker = debrief_word_breaker_open(&status)
        let id = Array("Traditional-Simplified".utf16)
        simplifier = debrief_transliterator_open(id, Int32(id.count), &status)
    }

    deinit {
        debrief_word_breaker_close(breaker)
        debrief_transliterator_close(simplifier)
    }

    /// A word of segmented text: its text and whether ICU classed it as a word (letters, digits or ideographs)
    /// rather than spaces or punctuation.
    struct Word: Equatable {
        var text: String
        var isWord: Bool
    }

    /// Splits `text` into words (Chinese by ICU's dictionary; other scripts by ICU's word rules).
    /// Falls back to one word per character if ICU is unavailable.
    func words(_ text: String) -> [Word] {
        let units = Array(text.utf16)
        guard let breaker, !units.isEmpty else {
            return text.map { Word(text: String($0), isWord: $0.isLetter || $0.isNumber) }
        }
        var boundaries = [Int32](repeating: 0, count: units.count + 1)
        var kinds = [Int32](repeating: 0, count: units.count + 1)
        var status: Int32 = 0
        let count = Int(debrief_word_boundaries(breaker, units, Int32(units.count), &boundaries, &kinds,
                                                Int32(boundaries.count), &status))
        guard status <= 0, count >= 2 else { return [Word(text: text, isWord: true)] }
        var words: [Word] = []
        words.reserveCapacity(count - 1)
        for index in 1..<count {
            let piece = String(decoding: units[Int(boundaries[index - 1])..<Int(boundaries[index])], as: UTF16.self)
            words.append(Word(text: piece, isWord: kinds[index] >= 100))
        }
        return words
    }

    /// The text with Traditional characters replaced by Simplified ones (other scripts unchanged).
    func simplified(_ text: String) -> String {
        guard let simplifier, text.unicodeScalars.contains(where: \.isHan) else { return text }
        var units = Array(text.utf16)
        let length = units.count
        let capacity = length * 2 + 16
        units += [UInt16](repeating: 0, count: capacity - length)
        var status: Int32 = 0
        let newLength = Int(debrief_transliterate(simplifier, &units, Int32(length), Int32(capacity), &status))
        guard status <= 0, newLength <= capacity else { return text }
        return String(decoding: units[0..<newLength], as: UTF16.self)
    }
}

/// Charset detection for transcripts that are not Unicode.
enum LegacyCharset {
    /// The text of `bytes` read as GB18030 (which includes GBK and GB2312), when that reading is clean and reads as
    /// Chinese; nil otherwise.
    static func gb18030(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty, bytes.count < Int(Int32.max) / 2 else { return nil }
        var output = [UInt16](repeating: 0, count: bytes.count + 1)
        var substitutions: Int32 = 0
        var status: Int32 = 0
        let written = bytes.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { chars in
                debrief_convert_to_utf16("GB18030", chars.baseAddress, Int32(bytes.count), &output,
                                         Int32(output.count), &substitutions, &status)
            }
        }
        guard status <= 0, substitutions == 0, written > 0, Int(written) <= output.count else { return nil }
        let text = String(decoding: output[0..<Int(written)], as: UTF16.self)
        let han = text.unicodeScalars.filter(\.isHan).count
        let nonASCII = text.unicodeScalars.filter { !$0.isASCII }.count
        // GB18030 maps almost any byte string to something; accept it only when the non-ASCII text is mostly Han.
        guard han > 0, Double(han) >= 0.6 * Double(nonASCII) else { return nil }
        return text
    }
}
