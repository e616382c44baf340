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

/// One suite, every driver: the same behaviour is required of each (memory, SQLite, PostgreSQL).
enum StoreContract {
    static let lease = 60.0
    static let policy = QueuePolicy(leaseSeconds: 60, maxAttempts: 2, backoffSeconds: 10)

    static func all(_ make: () async throws -> any DebriefStore) async throws {
        try await basics(try await make())
        try await leasesAndFencing(try await make())
        try await retriesAndQuarantine(try await make())
        try await duplicatesAndErasure(try await make())
        try await concurrentClaims(try await make())
        try await accounts(try await make())
        try await webhooks(try await make())
        try await notificationsWithTheirRecords(try await make())
    }

    /// `report.created` and `rating.created` are queued in the transaction that stores their record: a stored report
    /// or rating has its deliveries; a duplicate, a completion under a lost lease, a rating of a missing report
    /// store neither.
    static func notificationsWithTheirRecords(_ store: any DebriefStore) async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let urls = ["http://a.example/h", "http://b.example/h"]
        for key in ["x", "y", "z"] {
            _ = try await store.enqueue(NewJob(path: "/in/\(key).mp4", folderModel: nil, bundleKey: key), now: now)
        }
        func claim(_ at: Date) async throws -> Lease {
            try #require(try await store.claimNext(worker: "w", leaseSeconds: lease, now: at)?.lease)
        }
        let report = sampleReport(file: "x.mp4")
        let stored = try await store.complete(try await claim(now), report: report,
                                              webhook: .reportCreated(report, urls: urls), now: now)
        var deliveries = try await store.webhookDeliveries(limit: 10)
        #expect(deliveries.map(\.url).sorted() == urls && deliveries.allSatisfy { $0.reportID == stored.reportID })
        #expect(deliveries.allSatisfy { $0.event == "report.created"
            && $0.payload == WebhookEvents.reportCreated(id: stored.reportID, report: report, now: now) })
        // The same recording again: no second report, no second notification.
        let again = try await store.complete(try await claim(now), report: report,
                                             webhook: .reportCreated(report, urls: urls), now: now)
        #expect(again == .duplicate(of: stored.reportID))
        // A worker whose lease lapsed (its job rescued) stores nothing, and tells nobody.
        let lost = try await claim(now)
        #expect(try await store.rescueExpired(policy: policy, now: now.addingTimeInterval(lease + 1)).count == 1)
        var other = sampleReport(file: "z.mp4")
        other.recording.sha256 = String(repeating: "3", count: 64)
        await #expect { _ = try await store.complete(lost, report: other, webhook: .reportCreated(other, urls: urls),
                                         now: now.addingTimeInterval(lease + 2))
        } throws: { ($0 as? StoreError)?.code == .fenced }
        #expect(try await store.webhookDeliveries(limit: 10).count == 2)

        let rating = try await store.addRating(NewRating(reportID: stored.reportID, rater: "hr", overall: 70,
                                                         competencies: [:], comment: ""),
                                               webhook: .ratingCreated(job: "m", urls: [urls[0]]), now: now)
        deliveries = try await store.webhookDeliveries(limit: 10)
        #expect(deliveries.count == 3 && deliveries[0].event == "rating.created")
        #expect(deliveries[0].payload == WebhookEvents.ratingCreated(rating, job: "m", now: now))
        await #expect(throws: StoreError.self) {
            _ = try await store.addRating(NewRating(reportID: 999_999, rater: "hr", overall: 1, competencies: [:],
                                                    comment: ""),
                                          webhook: .ratingCreated(job: "m", urls: urls), now: now)
        }
        #expect(try await store.webhookDeliveries(limit: 10).count == 3)
        #expect(WebhookNote<ReportID>.reportCreated(report, urls: []) == nil)
    }

    /// The webhook outbox: due deliveries claimed oldest first, each by one sender at a time, retried when due,
    /// claimed again when a claim lapses, and a stale claim's outcome ignored.
    static func webhooks(_ store: any DebriefStore) async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let payload = Data(#"{"event":"report.created"}"#.utf8)
        try await store.enqueueWebhook(event: "report.created", payload: payload, reportID: nil,
                                       urls: ["http://a.example/h", "http://b.example/h"], now: now)
        try await store.enqueueWebhook(event: "x", payload: payload, reportID: nil, urls: [], now: now)
        let first = try #require(try await store.claimWebhook(leaseSeconds: 30, now: now))
        #expect(first.url == "http://a.example/h" && first.attempts == 1 && first.payload == payload)
        #expect(first.event == "report.created" && first.status == .pending)
        let second = try #require(try await store.claimWebhook(leaseSeconds: 30, now: now))
        #expect(second.url == "http://b.example/h")
        #expect(try await store.claimWebhook(leaseSeconds: 30, now: now) == nil)
        try await store.finishWebhook(first, .delivered, now: now.addingTimeInterval(1))
        try await store.finishWebhook(second, .retry(at: now.addingTimeInterval(60), error: "HTTP 500"), now: now)
        #expect(try await store.claimWebhook(leaseSeconds: 30, now: now.addingTimeInterval(59)) == nil)
        let again = try #require(try await store.claimWebhook(leaseSeconds: 30, now: now.addingTimeInterval(60)))
        #expect(again.id == second.id && again.attempts == 2 && again.lastError == "HTTP 500")
        // Its sender dies: after the claim lapses the delivery is due again, and the old claim changes nothing.
        let third = try #require(try await store.claimWebhook(leaseSeconds: 30, now: now.addingTimeInterval(91)))
        #expect(third.id == second.id && third.attempts == 3)
        try await store.finishWebhook(again, .delivered, now: now.addingTimeInterval(92))
        try await store.finishWebhook(third, .failed(error: "gave up"), now: now.addingTimeInterval(92))
        try await store.finishWebhook(first, .failed(error: "late"), now: now.addingTimeInterval(93))
        let listed = try await store.webhookDeliveries(limit: 10)
        #expect(listed.map(\.status) == [.failed, .delivered])
        #expect(listed[0].lastError == "gave up" && listed[1].deliveredAt == now.addingTimeInterval(1))
        #expect(try await store.claimWebhook(leaseSeconds: 30, now: now.addingTimeInterval(10_000)) == nil)
    }

    /// Users, sessions and tokens: saved by name, found by digest until they expire, gone with their user, and a
    /// candidate's account goes with their erasure.
    static func accounts(_ store: any DebriefStore) async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(try await store.user(named: "ann") == nil)
        let ann = try await store.saveUser(NewUser(name: "ann", role: .manager, passwordHash: "$2b$04$x",
                                                   jobs: ["sales-manager", "销售"]), now: now)
        #expect(ann.role == .manager && ann.jobs == ["sales-manager", "销售"] && ann.createdAt == now)
        let promoted = try await store.saveUser(NewUser(name: "ann", role: .hr, passwordHash: "$2b$04$y"),
                                                now: now.addingTimeInterval(5))
        #expect(promoted.id == ann.id && promoted.role == .hr && promoted.jobs.isEmpty)
        #expect(promoted.passwordHash == "$2b$04$y" && promoted.createdAt == now)
        let bo = try await store.saveUser(NewUser(name: "bo", role: .candidate, passwordHash: nil, candidate: "Bo"),
                                          now: now)
        #expect(try await store.users().map(\.name) == ["ann", "bo"])

        try await store.addCredential(Credential(digest: "s1", kind: .session, userID: ann.id, csrf: "c1",
                                                 expiresAt: now.addingTimeInterval(60)), now: now)
        try await store.addCredential(Credential(digest: "t1", kind: .token, userID: ann.id), now: now)
        try await store.addCredential(Credential(digest: "s2", kind: .session, userID: bo.id, csrf: "c2",
                                                 expiresAt: now.addingTimeInterval(60)), now: now)
        let (session, user) = try #require(try await store.credential(digest: "s1", now: now))
        #expect(session.kind == .session && session.csrf == "c1" && user.name == "ann" && user.role == .hr)
        #expect(try await store.credential(digest: "s1", now: now.addingTimeInterval(61)) == nil)
        #expect(try await store.credential(digest: "t1", now: now.addingTimeInterval(1e8))?.1.name == "ann")
        #expect(try await store.credential(digest: "nope", now: now) == nil)
        try await store.removeCredential(digest: "s1")
        #expect(try await store.credential(digest: "s1", now: now) == nil)

        #expect(try await store.removeUser(named: "ann"))
        #expect(try await !store.removeUser(named: "ann"))
        #expect(try await store.credential(digest: "t1", now: now) == nil)
        #expect(try await store.erase(candidate: "Bo", now: now).accounts == 1)
        #expect(try await store.credential(digest: "s2", now: now) == nil)
        #expect(try await store.users().isEmpty)
    }

    static func basics(_ store: any DebriefStore) async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let first = try #require(try await store.enqueue(NewJob(path: "/in/a.mp4", folderModel: nil, bundleKey: "a|1|1"), now: now))
        #expect(first.status == .queued)
        #expect(try await store.enqueue(NewJob(path: "/in/a.mp4", folderModel: nil, bundleKey: "a|1|1"), now: now) == nil)
        let second = try #require(try await store.enqueue(NewJob(path: "/in/m/b.mp4", folderModel: "m", bundleKey: "b|1|1"), now: now))

        let claimed = try #require(try await store.claimNext(worker: "w1", leaseSeconds: lease, now: now))
        #expect(claimed.id == first.id)
        #expect(claimed.status == .running)
        #expect(claimed.attempts == 1)
        #expect(claimed.leaseExpiresAt == now.addingTimeInterval(lease))
        let claimedSecond = try #require(try await store.claimNext(worker: "w2", leaseSeconds: lease, now: now))
        #expect(claimedSecond.id == second.id)
        #expect(claimedSecond.folderModel == "m")
        #expect(try await store.claimNext(worker: "w3", leaseSeconds: lease, now: now) == nil)
        #expect(try await store.queueCounts() == [.running: 2])

        let completion = try await store.complete(try #require(claimed.lease), report: sampleReport(), now: now)
        let reportID = completion.reportID
        #expect(completion == .stored(reportID))
        let failed = try await store.fail(try #require(claimedSecond.lease),
                                          JobFailure(code: "input", reason: "/in/m/b.mp4: the file is empty (0 bytes)",
                                                     kind: .permanent), policy: policy, now: now)
        #expect(failed.status == .failed)
        #expect(failed.errorCode == "input")
        #expect(try await store.job(first.id)?.status == .done)
        #expect(try await store.job(first.id)?.reportID == reportID)
        #expect(try await store.job(second.id)?.error == "/in/m/b.mp4: the file is empty (0 bytes)")
        #expect(try await store.queueCounts() == [.done: 1, .failed: 1])
        _ = try await store.enqueue(NewJob(path: "/in/m/c.mp4", folderModel: "m", bundleKey: "c|1|1"), now: now)
        #expect(try await store.queueCountsByFolder() == [nil: [.done: 1], "m": [.failed: 1, .queued: 1]])
        #expect(try await store.queueCounts() == [.done: 1, .failed: 1, .queued: 1])
        #expect(try await store.jobs(status: .failed, limit: 10).map(\.id) == [second.id])

        let summaries = try await store.reportSummaries(limit: 10)
        #expect(summaries.count == 1)
        #expect(summaries.first?.overall.score == 72.5)
        #expect(summaries.first?.candidate == "Ann")
        #expect(summaries.first?.warnings == 1)
        #expect(try await store.report(reportID) == sampleReport())
        #expect(try await store.reportJSON(reportID) == (try ReportCoding.encode(sampleReport())))
        #expect(try await store.reportJSON(9999) == nil)
        #expect(try await store.jobs(limit: 10).count == 3)
        #expect(try await store.job(4242) == nil)

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
        let listed = try #require(try await store.reportSummaries(modelID: "m").first)
        #expect(try await store.reportSummary(listed.id) == listed)
        #expect(try await store.reportSummary(listed.id + 1000) == nil)
        #expect(try await store.reportHistory(reportID) == [try ReportCoding.encode(sampleReport())])
        await #expect(throws: StoreError.self) { try await store.revise(report: 4242, with: revised, now: now) }
    }

    /// Heartbeats extend a lease; an expired lease is rescued; the rescued worker's late writes are rejected.
    static func leasesAndFencing(_ store: any DebriefStore) async throws {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let job = try #require(try await store.enqueue(NewJob(path: "/in/a.mp4", folderModel: nil, bundleKey: "a"), now: t0))
        let first = try #require(try await store.claimNext(worker: "w1", leaseSeconds: lease, now: t0)?.lease)
        let renewed = try await store.heartbeat(first, leaseSeconds: lease, now: t0.addingTimeInterval(50))
        #expect(renewed.expiresAt == t0.addingTimeInterval(110))
        #expect(try await store.rescueExpired(policy: policy, now: t0.addingTimeInterval(100)).isEmpty)
        let rescued = try await store.rescueExpired(policy: policy, now: t0.addingTimeInterval(111))
        #expect(rescued.map(\.id) == [job.id])
        #expect(rescued.first?.status == .queued)
        #expect(rescued.first?.error?.contains("worker w1 stopped renewing its lease") == true)
        #expect(rescued.first?.errorCode == JobFailure.abandonedCode)
        // Backoff after the first attempt: 10 s.
        #expect(try await store.claimNext(worker: "w2", leaseSeconds: lease, now: t0.addingTimeInterval(115)) == nil)
        let second = try #require(try await store.claimNext(worker: "w2", leaseSeconds: lease, now: t0.addingTimeInterval(122)))
        #expect(second.attempts == 2)
        #expect(second.leaseToken != first.token)
        // The first worker comes back: every write under its old lease is refused.
        for attempt in 0..<3 {
            do {
                switch attempt {
                case 0: _ = try await store.complete(renewed, report: sampleReport(), now: t0.addingTimeInterval(123))
                case 1: _ = try await store.heartbeat(renewed, leaseSeconds: lease, now: t0.addingTimeInterval(123))
                default: try await store.release(renewed, now: t0.addingTimeInterval(123))
                }
                Issue.record("a write under a rescued lease was accepted (\(attempt))")
            } catch let error as StoreError {
                #expect(error.code == .fenced)
            }
        }
        #expect(try await store.reportSummaries(limit: 10).isEmpty)
        // Out of attempts (2): the next expiry quarantines the job, with the reason.
        let quarantined = try await store.rescueExpired(policy: policy, now: t0.addingTimeInterval(500))
        #expect(quarantined.first?.status == .failed)
        #expect(quarantined.first?.error?.contains("quarantined") == true)
        await #expect(throws: StoreError.self) {
            _ = try await store.complete(try #require(second.lease), report: sampleReport(), now: t0.addingTimeInterval(501))
        }

        // A graceful release gives the claim back without counting it.
        let other = try #require(try await store.enqueue(NewJob(path: "/in/b.mp4", folderModel: nil, bundleKey: "b"), now: t0))
        let claim = try #require(try await store.claimNext(worker: "w3", leaseSeconds: lease, now: t0.addingTimeInterval(600)))
        #expect(claim.id == other.id)
        try await store.release(try #require(claim.lease), now: t0.addingTimeInterval(601))
        #expect(try await store.job(other.id)?.status == .queued)
        #expect(try await store.job(other.id)?.attempts == 0)
        // A dead worker's leases can be ended at once, for the next sweep.
        _ = try #require(try await store.claimNext(worker: "host#1.0", leaseSeconds: lease, now: t0.addingTimeInterval(700)))
        #expect(try await store.expireLeases(worker: "host#1.0", now: t0.addingTimeInterval(701)) == 1)
        #expect(try await store.rescueExpired(policy: policy, now: t0.addingTimeInterval(701)).map(\.id) == [other.id])
    }

    /// Transient failures come back after a backoff until the attempts run out; permanent ones are quarantined at
    /// once; `retry` re-queues a quarantined job.
    static func retriesAndQuarantine(_ store: any DebriefStore) async throws {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let job = try #require(try await store.enqueue(NewJob(path: "/in/c.mp4", folderModel: nil, bundleKey: "c"), now: t0))
        let claim = try #require(try await store.claimNext(worker: "w", leaseSeconds: lease, now: t0))
        let down = JobFailure(code: "recognizer", reason: "recogniser down", kind: .transient)
        let requeued = try await store.fail(try #require(claim.lease), down, policy: policy, now: t0)
        #expect(requeued.status == .queued)
        #expect(requeued.notBefore == t0.addingTimeInterval(10))
        #expect(requeued.error == "recogniser down")
        let again = try #require(try await store.claimNext(worker: "w", leaseSeconds: lease, now: t0.addingTimeInterval(10)))
        let final = try await store.fail(try #require(again.lease), down, policy: policy, now: t0.addingTimeInterval(11))
        #expect(final.errorCode == "recognizer")
        #expect(final.status == .failed)
        await #expect(throws: StoreError.self) { _ = try await store.retry(job: 4242, now: t0) }
        let retried = try await store.retry(job: job.id, now: t0.addingTimeInterval(20))
        #expect(retried.status == .queued)
        #expect(retried.attempts == 0)
        await #expect(throws: StoreError.self) { _ = try await store.retry(job: job.id, now: t0) }
        #expect(try await store.claimNext(worker: "w", leaseSeconds: lease, now: t0.addingTimeInterval(21))?.id == job.id)
    }

    /// The same recording, model version and pipeline version is reported once; erasure removes a candidate.
    static func duplicatesAndErasure(_ store: any DebriefStore) async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        var ids: [JobID] = []
        for key in ["x", "y", "z", "w"] {
            ids.append(try #require(try await store.enqueue(NewJob(path: "/in/\(key).mp4", folderModel: nil, bundleKey: key), now: now)).id)
        }
        func finish(_ report: Report) async throws -> Completion {
            let claim = try #require(try await store.claimNext(worker: "w", leaseSeconds: lease, now: now))
            return try await store.complete(try #require(claim.lease), report: report, now: now)
        }
        let stored = try await finish(sampleReport(file: "x.mp4"))
        #expect(try await finish(sampleReport(file: "y.mp4")) == .duplicate(of: stored.reportID))
        #expect(try await store.job(ids[1])?.duplicateOf == stored.reportID)
        var other = sampleReport(file: "z.mp4")
        other.recording.sha256 = String(repeating: "1", count: 64)
        other.candidate = "Bo"
        let kept = try await finish(other)
        // The same recording with other inputs (a new transcript) is a new analysis.
        var retold = sampleReport(file: "w.mp4")
        retold.candidate = "Bo"
        retold.inputsSHA256 = String(repeating: "2", count: 64)
        let third = try await finish(retold)
        #expect(third != .duplicate(of: stored.reportID))
        #expect(try await store.reportSummaries(limit: 10).count == 3)
        try await store.revise(report: stored.reportID, with: sampleReport(score: 60), now: now)

        // Ratings: kept per report, listed per job, a rater's newest counts; none for a report that is not there.
        let first = try await store.addRating(NewRating(reportID: stored.reportID, rater: "hr", overall: 70,
                                                        competencies: ["x": 55.5], comment: "clear <b>STAR</b>"),
                                              now: now)
        #expect(first.reportID == stored.reportID && first.competencies == ["x": 55.5] && first.overall == 70)
        let second = try await store.addRating(NewRating(reportID: stored.reportID, rater: "hr", overall: nil,
                                                         competencies: ["x": 80], comment: ""),
                                               now: now.addingTimeInterval(60))
        _ = try await store.addRating(NewRating(reportID: kept.reportID, rater: "li", overall: 40, competencies: [:],
                                                comment: "另一位"), now: now.addingTimeInterval(30))
        let rated = try await store.ratings(report: stored.reportID)
        #expect(rated.map(\.id) == [first.id, second.id])
        #expect(rated[0] == first && rated[0].comment == "clear <b>STAR</b>")
        #expect(rated.current.map(\.id) == [second.id])
        #expect(try await store.ratings(modelID: "m").map(\.rater) == ["hr", "li", "hr"])
        #expect(try await store.ratings(modelID: "other").isEmpty)
        await #expect(throws: StoreError.self) {
            _ = try await store.addRating(NewRating(reportID: 999_999, rater: "hr", overall: 1, competencies: [:],
                                                    comment: ""), now: now)
        }

        try await store.enqueueWebhook(event: "report.created", payload: Data("{}".utf8), reportID: stored.reportID,
                                       urls: ["http://a.example/h"], now: now)
        let erasure = try await store.erase(candidate: "Ann", now: now)
        #expect(erasure.ratings == 2 && erasure.webhooks == 1)
        #expect(try await store.webhookDeliveries(limit: 10).isEmpty)
        #expect(try await store.ratings(report: stored.reportID).isEmpty)
        #expect(try await store.ratings(modelID: "m").map(\.rater) == ["li"])
        #expect(erasure.reports == 1)
        #expect(erasure.revisions == 1)
        #expect(erasure.jobs == 2)
        #expect(erasure.paths == ["/in/x.mp4", "/in/y.mp4"])
        #expect(try await store.reportJSON(stored.reportID) == nil)
        #expect(try await store.reportHistory(stored.reportID).isEmpty)
        #expect(try await store.job(ids[0]) == nil)
        #expect(try await store.reportSummaries(limit: 10).map(\.id) == [third.reportID, kept.reportID])
        #expect(try await store.erase(candidate: "Ann", now: now) == Erasure())
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
                    while let job = try await store.claimNext(worker: "w\(worker)", leaseSeconds: lease, now: Date()) {
                        mine.append(job.id)
                    }
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
        try await StoreContract.all { MemoryStore() }
    }

    @Test func sqliteStoreMeetsTheContract() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        var count = 0
        try await StoreContract.all {
            count += 1
            return try SQLiteStore(path: "\(directory)/debrief-\(count).sqlite")
        }
    }

    /// Two pools on one file (as two processes would be): 0 double claims, no unhandled SQLITE_BUSY.
    @Test func sqliteConcurrentClaimersNeverDoubleClaim() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let store = try SQLiteStore(path: "\(directory)/debrief.sqlite")
        let other = try SQLiteStore(path: "\(directory)/debrief.sqlite")
        let now = Date()
        for index in 0..<100 {
            _ = try await store.enqueue(NewJob(path: "/x/\(index)", folderModel: nil, bundleKey: "x\(index)"), now: now)
        }
        async let a: [JobID] = { var ids: [JobID] = []; while let j = try await store.claimNext(worker: "a", leaseSeconds: 60, now: Date()) { ids.append(j.id) }; return ids }()
        async let b: [JobID] = { var ids: [JobID] = []; while let j = try await other.claimNext(worker: "b", leaseSeconds: 60, now: Date()) { ids.append(j.id) }; return ids }()
        let all = try await a + b
        #expect(all.count == 100)
        #expect(Set(all).count == 100)
    }

    @Test func reopeningKeepsData() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        do {
            let store = try SQLiteStore(path: "\(directory)/d.sqlite")
            _ = try #require(try await store.enqueue(NewJob(path: "/a", folderModel: nil, bundleKey: "a"), now: Date()))
            let claim = try #require(try await store.claimNext(worker: "w", leaseSeconds: 60, now: Date()))
            _ = try await store.complete(try #require(claim.lease), report: sampleReport(), now: Date())
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
