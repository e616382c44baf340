import DebriefModel
import Foundation
import LocalFiles
import Logging
import Pipeline
@testable import Service
import Store
import Synchronization
import TestSupport
import Testing

/// The child-process analysis: whatever the child does — crash, hang, exhaust its memory cap, print garbage — the
/// parent gets one typed error naming the file, and nothing is left in the scratch directory.
@Suite struct IsolationTests {
    /// A stand-in child: a shell script that ignores the arguments the analyser passes (`analyze-job --request …`).
    func shell(_ script: String, scratch: String, wall: Double = 20) -> IsolatedAnalyzer {
        let path = "\(scratch)-child-\(UUID().uuidString).sh"
        Fixtures.writeExecutable("#!/bin/sh\n\(script)\n", to: path)
        return IsolatedAnalyzer(executable: path, scratch: scratch, limits: AnalysisLimits(wallSeconds: wall))
    }

    @Test func aCrashIsATypedFailure() async throws {
        let scratch = Fixtures.temporaryDirectory("iso")
        defer { Fixtures.cleanUp(scratch) }
        let outcome = await shell("echo 'av_read_frame: boom' >&2; kill -SEGV $$", scratch: scratch)
            .analyze(AnalysisRequest(catalog: Fixtures.models, input: "/in/bad.mp4"))
        guard case .failure(let error) = outcome else { Issue.record("a crash gave a report"); return }
        #expect(error.code == .crashed)
        #expect(error.message == "/in/bad.mp4: the decoder crashed (SIGSEGV) — it may have reached the memory cap of "
            + "4096 MiB; last message: av_read_frame: boom")
        #expect(error.isTransient)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
    }

    @Test func aHangIsStoppedAtTheWallClockLimit() async throws {
        let scratch = Fixtures.temporaryDirectory("iso")
        defer { Fixtures.cleanUp(scratch) }
        let outcome = await shell("exec sleep 30", scratch: scratch, wall: 1).analyze(AnalysisRequest(catalog: Fixtures.models, input: "/in/slow.mkv"))
        guard case .failure(let error) = outcome else { Issue.record("a hang gave a report"); return }
        #expect(error.code == .timeout)
        #expect(error.message.hasPrefix("/in/slow.mkv: analysis stopped after 1 s (wall-clock limit)"))
        // The child itself is gone long before it would have ended (measured inside the blocking wait, so that
        // other tests occupying the cooperative pool do not count).
        let started = Date()
        let termination = IsolatedAnalyzer.run("/bin/sh", ["-c", "exec sleep 30"], stdout: "\(scratch)/o",
                                               stderr: "\(scratch)/e", wallSeconds: 1)
        #expect(try termination.get() == .timedOut)
        #expect(Date().timeIntervalSince(started) < 25)
    }

    @Test func anUnexpectedExitAndATypedChildErrorAreReported() async throws {
        let scratch = Fixtures.temporaryDirectory("iso")
        defer { Fixtures.cleanUp(scratch) }
        let exit = await shell("echo 'fatal: odd' >&2; exit 7", scratch: scratch).analyze(AnalysisRequest(catalog: Fixtures.models, input: "/in/a"))
        guard case .failure(let crashed) = exit else { Issue.record("exit 7 gave a report"); return }
        #expect(crashed.message == "/in/a: the analysis process exited with status 7; last message: fatal: odd")
        let typed = await shell(#"printf '{"code":"decode","message":"/in/a: truncated"}'; exit 2"#, scratch: scratch)
            .analyze(AnalysisRequest(catalog: Fixtures.models, input: "/in/a"))
        guard case .failure(let decode) = typed else { Issue.record("exit 2 gave a report"); return }
        #expect(decode == AnalysisError(code: .decode, message: "/in/a: truncated"))
        #expect(!decode.isTransient)
    }

    /// The real `debrief analyze-job` under an address-space cap: a 4096×4096 video cannot get its frame buffers
    /// under 64 MiB and the child dies; the parent reports it; with the default cap the same file is analysed.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: IsolationTests.debrief),
                   "the debrief binary is not built (swift build --product debrief)"),
          .timeLimit(.minutes(2)))
    func theMemoryCapHoldsAndIsReported() async throws {
        let scratch = Fixtures.temporaryDirectory("iso")
        defer { Fixtures.cleanUp(scratch) }
        let big = "\(scratch)/big.mp4"
        _ = try Fixtures.run("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=4096x4096:rate=2",
                                        "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=16000", "-t", "2",
                                        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", big])
        let request = AnalysisRequest(catalog: Fixtures.models, input: big,
                                      options: AnalysisOptions(recognition: RecognitionSettings(mode: .never)))
        let capped = IsolatedAnalyzer(executable: Self.debrief, scratch: "\(scratch)/tmp",
                                      limits: AnalysisLimits(wallSeconds: 60, memoryBytes: 64 << 20))
        guard case .failure(let error) = await capped.analyze(request) else {
            Issue.record("a 4096×4096 video was analysed under a 64 MiB cap")
            return
        }
        #expect(error.code == .crashed)
        #expect(error.message.hasPrefix("\(big): the decoder crashed"))
        #expect(error.message.contains("memory cap of 64 MiB"))
        let roomy = IsolatedAnalyzer(executable: Self.debrief, scratch: "\(scratch)/tmp")
        guard case .success(let report) = await roomy.analyze(request) else {
            Issue.record("the video failed under the default cap")
            return
        }
        #expect(report.recording.video?.width == 4096)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(scratch)/tmp").isEmpty)
    }

    static let debrief = "\(Fixtures.root)/.build/debug/debrief"

    /// Every option of an analysis reaches the child process, because the request travels whole: the fixture sets
    /// each field of `AnalysisOptions` (and of the recognition settings) away from its default — a field added later
    /// fails here until it is set — and the child reads back exactly what the worker wrote.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: IsolationTests.debrief),
                   "the debrief binary is not built (swift build --product debrief)"))
    func everyOptionReachesTheChild() throws {
        let scratch = Fixtures.temporaryDirectory("iso")
        defer { Fixtures.cleanUp(scratch) }
        let options = AnalysisOptions(tracks: true, frameRate: 0.5,
                                      recognition: RecognitionSettings(mode: .always, url: "http://127.0.0.1:9/",
                                                                       model: "large-v3",
                                                                       recognizer: RecognizerInfo(name: "x",
                                                                                                  englishOnly: true)),
                                      scratch: "/var/tmp/x")
        for (defaults, set) in [(Mirror(reflecting: AnalysisOptions()), Mirror(reflecting: options)),
                                (Mirror(reflecting: RecognitionSettings()), Mirror(reflecting: options.recognition))] {
            #expect(defaults.children.count == set.children.count)
            for (a, b) in zip(defaults.children, set.children) {
                #expect("\(a.value)" != "\(b.value)", "the fixture leaves \(a.label ?? "?") at its default: set it")
            }
        }
        let bundle = RecordingBundle(directory: "/in/sales", primary: "ann.mp4", kind: .recording, transcript: "ann.vtt",
                                     answerFiles: [.init(key: "q1", name: "ann.q1.vtt")], metadata: "ann.yaml",
                                     others: ["ann.notes"], folderModel: "sales")
        let request = AnalysisRequest(bundle: bundle, transcript: "/t.vtt",
                                      model: ModelReference(catalog: "/models", explicit: "x", fallback: "y"),
                                      options: options)
        let file = "\(scratch)/request.json"
        try JSONEncoder().encode(request).write(to: URL(fileURLWithPath: file))
        let echoed = try Fixtures.run(Self.debrief, ["analyze-job", "--request", file, "--print-request"])
        #expect(try JSONDecoder().decode(AnalysisRequest.self, from: echoed) == request)
        // The worker's command line carries no analysis option at all.
        let arguments = IsolatedAnalyzer(executable: Self.debrief, scratch: scratch).childArguments(request: file,
                                                                                                   output: "o")
        #expect(arguments.filter { $0.hasPrefix("--") } == ["--request", "--output", "--parent", "--memory-limit"])
    }

    @Test func scratchFilesOfDeadProcessesAreSwept() throws {
        let scratch = Fixtures.temporaryDirectory("iso")
        defer { Fixtures.cleanUp(scratch) }
        // pid 999999999 cannot exist; this process's own files stay.
        for name in ["job-999999999-x.json.part", "job-999999999-x.log", "\(IsolatedAnalyzer.filePrefix)y.log", "other"] {
            #expect(FileManager.default.createFile(atPath: "\(scratch)/\(name)", contents: Data()))
        }
        #expect(IsolatedAnalyzer.sweepScratch(scratch) == 2)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: scratch))
            == ["\(IsolatedAnalyzer.filePrefix)y.log", "other"])
    }
}

/// The inbox's inotify watch: a file closed after writing or moved in wakes the scanner; a new model folder is
/// watched too; the inbox disappearing ends the watch until it is back.
@Suite struct InboxEventsTests {
    @Test(.timeLimit(.minutes(5)))
    func writesMovesAndNewFoldersWakeTheScanner() async throws {
        let directory = Fixtures.temporaryDirectory("events")
        defer { Fixtures.cleanUp(directory) }
        let inbox = "\(directory)/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let wakes = Mutex(0)
        let events = InboxEvents(root: inbox) { wakes.withLock { $0 += 1 } }
        defer { events.stop() }
        #expect(events.ensureWatching())

        func woken(after change: () throws -> Void) async throws -> Bool {
            let before = wakes.withLock { $0 }
            try change()
            for _ in 0..<600 where wakes.withLock({ $0 }) == before { try await Task.sleep(for: .milliseconds(50)) }
            return wakes.withLock { $0 } > before
        }
        #expect(try await woken { Fixtures.write("WEBVTT\n", to: "\(inbox)/a.vtt") })
        #expect(try await woken {
            Fixtures.write("x", to: "\(directory)/b.mp4")
            try FileManager.default.moveItem(atPath: "\(directory)/b.mp4", toPath: "\(inbox)/b.mp4")
        })
        #expect(try await woken { try FileManager.default.createDirectory(atPath: "\(inbox)/sales-manager",
                                                                            withIntermediateDirectories: false) })
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await woken { Fixtures.write("WEBVTT\n", to: "\(inbox)/sales-manager/c.vtt") })
        // The inbox goes away (an unmounted share): the watch ends and nothing else happens.
        #expect(try await woken { try FileManager.default.removeItem(atPath: inbox) })
        for _ in 0..<600 where events.isWatching { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!events.isWatching)
        #expect(!events.ensureWatching())
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        #expect(events.ensureWatching())
    }
}

/// Finished bundles move out of the inbox when configured, without overwriting anything.
@Suite struct FinishedFilesTests {
    @Test func bundlesMoveToProcessedOrFailed() throws {
        let directory = Fixtures.temporaryDirectory("finished")
        defer { Fixtures.cleanUp(directory) }
        let inbox = "\(directory)/inbox"
        for name in ["m/a.mp4", "m/a.vtt", "m/a.json", "m/a.b.mp4", "m/ab.mp4", "x.wav"] {
            let path = "\(inbox)/\(name)"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            Fixtures.write(name, to: path)
        }
        let bundle = BundleFolder.bundle(at: "\(inbox)/m/a.mp4", folderModel: "m")
        #expect(bundle.files.sorted() == ["a.json", "a.mp4", "a.vtt"])
        let mover = try #require(FinishedFiles.move.inbox(inbox))
        #expect(try mover.move(bundle, succeeded: true).primaryPath == "\(inbox)/processed/m/a.mp4")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(inbox)/processed/m").sorted()
            == ["a.json", "a.mp4", "a.vtt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(inbox)/m").sorted() == ["a.b.mp4", "ab.mp4"])
        // The same name again: kept beside the first, not over it.
        Fixtures.write("again", to: "\(inbox)/x2.wav")
        try mover.move(BundleFolder.bundle(at: "\(inbox)/x.wav"), succeeded: false)
        try FileManager.default.moveItem(atPath: "\(inbox)/x2.wav", toPath: "\(inbox)/x.wav")
        #expect(try mover.move(BundleFolder.bundle(at: "\(inbox)/x.wav"), succeeded: false).primaryPath
            == "\(inbox)/failed/1-x.wav")
        #expect(FinishedFiles.keep.inbox(inbox) == nil)
    }
}

/// A worker that loses its lease mid-job (rescued while it hung) discards its result; failures are retried or
/// quarantined by kind.
@Suite struct WorkerPoolLeaseTests {
    struct Scripted: JobAnalyzing {
        let during: @Sendable () async -> Void
        let outcome: Result<Report, AnalysisError>
        func analyze(_ request: AnalysisRequest) async -> Result<Report, AnalysisError> {
            await during()
            return outcome
        }
    }

    static let models = ModelReference(catalog: Fixtures.models)

    static func report() -> Report {
        Report(pipelineVersion: "t", recording: .init(file: "a.vtt", sha256: "ab", sizeBytes: 1, durationSeconds: 1,
                                                      container: nil, audio: nil, video: nil),
               model: .init(id: "m", version: 1, title: "M"), candidate: nil, prosody: nil, visual: nil,
               transcript: .init(source: .none, file: nil, language: .en, wordCount: 0, wordsPerMinute: nil, cues: []),
               answers: [], competencies: [],
               overall: .init(score: nil, matchPercent: nil, level: "", levelZh: "", recommendation: "",
                              dimensionsScored: 0),
               warnings: [])
    }

    @Test(.timeLimit(.minutes(5)))
    func aRescuedWorkersResultIsDiscarded() async throws {
        let store = MemoryStore()
        let policy = QueuePolicy(leaseSeconds: 0.3, maxAttempts: 5)
        _ = try await store.enqueue(NewJob(path: "/in/a.vtt", folderModel: nil, bundleKey: "a"), now: Date())
        let job = try #require(try await store.claimNext(worker: "hung", leaseSeconds: 0.3, now: Date()))
        // While "hung" analyses, its lease is taken away and the job claimed by another worker.
        let analyzer = Scripted(during: {
            _ = try? await store.expireLeases(worker: "hung", now: Date())
            _ = try? await store.rescueExpired(policy: QueuePolicy(leaseSeconds: 0.3, backoffSeconds: 0), now: Date())
            _ = try? await store.claimNext(worker: "other", leaseSeconds: 60, now: Date())
            try? await Task.sleep(for: .milliseconds(400))
        }, outcome: .success(Self.report()))
        let pool = WorkerPool(store: store, analyzer: analyzer, count: 1, model: Self.models, policy: policy,
                              logger: Logger(label: "t"))
        try await pool.process(job)
        #expect(try await store.reportSummaries(limit: 5).isEmpty)
        #expect(try await store.job(job.id)?.worker == "other")
        #expect(try await store.job(job.id)?.status == .running)
    }

    /// The child of a worker killed a moment ago can still write its report after the next worker started: the
    /// running pool's sweep removes it later, not only the start-up sweep.
    @Test(.timeLimit(.minutes(5)))
    func scratchFilesAppearingLaterAreSwept() async throws {
        let scratch = Fixtures.temporaryDirectory("sweep")
        defer { Fixtures.cleanUp(scratch) }
        let pool = WorkerPool(store: MemoryStore(), analyzer: Scripted(during: {}, outcome: .success(Self.report())),
                              count: 1, model: Self.models, idleInterval: .milliseconds(20),
                              sweepInterval: .milliseconds(50),
                              scratch: scratch, logger: Logger(label: "t"))
        let running = Task { try await pool.run() }
        defer { running.cancel() }
        try await Task.sleep(for: .milliseconds(200))
        let late = "\(scratch)/job-999999999-late.json"
        #expect(FileManager.default.createFile(atPath: late, contents: Data("{}".utf8)))
        var waited = 0
        while FileManager.default.fileExists(atPath: late), waited < 1200 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(!FileManager.default.fileExists(atPath: late))
    }

    @Test func failuresAreRetriedOrQuarantinedByKind() async throws {
        let store = MemoryStore()
        let policy = QueuePolicy(leaseSeconds: 60, maxAttempts: 3, backoffSeconds: 5)
        for (key, error) in [("t", AnalysisError(code: .crashed, message: "/in/t: the decoder crashed (SIGSEGV)")),
                             ("p", AnalysisError(code: .decode, message: "/in/p: not a media file"))] {
            _ = try await store.enqueue(NewJob(path: "/in/\(key)", folderModel: nil, bundleKey: key), now: Date())
            let job = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: Date()))
            let pool = WorkerPool(store: store, analyzer: Scripted(during: {}, outcome: .failure(error)), count: 1,
                                  model: Self.models, policy: policy, logger: Logger(label: "t"))
            try await pool.process(job)
            let after = try #require(try await store.job(job.id))
            #expect(after.status == (error.isTransient ? .queued : .failed))
            #expect(after.error == error.message)
            #expect(after.errorCode == error.code.rawValue)
        }
    }
}

/// What `debrief erase` deletes besides database rows: the candidate's bundles wherever they were left, and any
/// metadata in the inbox naming them (with the résumé it points at).
@Suite struct CandidateFilesTests {
    @Test func findsEveryFileOfACandidate() throws {
        let directory = Fixtures.temporaryDirectory("erase")
        defer { Fixtures.cleanUp(directory) }
        let inbox = "\(directory)/inbox"
        let files = [
            "processed/m/ann.mp4": "x", "processed/m/ann.vtt": "WEBVTT", "processed/m/ann.yaml": "candidate: Ann Lee\nresumeFile: cv.txt\n",
            "processed/m/cv.txt": "CV", "m/ann2.m4a": "x", "m/ann2.json": #"{"candidate": "Ann Lee"}"#,
            "bob.mp4": "x", "bob.json": #"{"candidate": "Bob"}"#,
        ]
        for (name, text) in files {
            let path = "\(inbox)/\(name)"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            Fixtures.write(text, to: path)
        }
        let finder = CandidateFiles(inbox: inbox)
        // The job's path is where the file was dropped; the service moved it to processed/.
        #expect(Set(finder.bundle(of: "\(inbox)/m/ann.mp4")) == Set(["processed/m/ann.mp4", "processed/m/ann.vtt",
                                                                     "processed/m/ann.yaml", "processed/m/cv.txt"]
            .map { "\(inbox)/\($0)" }))
        // Whatever became of their jobs: the recordings whose metadata names the candidate.
        #expect(Set(finder.recordingsNaming("Ann Lee")) == ["\(inbox)/processed/m/ann.mp4", "\(inbox)/m/ann2.m4a"])
        #expect(finder.recordingsNaming("Nobody").isEmpty)
    }
}
