import Crypto
import DebriefModel
import Foundation
import Service
import Store
import StoreSQLite
import TestSupport
import Testing

/// Erasure reaches failed jobs and their recordings, never a file outside the inbox, can be run again, and finishes
/// what an interrupted run planned.
@Suite struct CandidateEraserTests {
    @Test func failedJobsHostileMetadataAndReruns() async throws {
        let directory = Fixtures.temporaryDirectory("eraser")
        defer { Fixtures.cleanUp(directory) }
        let inbox = "\(directory)/inbox", data = "\(directory)/data"
        try FileManager.default.createDirectory(atPath: "\(inbox)/sales", withIntermediateDirectories: true)
        Fixtures.write("outside, never to be touched", to: "\(directory)/outside.txt")
        // A recording whose job failed (its metadata is the only link to the candidate), with a résumé path that
        // climbs out of the inbox; and a recording that has a report.
        Fixtures.write("not a video", to: "\(inbox)/sales/ann-lee.mp4")
        Fixtures.write("candidate: Ann Lee\nresumeFile: ../../outside.txt\n", to: "\(inbox)/sales/ann-lee.yaml")
        Fixtures.write("WEBVTT\n", to: "\(inbox)/sales/second.vtt")
        Fixtures.write("{\"candidate\": \"Ann Lee\"}", to: "\(inbox)/sales/second.json")
        Fixtures.write("x", to: "\(inbox)/sales/bob.mp4")
        let store = try SQLiteStore(path: "\(data)/debrief.sqlite")
        let now = Date()
        _ = try await store.enqueue(NewJob(path: "\(inbox)/sales/ann-lee.mp4", folderModel: "sales", bundleKey: "a"), now: now)
        let failed = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: now))
        _ = try await store.fail(try #require(failed.lease), JobFailure(code: "decode", reason: "ann-lee.mp4: not media",
                                                                         kind: .permanent), policy: QueuePolicy(), now: now)
        _ = try await store.enqueue(NewJob(path: "\(inbox)/sales/second.vtt", folderModel: "sales", bundleKey: "b"), now: now)
        let done = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: now))
        var report = WorkerPoolLeaseTests.report()
        report.candidate = "Ann Lee"
        _ = try await store.complete(try #require(done.lease), report: report, now: now)

        let eraser = CandidateEraser(store: store, storeName: "sqlite:test", inbox: inbox, data: data)
        let outcome = try await eraser.erase(candidate: "Ann Lee")
        #expect(outcome.receipt.reports == 1 && outcome.receipt.jobs == 2)
        #expect(outcome.notRemoved.isEmpty)
        #expect(try await store.jobs(limit: 10).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(inbox)/sales") == ["bob.mp4"])
        #expect(try String(contentsOfFile: "\(directory)/outside.txt", encoding: .utf8) == "outside, never to be touched")
        // The receipt names nobody: a keyed hash, not the name's plain SHA-256.
        let receipt = try String(contentsOfFile: outcome.receiptPath, encoding: .utf8)
        let plain = SHA256.hash(data: Data("Ann Lee".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(!receipt.contains("Ann") && !receipt.contains(plain) && receipt.contains(outcome.receipt.candidateHMAC))
        #expect(!FileManager.default.fileExists(atPath: "\(data)/erasures/pending-\(outcome.receipt.candidateHMAC.prefix(16)).json"))
        // Again: nothing left to erase.
        let again = try await eraser.erase(candidate: "Ann Lee")
        #expect(again.receipt.reports == 0 && again.receipt.jobs == 0 && again.receipt.filesRemoved == 0)
        #expect(again.receipt.candidateHMAC == outcome.receipt.candidateHMAC)
    }

    @Test func anInterruptedErasureIsFinished() async throws {
        let directory = Fixtures.temporaryDirectory("eraser")
        defer { Fixtures.cleanUp(directory) }
        let inbox = "\(directory)/inbox", data = "\(directory)/data"
        try FileManager.default.createDirectory(atPath: "\(data)/erasures", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: "\(data)/debrief.sqlite")
        let eraser = CandidateEraser(store: store, storeName: "sqlite:test", inbox: inbox, data: data)
        // The first run planned these files and died after deleting the metadata that named the candidate.
        let first = try await eraser.erase(candidate: "Cleo")
        let journal = "\(data)/erasures/pending-\(first.receipt.candidateHMAC.prefix(16)).json"
        Fixtures.write("recording", to: "\(inbox)/cleo.mp4")
        Fixtures.write("outside", to: "\(directory)/keep.txt")
        Fixtures.write(#"{"jobPaths": ["\#(inbox)/cleo.mp4"], "files": ["\#(inbox)/cleo.mp4", "\#(directory)/keep.txt"]}"#,
                       to: journal)
        let resumed = try await eraser.erase(candidate: "Cleo")
        #expect(!FileManager.default.fileExists(atPath: "\(inbox)/cleo.mp4"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/keep.txt"))
        #expect(resumed.notRemoved.count == 1 && resumed.notRemoved[0].contains("outside the inbox"))
    }
}
