import DebriefModel
import Foundation
import MediaDecoding
import Pipeline
import Transcripts

/// Word error rate of a recogniser against reference transcripts.
///
/// Texts are normalised as usual for WER: lower case, punctuation dropped (apostrophes inside words kept), hyphens
/// split, numbers written as words ("120%" → "one hundred twenty percent", "3.5" → "three point five").
public enum WordErrorRate {
    public static func normalise(_ text: String) -> [String] {
        var tokens: [String] = []
        let spaced = text.lowercased().replacingOccurrences(of: "%", with: " percent ")
            .replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "—", with: " ")
        for raw in spaced.split(whereSeparator: \.isWhitespace) {
            var word = String(raw).trimmingCharacters(in: CharacterSet.alphanumerics.inverted)
            word = word.replacingOccurrences(of: ",", with: "")
            guard !word.isEmpty else { continue }
            if let spoken = spokenNumber(word) {
                tokens += spoken
            } else {
                tokens.append(word.filter { $0.isLetter || $0.isNumber || $0 == "'" })
            }
        }
        return tokens.filter { !$0.isEmpty }
    }

    /// Substitutions + deletions + insertions turning `reference` into `hypothesis` (Levenshtein on words).
    public static func errors(reference: [String], hypothesis: [String]) -> Int {
        guard !reference.isEmpty else { return hypothesis.count }
        var previous = Array(0...hypothesis.count)
        for (i, word) in reference.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: hypothesis.count)
            for (j, other) in hypothesis.enumerated() {
                current[j + 1] = min(previous[j] + (word == other ? 0 : 1), previous[j + 1] + 1, current[j] + 1)
            }
            previous = current
        }
        return previous[hypothesis.count]
    }

    static let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                       "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                       "nineteen"]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    static func spokenNumber(_ word: String) -> [String]? {
        if let dot = word.firstIndex(of: "."), let whole = Int(word[..<dot]),
           word[word.index(after: dot)...].allSatisfy(\.isNumber), word.index(after: dot) != word.endIndex {
            return words(whole) + ["point"] + word[word.index(after: dot)...].map { ones[Int(String($0))!] }
        }
        guard word.allSatisfy(\.isNumber), let value = Int(word), value < 1_000_000_000 else { return nil }
        return words(value)
    }

    static func words(_ value: Int) -> [String] {
        if value < 20 { return [ones[value]] }
        if value < 100 { return [tens[value / 10]] + (value % 10 > 0 ? [ones[value % 10]] : []) }
        for (size, name) in [(1_000_000, "million"), (1000, "thousand"), (100, "hundred")] where value >= size {
            return words(value / size) + [name] + (value % size > 0 ? words(value % size) : [])
        }
        return []
    }
}

/// Character error rate for Chinese: both texts in Simplified characters, punctuation and spaces removed, Arabic
/// numbers read as Chinese numerals (Whisper writes digits where references spell 二十五), Latin words kept as words.
public enum CharacterErrorRate {
    public static func normalise(_ text: String) -> [String] {
        var tokens: [String] = []
        var latin = ""
        var digits = ""
        func flush() {
            if !latin.isEmpty { tokens.append(latin.lowercased()) }
            if !digits.isEmpty { tokens += ChineseNumerals.reading(digits).map(String.init) }
            latin = ""
            digits = ""
        }
        for character in RecognizedText.simplified(text) {
            if character.unicodeScalars.allSatisfy(\.isHan) {
                flush()
                tokens.append(String(character))
            } else if character.isASCII, character.isNumber {
                if !latin.isEmpty { flush() }
                digits.append(character)
            } else if character.isLetter {
                if !digits.isEmpty { flush() }
                latin.append(character)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }
}

/// Arabic digits as they are read in Chinese: 25 → 二十五, 2023 (4 digits and more: a year or a code) → 二零二三.
public enum ChineseNumerals {
    static let digits = Array("零一二三四五六七八九")

    public static func reading(_ text: String) -> String {
        // Four digits and more (a year, a code) and leading zeros are read digit by digit.
        guard text.count < 4, text.first != "0" || text.count == 1, let value = Int(text) else {
            return String(text.compactMap { $0.wholeNumberValue.map { digits[$0] } })
        }
        return spoken(value)
    }

    static func spoken(_ value: Int) -> String {
        guard value > 0 else { return "零" }
        if value < 10 { return String(digits[value]) }
        if value < 20 { return "十" + (value % 10 > 0 ? String(digits[value % 10]) : "") }
        if value < 100 { return String(digits[value / 10]) + "十" + (value % 10 > 0 ? String(digits[value % 10]) : "") }
        let rest = value % 100
        return String(digits[value / 100]) + "百" + (rest == 0 ? "" : (rest < 10 ? "零" : "") + (rest < 20 && rest >= 10
            ? "一" + spoken(rest) : spoken(rest)))
    }
}

/// Runs a recogniser over audio files with reference transcripts: `manifest.csv` rows (`source_path`, `transcript`,
/// as in ../shared/data/prosody-dev) or a directory of audio files each with a `.txt` of the same stem.
public struct ASREvaluation {
    public struct FileResult: Sendable {
        public var id: String
        public var language: Language
        /// Reference words (English) or characters (Chinese).
        public var referenceWords: Int
        public var errors: Int
        public var seconds: Double
        public var hypothesis: String
    }

    public struct Summary: Sendable {
        public var files: [FileResult]
        public var skipped: [String]
        public var wallSeconds: Double

        /// Word error rate over the English files (character error rate over the Chinese ones).
        public func errorRate(_ language: Language) -> Double {
            let chosen = files.filter { $0.language == language }
            return Double(chosen.reduce(0) { $0 + $1.errors }) / Double(max(1, chosen.reduce(0) { $0 + $1.referenceWords }))
        }

        public var wordErrorRate: Double { errorRate(.en) }

        public var report: String {
            let audio = files.reduce(0) { $0 + $1.seconds }
            var lines: [String] = []
            for language in [Language.en, .zh] {
                let chosen = files.filter { $0.language == language }
                guard !chosen.isEmpty else { continue }
                lines.append(String(format: "%@: %d files, %d reference %@, %@ %.1f %%", language.rawValue, chosen.count,
                                    chosen.reduce(0) { $0 + $1.referenceWords }, language == .zh ? "characters" : "words",
                                    language == .zh ? "CER" : "WER", errorRate(language) * 100))
            }
            return "ASR: " + lines.joined(separator: "; ")
                + String(format: "; %.0f s of audio in %.1f s (%.1f× realtime)", audio, wallSeconds,
                         audio / max(wallSeconds, 1e-9))
        }
    }

    public let recognizer: any SpeechRecognizer

    public init(recognizer: any SpeechRecognizer) {
        self.recognizer = recognizer
    }

    public func run(_ location: String, limit: Int? = nil, stride: Int = 1) throws(AnalysisError) -> Summary {
        var items: [(id: String, audio: String, reference: String)] = []
        let manifest = (location as NSString).appendingPathComponent("manifest.csv")
        if let text = try? String(contentsOfFile: manifest, encoding: .utf8) {
            let rows = CSV.parse(text)
            guard let header = rows.first, let id = header.firstIndex(of: "id"),
                  let path = header.firstIndex(of: "source_path"), let reference = header.firstIndex(of: "transcript")
            else {
                throw AnalysisError(code: .input, message: "\(manifest): needs id, source_path and transcript columns")
            }
            for row in rows.dropFirst() where row.count > max(id, path, reference) && !row[reference].isEmpty {
                items.append((row[id], row[path], row[reference]))
            }
        } else {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: location) else {
                throw AnalysisError(code: .input, message: "\(location): neither a manifest nor a readable directory")
            }
            for name in names.sorted() where RecordingBundle.isRecording(name) {
                let stem = ((location as NSString).appendingPathComponent(name) as NSString).deletingPathExtension
                if let reference = try? String(contentsOfFile: stem + ".txt", encoding: .utf8) {
                    items.append((name, (location as NSString).appendingPathComponent(name), reference))
                }
            }
        }
        items = Swift.stride(from: 0, to: items.count, by: max(1, stride)).map { items[$0] }
        if let limit { items = Array(items.prefix(limit)) }
        var summary = Summary(files: [], skipped: [], wallSeconds: 0)
        let started = Date()
        for item in items {
            do {
                let samples = try Self.decode(item.audio)
                let seconds = Double(samples.count) / Double(analysisSampleRate)
                let language: Language = Language.detect(item.reference) == .zh ? .zh : .en
                let session = try recognizer.begin(language: language, scratch: NSTemporaryDirectory())
                session.append(samples)
                let cues = RecognizedText.normalized(try session.finish().cues)
                let hypothesis = cues.map(\.text).joined(separator: language == .zh ? "" : " ")
                let normalise = language == .zh ? CharacterErrorRate.normalise : WordErrorRate.normalise
                let reference = normalise(item.reference)
                summary.files.append(FileResult(
                    id: item.id, language: language, referenceWords: reference.count,
                    errors: WordErrorRate.errors(reference: reference, hypothesis: normalise(hypothesis)),
                    seconds: seconds, hypothesis: hypothesis))
            } catch {
                summary.skipped.append("\(item.id): \(error)")
            }
        }
        summary.wallSeconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The 16 kHz mono samples of a recording, through the product's decoder (frames barely sampled).
    public static func decode(_ path: String) throws -> [Float] {
        struct Collect: MediaSink {
            var samples: [Float] = []
            mutating func consume(_ chunk: AudioChunk) { samples += chunk.samples }
            mutating func consume(_ frame: FrameSample) {}
            mutating func consume(_ cue: Cue) {}
        }
        var sink = Collect()
        let reader = try MediaReader(path: path, options: DecodeOptions(frameRate: 0.01))
        _ = try reader.decode(into: &sink)
        return sink.samples
    }
}
