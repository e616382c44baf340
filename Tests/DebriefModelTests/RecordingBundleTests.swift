import DebriefModel
import Testing

/// The naming rules of a recording and its sidecars, in one place.
@Suite struct RecordingBundleTests {
    @Test func recordingWithItsSidecars() throws {
        let names = ["talk.mp4", "talk.vtt", "talk.SRT", "talk.json", "talk.yaml", "talk.notes.pdf", "other.mp4",
                     "talk.m4a", "talkative.vtt"]
        let bundle = try #require(RecordingBundle.bundle(for: "talk.mp4", in: names, directory: "/in/sales",
                                                         folderModel: "sales"))
        #expect(bundle.kind == .recording)
        #expect(bundle.transcript == "talk.vtt")
        #expect(bundle.metadata == "talk.json")
        #expect(bundle.answerFiles.isEmpty)
        // Other sidecars travel with the recording; other recordings with the same stem never do.
        #expect(bundle.others == ["talk.SRT", "talk.notes.pdf", "talk.yaml"])
        #expect(bundle.files.first == "talk.mp4")
        #expect(!bundle.files.contains("talk.m4a") && !bundle.files.contains("talkative.vtt"))
        #expect(bundle.primaryPath == "/in/sales/talk.mp4")
        #expect(bundle.folderModel == "sales")
    }

    @Test func transcriptPreferenceAndCase() throws {
        let srtOnly = try #require(RecordingBundle.bundle(for: "a.mov", in: ["a.mov", "a.SRT", "a.txt"], directory: "d"))
        #expect(srtOnly.transcript == "a.SRT")
        let json = try #require(RecordingBundle.bundle(for: "a.mov", in: ["a.mov", "a.transcript.json"], directory: "d"))
        #expect(json.transcript == "a.transcript.json")
        #expect(json.metadata == nil, "a JSON transcript is never metadata")
    }

    @Test func answerFilesInNaturalOrder() throws {
        let names = ["talk.mp4", "talk.vtt.part", "talk.q10.vtt", "talk.q2.vtt", "talk.q1.srt", "talk.json",
                     "talk.q3.transcript.json", "other.q1.vtt", "talk.a.b.vtt", "talk.q4.pdf"]
        let bundle = try #require(RecordingBundle.bundle(for: "talk.mp4", in: names, directory: "/in"))
        #expect(bundle.answerFiles.map(\.key) == ["q1", "q2", "q3", "q10"])
        #expect(bundle.answerFiles.map(\.name) == ["talk.q1.srt", "talk.q2.vtt", "talk.q3.transcript.json",
                                                  "talk.q10.vtt"])
        // A file still being copied is a member (the watcher waits for it), never a transcript.
        #expect(bundle.others.contains("talk.vtt.part"))
        // One transcript for the whole recording wins over answer files.
        let whole = try #require(RecordingBundle.bundle(for: "talk.mp4", in: names + ["talk.transcript.json"],
                                                        directory: "/in"))
        #expect(whole.transcript == "talk.transcript.json")
        #expect(whole.answerFiles.isEmpty)
    }

    @Test func bareTranscripts() throws {
        let alone = try #require(RecordingBundle.bundle(for: "call.vtt", in: ["call.vtt", "call.yaml"], directory: "."))
        #expect(alone.kind == .transcript)
        #expect(alone.metadata == "call.yaml")
        #expect(alone.stem == "call")
        let json = try #require(RecordingBundle.bundle(for: "call.transcript.json", in: ["call.transcript.json", "call.json"],
                                                       directory: "."))
        #expect(json.stem == "call" && json.metadata == "call.json")
        // A transcript that belongs to a recording is no bundle of its own, unless it was named on purpose.
        #expect(RecordingBundle.bundle(for: "call.q1.vtt", in: ["call.mp4", "call.q1.vtt"], directory: ".") == nil)
        #expect(RecordingBundle.bundle(for: "call.vtt", in: ["call.mp4", "call.vtt"], directory: ".") == nil)
        #expect(RecordingBundle.bundle(for: "call.vtt", in: ["call.mp4", "call.vtt"], directory: ".", named: true)?.kind
            == .transcript)
    }

    @Test func notBundles() {
        for name in ["a.json", "a.yaml", ".hidden.mp4", "a.mp4.part", "a.crdownload", "notes.pdf", "a.mp4~"] {
            #expect(RecordingBundle.bundle(for: name, in: [name], directory: ".") == nil, "\(name)")
        }
        #expect(RecordingBundle.isTemporary("x.partial") && RecordingBundle.isTemporary(".x"))
        #expect(RecordingBundle.isMetadata("a.yml") && !RecordingBundle.isMetadata("a.transcript.json"))
    }

    @Test func movedBundleKeepsItsNames() throws {
        let bundle = try #require(RecordingBundle.bundle(for: "a.mp4", in: ["a.mp4", "a.vtt"], directory: "/in/x"))
        let moved = bundle.moved(to: "/in/processed/x")
        #expect(moved.paths == ["/in/processed/x/a.mp4", "/in/processed/x/a.vtt"])
    }
}
