import DebriefModel
import Foundation
import Store
@testable import StoreSQLite
import TestSupport
import Testing

func sampleReport(file: String = "a.mp4", score: Double? = 72.5) -> Report {
    Report(pipelineVersion: "test", recording: .init(file: file, sha256: String(repeating: "0", count: 64), sizeBytes: 1,
                                                     durationSeconds: 1, container: "mp4", audio: nil, video: nil),
           model: .init(id: "m", version: 1, title: "M"), candidate: "Ann", prosody: nil, visual: nil,
           transcript: .init(source: .none, file: nil, language: .en, wordCount: 0, wordsPerMinute: nil, cues: []),
           answers: [], competencies: [],
           overall: .init(score: score, matchPercent: 90, level: "Good", levelZh: "良好", recommendation: "r",
                          dimensionsScored: 1),
           warnings: ["w"])
}

/// One suite, every driver: the same behaviour is required of each.
enum StoreContract {
    static func run(_ store: any DebriefStore) async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try #require(try await store.enqueue(NewJob(path: "/in/a.mp4", folderModel: nil, bundleKey: "a|1|1"), now: now))
        #expect(first.status == .queued)
        #expect(try await store.enqueue(NewJob(path: "/in/a.mp4", folderModel: nil, bundleKey: "a|1|1"), now: now) == nil)
        let second = try #require(try await store.enqueue(NewJob(path: "/in/m/b.mp4", folderModel: "m", bundleKey: "b|1|1"), now: now))

        let claimed = try #require(try await store.claimNext(worker: "w1", now: now))
        #expect(claimed.id == first.id)
        #expect(claimed.status == .running)
        #expect(claimed.attempts == 1)
        let claimedSecond = try #require(try await store.claimNext(worker: "w2", now: now))
        #expect(claimedSecond.id == second.id)
        #expect(claimedSecond.folderModel == "m")
        #expect(try await store.claimNext(worker: "w3", now: now) == nil)

        let reportID = try await store.complete(job: first.id, report: sampleReport(), now: now)
        try await store.fail(job: second.id, reason: "/in/m/b.mp4: the file is empty (0 bytes)", now: now)
        #expect(try await store.job(first.id)?.status == .done)
        #expect(try await store.job(first.id)?.reportID == reportID)
        #expect(try await store.job(second.id)?.error == "/in/m/b.mp4: the file is empty (0 bytes)")

        let summaries = try await store.reportSummaries(limit: 10)
        #expect(summaries.count == 1)
        #expect(summaries.first?.overall.score == 72.5)
        #expect(summaries.first?.candidate == "Ann")
        #expect(summaries.first?.warnings == 1)
        #expect(try await store.report(reportID) == sampleReport())
        #expect(try await store.reportJSON(reportID) == (try ReportCoding.encode(sampleReport())))
        #expect(try await store.reportJSON(9999) == nil)

        _ = try #require(try await store.enqueue(NewJob(path: "/in/c.mp4", folderModel: nil, bundleKey: "c|1|1"), now: now))
        _ = try #require(try await store.claimNext(worker: "w1", now: now))
        #expect(try await store.requeueAbandoned(now: now) == 1)
        #expect(try await store.claimNext(worker: "w1", now: now)?.attempts == 2)
        #expect(try await store.jobs(limit: 10).count == 3)
        await #expect(throws: StoreError.self) { try await store.fail(job: 4242, reason: "x", now: now) }

        // Re-scoring: a new revision replaces the report; the old JSON stays in its history.
        #expect(try await store.reportSummaries(modelID: "m").map(\.id) == [reportID])
        #expect(try await store.reportSummaries(modelID: "other").isEmpty)
        #expect(try await store.population(modelID: "m") == [72.5])
        #expect(try await store.population(modelID: "m", excludingRecording: sampleReport().recording.sha256).isEmpty)
        var revised = sampleReport(score: 80)
        revised.revision = 2
        try await store.revise(report: reportID, with: revised, now: now)
        #expect(try await store.report(reportID) == revised)
        #expect(try await store.reportSummaries(modelID: "m").first?.overall.score == 80)
        #expect(try await store.reportHistory(reportID) == [try ReportCoding.encode(sampleReport())])
        await #expect(throws: StoreError.self) { try await store.revise(report: 4242, with: revised, now: now) }
    }

    /// Many claimers at once: every job is claimed exactly once.
    static func concurrentClaims(_ store: any DebriefStore, jobs: Int = 200, claimers: Int = 8) async throws {
        let now = Date()
        for index in 0..<jobs {
            _ = try await store.enqueue(NewJob(path: "/in/\(index)", folderModel: nil, bundleKey: "k\(index)"), now: now)
        }
        let claimed = try await withThrowingTaskGroup(of: [JobID].self) { group in
            for worker in 0..<claimers {
                group.addTask {
                    var mine: [JobID] = []
                    while let job = try await store.claimNext(worker: "w\(worker)", now: Date()) { mine.append(job.id) }
                    return mine
                }
            }
            return try await group.reduce(into: [JobID]()) { $0 += $1 }
        }
        #expect(claimed.count == jobs)
        #expect(Set(claimed).count == jobs)
    }
}

@Suite struct StoreTests {
    @Test func memoryStoreMeetsTheContract() async throws {
        try await StoreContract.run(MemoryStore())
        try await StoreContract.concurrentClaims(MemoryStore())
    }

    @Test func sqliteStoreMeetsTheContract() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try await StoreContract.run(try SQLiteStore(path: "\(directory)/debrief.sqlite"))
    }

    /// Two pools on one file (as two processes would be): 0 double claims, no unhandled SQLITE_BUSY.
    @Test func sqliteConcurrentClaimersNeverDoubleClaim() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let store = try SQLiteStore(path: "\(directory)/debrief.sqlite")
        try await StoreContract.concurrentClaims(store)
        let other = try SQLiteStore(path: "\(directory)/debrief.sqlite")
        let now = Date()
        for index in 0..<100 {
            _ = try await store.enqueue(NewJob(path: "/x/\(index)", folderModel: nil, bundleKey: "x\(index)"), now: now)
        }
        async let a: [JobID] = { var ids: [JobID] = []; while let j = try await store.claimNext(worker: "a", now: Date()) { ids.append(j.id) }; return ids }()
        async let b: [JobID] = { var ids: [JobID] = []; while let j = try await other.claimNext(worker: "b", now: Date()) { ids.append(j.id) }; return ids }()
        let all = try await a + b
        #expect(all.count == 100)
        #expect(Set(all).count == 100)
    }

    @Test func reopeningKeepsData() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        do {
            let store = try SQLiteStore(path: "\(directory)/d.sqlite")
            let job = try #require(try await store.enqueue(NewJob(path: "/a", folderModel: nil, bundleKey: "a"), now: Date()))
            _ = try await store.complete(job: job.id, report: sampleReport(), now: Date())
        }
        let reopened = try SQLiteStore(path: "\(directory)/d.sqlite")
        #expect(try await reopened.reportSummaries(limit: 5).count == 1)
    }

    @Test func refusesNetworkFilesystems() {
        let table = """
            /dev/vda / ext4 rw 0 0
            server:/export /mnt/share nfs4 rw 0 0
            //nas/hr /mnt/hr cifs rw 0 0
            """
        #expect(NetworkFilesystem.kind(of: "/mnt/share/debrief", mountTable: table) == "nfs4")
        #expect(NetworkFilesystem.kind(of: "/mnt/hr", mountTable: table) == "cifs")
        #expect(NetworkFilesystem.kind(of: "/mnt/shared", mountTable: table) == nil)
        #expect(NetworkFilesystem.kind(of: "/home/x", mountTable: table) == nil)
    }

    @Test func unwritableDataDirectoryIsAClearError() {
        #expect {
            _ = try SQLiteStore(path: "/proc/debrief/d.sqlite")
        } throws: { error in
            "\(error)".hasPrefix("/proc/debrief: cannot create the data directory")
        }
    }
}
