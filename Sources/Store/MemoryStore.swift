import DebriefModel
import Foundation

/// An in-memory store for tests and one-shot runs, with the same queue semantics as the database drivers.
public actor MemoryStore: DebriefStore {
    private var jobsByID: [JobID: Job] = [:]
    private struct Stored {
        var summary: ReportSummary
        var json: Data
        var pipelineVersion: String
        var inputs: String
    }

    private var reports: [ReportID: Stored] = [:]
    private var history: [ReportID: [Data]] = [:]
    private var nextJob: JobID = 1
    private var nextReport: ReportID = 1
    private var nextToken: Int64 = 1
    private var accounts: [String: User] = [:]
    private var credentials: [String: Credential] = [:]
    private var nextUser: Int64 = 1
    private var storedRatings: [Rating] = []
    private var deliveries: [WebhookDelivery] = []

    public init() {}

    public func enqueue(_ job: NewJob, now: Date) throws -> Job? {
        guard !jobsByID.values.contains(where: { $0.bundleKey == job.bundleKey }) else { return nil }
        let new = Job(id: nextJob, path: job.path, folderModel: job.folderModel, bundleKey: job.bundleKey,
                      bundle: job.bundle,
                      createdAt: now, updatedAt: now)
        jobsByID[nextJob] = new
        nextJob += 1
        return new
    }

    public func claimNext(worker: String, leaseSeconds: Double, now: Date) -> Job? {
        let due = jobsByID.values.filter { $0.status == .queued && ($0.notBefore ?? now) <= now }
        guard let id = due.map(\.id).min() else { return nil }
        modify(id, now: now) {
            $0.status = .running
            $0.worker = worker
            $0.attempts += 1
            $0.leaseToken = nextToken
            $0.leaseExpiresAt = now.addingTimeInterval(leaseSeconds)
            $0.notBefore = nil
        }
        nextToken += 1
        return jobsByID[id]
    }

    public func heartbeat(_ lease: Lease, leaseSeconds: Double, now: Date) throws -> Lease {
        try held(lease)
        modify(lease.job, now: now) { $0.leaseExpiresAt = now.addingTimeInterval(leaseSeconds) }
        return jobsByID[lease.job]!.lease!
    }

    public func complete(_ lease: Lease, report: Report, webhook: WebhookNote<ReportID>?, now: Date) throws -> Completion {
        try held(lease)
        let completion: Completion
        if let existing = reports.first(where: { Self.sameContent($0.value, report) })?.key {
            completion = .duplicate(of: existing)
        } else {
            let id = nextReport
            nextReport += 1
            reports[id] = Stored(summary: ReportSummary(id: id, jobID: lease.job, report: report, createdAt: now),
                                 json: try ReportCoding.encode(report), pipelineVersion: report.pipelineVersion,
                                 inputs: report.inputsKey)
            completion = .stored(id)
            if let webhook {
                enqueueWebhook(event: webhook.event, payload: webhook.payload(id, now), reportID: id, urls: webhook.urls,
                               now: now)
            }
        }
        modify(lease.job, now: now) {
            $0.status = .done
            $0.reportID = completion.reportID
            if case .duplicate(let of) = completion { $0.duplicateOf = of }
            $0.error = nil
            $0.errorCode = nil
            $0.leaseExpiresAt = nil
        }
        return completion
    }

    private static func sameContent(_ stored: Stored, _ report: Report) -> Bool {
        stored.inputs == report.inputsKey && stored.summary.modelID == report.model.id
            && stored.summary.modelVersion == report.model.version && stored.pipelineVersion == report.pipelineVersion
    }

    public func fail(_ lease: Lease, _ failure: JobFailure, policy: QueuePolicy, now: Date) throws -> Job {
        try held(lease)
        let retryAt = failure.kind == .transient
            ? policy.retryAt(afterAttempt: jobsByID[lease.job]!.attempts, now: now) : nil
        modify(lease.job, now: now) {
            $0.status = retryAt == nil ? .failed : .queued
            $0.notBefore = retryAt
            $0.error = failure.reason
            $0.errorCode = failure.code
            $0.leaseExpiresAt = nil
        }
        return jobsByID[lease.job]!
    }

    public func release(_ lease: Lease, now: Date) throws {
        try held(lease)
        modify(lease.job, now: now) {
            $0.status = .queued
            $0.attempts -= 1
            $0.leaseExpiresAt = nil
        }
    }

    public func rescueExpired(policy: QueuePolicy, now: Date) -> [Job] {
        let expired = jobsByID.values.filter { $0.status == .running && ($0.leaseExpiresAt ?? now) < now }
        return expired.sorted { $0.id < $1.id }.map { job in
            let retryAt = policy.retryAt(afterAttempt: job.attempts, now: now)
            modify(job.id, now: now) {
                $0.status = retryAt == nil ? .failed : .queued
                $0.notBefore = retryAt
                $0.error = QueueMessages.abandoned(worker: job.worker, attempts: job.attempts,
                                                   quarantined: retryAt == nil)
                $0.errorCode = JobFailure.abandonedCode
                $0.leaseExpiresAt = nil
            }
            return jobsByID[job.id]!
        }
    }

    public func expireLeases(worker: String, now: Date) -> Int {
        let held = jobsByID.values.filter { $0.status == .running && $0.worker == worker }
        for job in held {
            modify(job.id, now: now) { $0.leaseExpiresAt = now.addingTimeInterval(-1) }
        }
        return held.count
    }

    public func retry(job id: JobID, now: Date) throws -> Job {
        guard let job = jobsByID[id] else { throw StoreError(code: .notFound, reason: "job \(id) not found") }
        guard job.status == .failed else {
            throw StoreError(code: .conflict, reason: "job \(id) is \(job.status.rawValue), not failed: nothing to retry")
        }
        modify(id, now: now) {
            $0.status = .queued
            $0.attempts = 0
            $0.notBefore = nil
        }
        return jobsByID[id]!
    }

    public func queueCountsByFolder() -> [String?: [JobStatus: Int]] {
        jobsByID.values.reduce(into: [:]) { $0[$1.folderModel, default: [:]][$1.status, default: 0] += 1 }
    }

    public func jobs(status: JobStatus?, limit: Int) -> [Job] {
        Array(jobsByID.values.filter { status == nil || $0.status == status }.sorted { $0.id > $1.id }.prefix(limit))
    }

    public func job(_ id: JobID) -> Job? { jobsByID[id] }

    public func reportSummaries(limit: Int) -> [ReportSummary] {
        Array(reports.values.map(\.summary).sorted { $0.id > $1.id }.prefix(limit))
    }

    public func reportJSON(_ id: ReportID) -> Data? { reports[id]?.json }

    public func reportSummary(_ id: ReportID) -> ReportSummary? { reports[id]?.summary }

    public func reportSummaries(modelID: String) -> [ReportSummary] {
        reports.values.map(\.summary).filter { $0.modelID == modelID }.sorted { $0.id < $1.id }
    }

    public func revise(report id: ReportID, with report: Report, now: Date) throws {
        guard let old = reports[id] else { throw StoreError(code: .notFound, reason: "report \(id) not found") }
        history[id, default: []].append(old.json)
        reports[id] = Stored(summary: ReportSummary(id: id, jobID: old.summary.jobID, report: report,
                                                    createdAt: old.summary.createdAt),
                             json: try ReportCoding.encode(report), pipelineVersion: report.pipelineVersion,
                             inputs: old.inputs)
    }

    public func reportHistory(_ id: ReportID) -> [Data] { history[id] ?? [] }

    public func jobPaths(candidate: String) -> [String] {
        let ids = Set(reports.filter { $0.value.summary.candidate == candidate }.map(\.key))
        return jobsByID.values.filter { job in job.reportID.map(ids.contains) ?? false }.sorted { $0.id < $1.id }
            .map(\.path)
    }

    public func erase(candidate: String, jobPaths: [String], now: Date) -> Erasure {
        let ids = Set(reports.filter { $0.value.summary.candidate == candidate }.map(\.key))
        var erasure = Erasure(reports: ids.count, revisions: ids.reduce(0) { $0 + (history[$1]?.count ?? 0) })
        let named = Set(jobPaths)
        let jobIDs = jobsByID.values.filter { job in
            (job.reportID.map(ids.contains) ?? false) || named.contains(job.path)
        }.map(\.id)
        erasure.jobs = jobIDs.count
        erasure.paths = jobIDs.sorted().map { jobsByID[$0]!.path }
        for id in ids {
            reports[id] = nil
            history[id] = nil
        }
        for id in jobIDs { jobsByID[id] = nil }
        erasure.ratings = storedRatings.filter { ids.contains($0.reportID) }.count
        storedRatings.removeAll { ids.contains($0.reportID) }
        erasure.webhooks = deliveries.filter { $0.reportID.map(ids.contains) ?? false }.count
        deliveries.removeAll { $0.reportID.map(ids.contains) ?? false }
        for user in accounts.values where user.role == .candidate && user.candidate == candidate {
            _ = removeUser(named: user.name)
            erasure.accounts += 1
        }
        return erasure
    }

    // MARK: - Ratings

    public func addRating(_ rating: NewRating, webhook: WebhookNote<Rating>?, now: Date) throws -> Rating {
        guard reports[rating.reportID] != nil else {
            throw StoreError(code: .notFound, reason: "report \(rating.reportID) does not exist")
        }
        let stored = Rating(id: Int64(storedRatings.count + 1), reportID: rating.reportID, rater: rating.rater,
                            overall: rating.overall, competencies: rating.competencies, comment: rating.comment,
                            createdAt: now)
        storedRatings.append(stored)
        if let webhook {
            enqueueWebhook(event: webhook.event, payload: webhook.payload(stored, now), reportID: stored.reportID,
                           urls: webhook.urls, now: now)
        }
        return stored
    }

    public func ratings(report: ReportID) -> [Rating] {
        storedRatings.filter { $0.reportID == report }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func ratings(modelID: String) -> [Rating] {
        storedRatings.filter { reports[$0.reportID]?.summary.modelID == modelID }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    // MARK: - Webhooks

    public func enqueueWebhook(event: String, payload: Data, reportID: ReportID?, urls: [String], now: Date) {
        for url in urls {
            deliveries.append(WebhookDelivery(id: Int64(deliveries.count + 1), url: url, event: event, payload: payload,
                                              reportID: reportID, attempts: 0, status: .pending, nextAttemptAt: now,
                                              lastError: nil, createdAt: now, deliveredAt: nil))
        }
    }

    public func claimWebhook(leaseSeconds: Double, now: Date) -> WebhookDelivery? {
        guard let index = deliveries.indices.first(where: {
            deliveries[$0].status == .pending && deliveries[$0].nextAttemptAt <= now
        }) else { return nil }
        deliveries[index].attempts += 1
        deliveries[index].nextAttemptAt = now.addingTimeInterval(leaseSeconds)
        return deliveries[index]
    }

    public func finishWebhook(_ delivery: WebhookDelivery, _ outcome: WebhookOutcome, now: Date) {
        guard let index = deliveries.firstIndex(where: { $0.id == delivery.id }),
              deliveries[index].attempts == delivery.attempts, deliveries[index].status == .pending else { return }
        switch outcome {
        case .delivered:
            deliveries[index].status = .delivered
            deliveries[index].deliveredAt = now
        case .retry(let at, let error):
            deliveries[index].nextAttemptAt = at
            deliveries[index].lastError = error
        case .failed(let error):
            deliveries[index].status = .failed
            deliveries[index].lastError = error
        }
    }

    public func webhookDeliveries(limit: Int) -> [WebhookDelivery] { Array(deliveries.reversed().prefix(limit)) }

    // MARK: - Accounts

    public func saveUser(_ user: NewUser, now: Date) -> User {
        var saved = accounts[user.name]
            ?? User(id: nextUser, name: user.name, role: user.role, passwordHash: nil, createdAt: now)
        if saved.id == nextUser { nextUser += 1 }
        saved.role = user.role
        saved.passwordHash = user.passwordHash
        saved.jobs = user.jobs
        saved.candidate = user.candidate
        accounts[user.name] = saved
        return saved
    }

    public func user(named name: String) -> User? { accounts[name] }

    public func users() -> [User] { accounts.values.sorted { $0.id < $1.id } }

    public func removeUser(named name: String) -> Bool {
        guard let user = accounts.removeValue(forKey: name) else { return false }
        credentials = credentials.filter { $0.value.userID != user.id }
        return true
    }

    public func addCredential(_ credential: Credential, now: Date) throws {
        guard accounts.values.contains(where: { $0.id == credential.userID }) else {
            throw StoreError(code: .notFound, reason: "user \(credential.userID) not found")
        }
        credentials[credential.digest] = credential
    }

    public func credential(digest: String, now: Date) -> (Credential, User)? {
        guard let credential = credentials[digest], credential.isValid(at: now),
              let user = accounts.values.first(where: { $0.id == credential.userID }) else { return nil }
        return (credential, user)
    }

    public func removeCredential(digest: String) { credentials[digest] = nil }

    private func held(_ lease: Lease) throws {
        guard let job = jobsByID[lease.job] else {
            throw StoreError(code: .notFound, reason: "job \(lease.job) not found")
        }
        guard job.status == .running, job.leaseToken == lease.token else { throw QueueMessages.fenced(lease) }
    }

    private func modify(_ id: JobID, now: Date, _ change: (inout Job) -> Void) {
        change(&jobsByID[id]!)
        jobsByID[id]!.updatedAt = now
    }
}

/// Wording shared by the drivers.
public enum QueueMessages {
    public static func fenced(_ lease: Lease) -> StoreError {
        StoreError(code: .fenced, reason: "job \(lease.job): the lease (token \(lease.token)) is no longer held; "
            + "the job was rescued or released and this write is rejected")
    }

    public static func abandoned(worker: String?, attempts: Int, quarantined: Bool) -> String {
        let who = worker.map { "worker \($0)" } ?? "its worker"
        let what = "\(who) stopped renewing its lease (it died, hung or lost the database) on attempt \(attempts)"
        return quarantined ? "\(what); no attempts left, quarantined" : "\(what); queued again"
    }
}
