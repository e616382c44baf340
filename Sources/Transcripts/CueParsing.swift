import DebriefModel
import Foundation

/// Why a transcript could not be read, naming the file, the line and the reason.
public typealias TranscriptError = FileError<TranscriptProblem>

/// The domain of `TranscriptError`'s codes.
public enum TranscriptProblem {}

extension StableCode where Domain == TranscriptProblem {
    public static let empty = Self("empty"), encoding = Self("encoding"), malformed = Self("malformed"),
        unsupported = Self("unsupported")
}

/// A parsed transcript: its cues and whether they carry real times.
public struct ParsedTranscript: Sendable, Equatable {
    public var cues: [Cue]
    /// Plain text has no times: its cues are all at 0 and rates per minute cannot be measured.
    public var timed: Bool
    /// What a recogniser said about its own transcript (JSON from an OpenAI-compatible server).
    public var recognition: RecognitionNotes?

    public init(cues: [Cue], timed: Bool, recognition: RecognitionNotes? = nil) {
        self.cues = cues
        self.timed = timed
        self.recognition = recognition
    }
}

/// What a recogniser reports beside its words: the language it heard (and how sure it is), and what its guards
/// did — repetition loops collapsed and flagged, segments dropped as invented over silence or music, a chunk stopped
/// at its deadline.
public struct RecognitionNotes: Sendable, Equatable {
    public var language: String?
    public var languageProbability: Double?
    public var loopsCollapsed = 0
    public var segmentsDropped = 0
    public var incomplete = false

    public init(language: String? = nil, languageProbability: Double? = nil) {
        self.language = language
        self.languageProbability = languageProbability
    }

    /// The notes of several chunks of one recording: the language of the longest sure chunk, the guards summed.
    public mutating func merge(_ other: RecognitionNotes) {
        if languageProbability ?? -1 < other.languageProbability ?? -1 {
            language = other.language
            languageProbability = other.languageProbability
        }
        loopsCollapsed += other.loopsCollapsed
        segmentsDropped += other.segmentsDropped
        incomplete = incomplete || other.incomplete
    }
}

public enum CueParser {
    /// Decodes transcript bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030/GBK (detected when the
    /// bytes are not UTF-8 but read cleanly as GB18030 and as Chinese).
    /// - Throws: `TranscriptError.encoding` for anything else, saying how to fix it.
    public static func decodeText(_ data: Data, file: String) throws(TranscriptError) -> String {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            if let text = String(data: data, encoding: .utf16) { return text }
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if String(validating: body, as: UTF8.self) == nil, let text = LegacyCharset.gb18030(bytes) {
            return text
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw TranscriptError(code: .encoding, file: file,
                                  reason: "not UTF-8, UTF-16 or GB18030 text (convert the transcript to UTF-8, "
                                    + "e.g. iconv -f BIG5 -t UTF-8)")
        }
        return text
    }

    /// Parses a transcript in `format`.
    /// - Throws: `TranscriptError` naming the file and line of the first problem; an empty transcript is an error.
    public static func parse(_ text: String, format: TranscriptFormat, file: String) throws(TranscriptError)
        -> ParsedTranscript {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var parsed: ParsedTranscript
        switch format {
        case .webVTT: parsed = try parseTimed(normalised, file: file, webVTT: true)
        case .srt: parsed = try parseTimed(normalised, file: file, webVTT: false)
        case .wordJSON: parsed = try WordJSON.parse(Data(normalised.utf8), file: file)
        case .text:
            let cues = normalised.split(separator: "\n").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
                .map { Cue(start: 0, end: 0, text: $0) }
            parsed = ParsedTranscript(cues: cues, timed: false)
        }
        // "Name: …" at the start of cues, where the transcript uses it as a convention (Zoom, Feishu, Otter, …).
        if format != .wordJSON { parsed.cues = SpeakerLabels.applyingLeadingLabels(parsed.cues) }
        guard parsed.cues.contains(where: { !$0.text.isEmpty }) else {
            throw TranscriptError(code: .empty, file: file, reason: "the transcript has no text")
        }
        return parsed
    }

    /// WebVTT (W3C) and SubRip share a block structure: blocks separated by blank lines, a timing line
    /// `start --> end`, then text. WebVTT must begin with `WEBVTT`; NOTE, STYLE and REGION blocks are skipped.
    private static func parseTimed(_ text: String, file: String, webVTT: Bool) throws(TranscriptError)
        -> ParsedTranscript {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        if webVTT {
            guard let first = lines.first, first.hasPrefix("WEBVTT") else {
                throw TranscriptError(code: .malformed, file: file, line: 1,
                                      reason: "not a WebVTT file: the first line must start with 'WEBVTT'")
            }
            // Skip the header block.
            while index < lines.count, !lines[index].trimmingWhitespace.isEmpty { index += 1 }
        }
        var cues: [Cue] = []
        while index < lines.count {
            while index < lines.count, lines[index].trimmingWhitespace.isEmpty { index += 1 }
            guard index < lines.count else { break }
            let blockStart = index
            var block: [String] = []
            while index < lines.count, !lines[index].trimmingWhitespace.isEmpty {
                block.append(lines[index])
                index += 1
            }
            if webVTT, let head = block.first,
               head.hasPrefix("NOTE") || head.hasPrefix("STYLE") || head.hasPrefix("REGION") {
                continue
            }
            guard let timingOffset = block.firstIndex(where: { $0.contains("-->") }), timingOffset <= 1 else {
                throw TranscriptError(code: .malformed, file: file, line: blockStart + 1,
                                      reason: "cue without a timing line ('start --> end')")
            }
            let lineNumber = blockStart + timingOffset + 1
            let timing = block[timingOffset]
            let parts = timing.components(separatedBy: "-->")
            let startText = parts[0].trimmingWhitespace
            let endText = parts[1].trimmingWhitespace.split(separator: " ").first.map(String.init) ?? ""
            guard let start = parseTimestamp(startText), let end = parseTimestamp(endText) else {
                throw TranscriptError(code: .malformed, file: file, line: lineNumber,
                                      reason: "malformed cue timing '\(timing.trimmingWhitespace)'")
            }
            guard end >= start else {
                throw TranscriptError(code: .malformed, file: file, line: lineNumber,
                                      reason: "cue ends before it starts ('\(timing.trimmingWhitespace)')")
            }
            // Each line keeps its voice (`<v Name>`): lines of different voices in one cue become cues of their own.
            var voiced: [(speaker: String?, text: String)] = []
            for line in block[(timingOffset + 1)...] {
                let text = cleanCueText(line)
                guard !text.isEmpty else { continue }
                let speaker = webVTT ? SpeakerLabels.voice(in: line) : nil
                if let last = voiced.last, speaker == nil || speaker == last.speaker {
                    voiced[voiced.count - 1].text += " " + text
                } else {
                    voiced.append((speaker, text))
                }
            }
            for part in voiced { cues.append(Cue(start: start, end: end, text: part.text, speaker: part.speaker)) }
        }
        return ParsedTranscript(cues: cues.filter { !$0.text.isEmpty }.sorted { $0.start < $1.start }, timed: true)
    }

    /// Parses `hh:mm:ss.ttt`, `mm:ss.ttt` (WebVTT) or `hh:mm:ss,ttt` (SRT) into seconds.
    static func parseTimestamp(_ text: String) -> Double? {
        let fields = text.replacingOccurrences(of: ",", with: ".").split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count) else { return nil }
        var seconds = 0.0
        for (position, field) in fields.enumerated() {
            let isLast = position == fields.count - 1
            guard !field.isEmpty, field.allSatisfy({ $0.isASCII && ($0.isNumber || (isLast && $0 == ".")) }),
                  let value = Double(field) else { return nil }
            if !isLast, value != value.rounded() { return nil }
            if position > 0, value >= 60 { return nil }
            seconds = seconds * 60 + value
        }
        return seconds
    }

    /// Cue text without markup: tags like `<v Speaker>`, `<b>`, `<00:01.000>` are dropped, entities decoded.
    /// The text stays text: nothing is ever interpreted as HTML downstream.
    static func cleanCueText(_ line: String) -> String {
        var output = ""
        var inTag = false
        for character in line {
            if character == "<" { inTag = true; continue }
            if character == ">", inTag { inTag = false; continue }
            if !inTag { output.append(character) }
        }
        for (entity, replacement) in [("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " "), ("&quot;", "\""),
                                      ("&#39;", "'"), ("&amp;", "&")] {
            output = output.replacingOccurrences(of: entity, with: replacement)
        }
        return output.trimmingWhitespace
    }
}
