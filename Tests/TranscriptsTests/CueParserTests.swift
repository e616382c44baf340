import DebriefModel
import Foundation
import TestSupport
import Testing
@testable import Transcripts

@Suite struct CueParserTests {
    @Test func parsesWebVTTWithSettingsTagsAndNotes() throws {
        let vtt = """
            WEBVTT - interview

            NOTE written by hand

            intro
            00:00.500 --> 00:04.000 align:start
            <v Candidate>Last year I <b>debugged</b> a leak &amp; fixed it.</v>

            01:00:01.000 --> 01:00:02.500
            Second line
            continues here
            """
        let parsed = try CueParser.parse(vtt, format: .webVTT, file: "a.vtt")
        #expect(parsed.timed)
        #expect(parsed.cues == [
            Cue(start: 0.5, end: 4, text: "Last year I debugged a leak & fixed it.", speaker: "Candidate"),
            Cue(start: 3601, end: 3602.5, text: "Second line continues here"),
        ])
    }

    @Test func parsesSRTWithCRLF() throws {
        let srt = "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n你好\r\n"
        let parsed = try CueParser.parse(srt, format: .srt, file: "a.srt")
        #expect(parsed.cues == [Cue(start: 1, end: 2.5, text: "Hello"), Cue(start: 3, end: 4, text: "你好")])
    }

    @Test func plainTextHasNoTimes() throws {
        let parsed = try CueParser.parse("First answer.\n\n  Second answer.  \n", format: .text, file: "a.txt")
        #expect(!parsed.timed)
        #expect(parsed.cues.map(\.text) == ["First answer.", "Second answer."])
    }

    func error(_ text: String, _ format: TranscriptFormat = .webVTT) -> String? {
        do {
            _ = try CueParser.parse(text, format: format, file: "t.vtt")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func malformedTranscriptsNameTheLine() {
        #expect(error("00:00.000 --> 00:01.000\nhello") == "t.vtt:1: not a WebVTT file: the first line must start with 'WEBVTT'")
        #expect(error("WEBVTT\n\n00:00.000 --> 00:0x.000\nhello") == "t.vtt:3: malformed cue timing '00:00.000 --> 00:0x.000'")
        #expect(error("WEBVTT\n\n00:05.000 --> 00:01.000\nhello") == "t.vtt:3: cue ends before it starts ('00:05.000 --> 00:01.000')")
        #expect(error("WEBVTT\n\njust text\nwithout timing") == "t.vtt:3: cue without a timing line ('start --> end')")
        #expect(error("WEBVTT\n\n") == "t.vtt: the transcript has no text")
        #expect(error("   \n\t\n", .text) == "t.vtt: the transcript has no text")
    }

    @Test func timestamps() {
        #expect(CueParser.parseTimestamp("00:01.250") == 1.25)
        #expect(CueParser.parseTimestamp("01:02:03,004") == 3723.004)
        #expect(CueParser.parseTimestamp("1:2") == 62)
        #expect(CueParser.parseTimestamp("00:61.000") == nil)
        #expect(CueParser.parseTimestamp("aa:00.000") == nil)
        #expect(CueParser.parseTimestamp("00:00:00:00") == nil)
    }

    @Test func decodesEncodings() throws {
        #expect(try CueParser.decodeText(Data([0xEF, 0xBB, 0xBF] + Array("WEBVTT".utf8)), file: "a") == "WEBVTT")
        let utf16 = "WEBVTT 你好".data(using: .utf16)!
        #expect(try CueParser.decodeText(utf16, file: "a") == "WEBVTT 你好")
        let gb18030: [UInt8] = Array("WEBVTT\n\n".utf8) + [0xC4, 0xE3, 0xBA, 0xC3]  // 你好 in GB18030
        #expect(try CueParser.decodeText(Data(gb18030), file: "a") == "WEBVTT\n\n你好")
        // Latin-1 bytes are neither UTF-8 nor Chinese in GB18030: a clear error naming the file.
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9, 0x20, 0x61, 0x20, 0xE0, 0x20]
        #expect(throws: TranscriptError.self) { try CueParser.decodeText(Data(latin1), file: "a") }
    }

    @Test func scriptInCueTextStaysText() throws {
        let parsed = try CueParser.parse("WEBVTT\n\n00:00.000 --> 00:01.000\n&lt;script&gt;alert(1)&lt;/script&gt; --&gt;",
                                         format: .webVTT, file: "x.vtt")
        #expect(parsed.cues.first?.text == "<script>alert(1)</script> -->")
    }
}

@Suite struct EvidenceFinderTests {
    let model = CompetencyModel(id: "m", version: 1, title: "M", dimensions: [
        .init(id: "problem-solving", name: "Problem solving", weight: 0.5,
              keywords: ["en": ["debugged", "root cause"], "zh": ["排查", "根因"]]),
        .init(id: "leadership", name: "Leadership", weight: 0.5,
              keywords: ["en": ["led the team", "mentored"], "zh": ["带领", "团队"]]),
    ])

    func analyse(_ texts: [String]) -> TranscriptAnalysis {
        let cues = texts.enumerated().map { Cue(start: Double($0.offset) * 5, end: Double($0.offset) * 5 + 4, text: $0.element) }
        return TranscriptAnalyzer(model: model).analyze(cues, timed: true)
    }

    @Test func stemsMeetAcrossInflections() {
        #expect(TextNormalizer.stem("debugged") == TextNormalizer.stem("debugging"))
        #expect(TextNormalizer.stem("debugs") == TextNormalizer.stem("debug"))
        #expect(TextNormalizer.stem("analyzed") == TextNormalizer.stem("analyze"))
        #expect(TextNormalizer.stem("queries") == TextNormalizer.stem("query"))
        #expect(TextNormalizer.stem("mentored") == TextNormalizer.stem("mentoring"))
        #expect(TextNormalizer.stem("process") == "process")
    }

    @Test func findsEnglishEvidenceWithQuotesAndTimes() {
        let analysis = analyse(["I debugged the service and found the root cause.", "Then I mentored two juniors."])
        let problem = analysis.evidence["problem-solving"]
        #expect(problem?.distinctTerms == ["debugged", "root cause"])
        #expect(problem?.positive.first?.quote == "I debugged the service and found the root cause.")
        #expect(problem?.positive.first?.start == 0)
        #expect(analysis.evidence["leadership"]?.positive.first?.start == 5)
        #expect(analysis.language == .en)
    }

    @Test func negatedMentionsAreNeverPositive() {
        let analysis = analyse([
            "I have never led the team, and I didn't really debug anything.",
            "I have not mentored anyone, but I debugged the build.",
        ])
        #expect(analysis.evidence["leadership"]?.positive.isEmpty ?? true)
        #expect(analysis.evidence["leadership"]?.negated.count == 2)
        // "but" ends the negation scope: the second "debugged" counts.
        #expect(analysis.evidence["problem-solving"]?.positive.count == 1)
        #expect(analysis.evidence["problem-solving"]?.negated.count == 1)
    }

    @Test func findsChineseEvidenceAndNegation() {
        let analysis = analyse(["我带领团队排查了问题的根因。", "我从来没有带领过团队，但是我排查过线上问题。"])
        #expect(analysis.evidence["problem-solving"]?.distinctTerms == ["排查", "根因"])
        #expect(analysis.evidence["problem-solving"]?.positive.count == 2)
        #expect(analysis.evidence["leadership"]?.positive.count == 1)
        #expect(analysis.evidence["leadership"]?.negated.count == 1)
        #expect(analysis.language == .zh)
    }

    @Test func countsWordsAndRate() {
        let analysis = analyse(["one two three four five six", "七八九十"])
        #expect(analysis.englishWords == 6)
        #expect(analysis.hanCharacters == 4)
        #expect(analysis.wordCount == 10)
        #expect(isClose(analysis.wordsPerMinute ?? 0, 10 / (9.0 / 60), tolerance: 1e-9))
    }

    /// Full-width forms meet ASCII keywords (NFKC).
    @Test func normalisesFullWidthText() {
        let analysis = analyse(["I ＤＥＢＵＧＧＥＤ it."])
        #expect(analysis.evidence["problem-solving"]?.positive.count == 1)
    }
}

/// JSON transcripts with word timestamps (OpenAI / whisper `verbose_json`).
@Suite struct WordJSONTests {
    @Test func segmentsWithWordsBecomeCuesWithWords() throws {
        let json = """
            {"text": "I led it. We won.", "segments": [
              {"start": 0.0, "end": 1.2, "text": " I led it.", "words": [
                {"word": " I", "start": 0.0, "end": 0.2, "probability": 0.99},
                {"word": " led", "start": 0.2, "end": 0.6, "probability": 0.42},
                {"word": " it.", "start": 0.6, "end": 1.2, "probability": 0.97}]},
              {"start": 1.5, "end": 2.4, "text": " We won."}]}
            """
        let parsed = try CueParser.parse(json, format: .wordJSON, file: "a.transcript.json")
        #expect(parsed.timed)
        #expect(parsed.cues.map(\.text) == ["I led it.", "We won."])
        #expect(parsed.cues[0].words?.map(\.text) == ["I", "led", "it."])
        #expect(parsed.cues[0].words?[1].probability == 0.42)
        #expect(parsed.cues[1].words == nil)
        let shifted = try WordJSON.parse(Data(json.utf8), file: "x", offset: 300)
        #expect(shifted.cues[1].start == 301.5 && shifted.cues[0].words?[2].end == 301.2)
    }

    @Test func topLevelWordsAloneMakeSentences() throws {
        let json = """
            {"words": [{"word": "我们", "start": 0, "end": 0.4}, {"word": "赢了。", "start": 0.4, "end": 0.9},
                       {"word": "Then", "start": 2.0, "end": 2.2}, {"word": "more", "start": 2.2, "end": 2.5}]}
            """
        let parsed = try CueParser.parse(json, format: .wordJSON, file: "b.transcript.json")
        #expect(parsed.cues.map(\.text) == ["我们赢了。", "Then more"])
    }

    @Test func badJSONIsNamed() {
        func message(_ json: String) -> String? {
            do {
                _ = try CueParser.parse(json, format: .wordJSON, file: "c.transcript.json")
                return nil
            } catch { return error.description }
        }
        #expect(message("{") == "c.transcript.json: not a JSON transcript with segments or words (verbose_json): "
            + "malformed JSON")
        #expect(message(#"{"segments": [{"start": 2, "end": 1, "text": "x"}]}"#)
            == "c.transcript.json: segments[0] has times 2.0–1.0")
        #expect(message(#"{"segments": [{"start": 0, "text": "x"}]}"#)?.contains("missing 'end' at segments[0]") == true)
        #expect(message(#"{"segments": []}"#) == "c.transcript.json: the transcript has no text")
        #expect(TranscriptFormat(path: "/in/alice.transcript.json") == .wordJSON)
        #expect(TranscriptFormat(path: "/in/alice.json") == nil)
    }
}
