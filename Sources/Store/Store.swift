import DebriefModel
import Foundation

public typealias JobID = Int64
public typealias ReportID = Int64

public enum JobStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting to be claimed (possibly not before `notBefore`, after a transient failure).
    case queued
    /// Claimed by a worker holding a lease.
    case running
    /// A report is stored (or the recording duplicates one already stored: `duplicateOf`).
    case done
    /// Quarantined: the input cannot be analysed, or retries ran out. `error` says why; `debrief retry` re-queues.
    case failed
}

/// A recording found in the inbox, ready to be queued.
public struct NewJob: Sendable, Equatable {
    /// The recording and its sidecars, as the watcher found them.
    public var bundle: RecordingBundle
    /// Identity of this version of the file (path, size, modification time): the same key is never queued twice.
    public var bundleKey: String

    public init(bundle: RecordingBundle, bundleKey: String) {
        self.bundle = bundle
        self.bundleKey = bundleKey
    }

    /// A job of one file without sidecars (its bundle is just that file).
    public init(path: String, folderModel: String?, bundleKey: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        self.init(bundle: RecordingBundle(directory: directory, primary: name,
                                          kind: TranscriptFormat(path: name) == nil ? .recording : .transcript,
                                          folderModel: folderModel),
                  bundleKey: bundleKey)
    }

    public var path: String { bundle.primaryPath }
    /// The inbox sub-folder, a model hint (`inbox/sales-manager/alice.mp4`).
    public var folderModel: String? { bundle.folderModel }
}

/// The stored form of a job's bundle (JSON text in the drivers' `bundle` column).
public enum JobBundle {
    public static func encode(_ bundle: RecordingBundle?) throws -> String? {
        guard let bundle else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(bundle), as: UTF8.self)
    }

    /// Nil for jobs queued before bundles were stored (their bundle is worked out from the folder again).
    public static func decode(_ text: String?) -> RecordingBundle? {
        text.flatMap { try? JSONDecoder().decode(RecordingBundle.self, from: Data($0.utf8)) }
    }
}

public struct Job: Sendable, Equatable, Codable {
    public var id: JobID
    public var path: String
    public var folderModel: String?
    public var bundleKey: String
    /// The recording and its sidecars as queued; nil for jobs queued before bundles were stored.
    public var bundle: RecordingBundle?
    public var status: JobStatus
    /// Claims so far (a graceful release gives its claim back).
    public var attempts: Int
    /// The last failure's reason (kept when a transient failure re-queues the job).
    public var error: String?
    /// The last failure's type (`JobFailure.code`).
    public var errorCode: String?
    public var worker: String?
    public var reportID: ReportID?
    /// Set when the recording's content, model version and pipeline version match a report already stored.
    public var duplicateOf: ReportID?
    /// The fencing token of the current (or last) claim: it changes with every claim, and a write carrying an
    /// older token is rejected.
    public var leaseToken: Int64
    public var leaseExpiresAt: Date?
    /// A re-queued job waits until then (backoff).
    public var notBefore: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: JobID, path: String, folderModel: String?, bundleKey: String, bundle: RecordingBundle? = nil,
                status: JobStatus = .queued,
                attempts: Int = 0, error: String? = nil, errorCode: String? = nil, worker: String? = nil, reportID: ReportID? = nil,
                duplicateOf: ReportID? = nil, leaseToken: Int64 = 0, leaseExpiresAt: Date? = nil,
                notBefore: Date? = nil, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.path = path
        self.folderModel = folderModel
        self.bundleKey = bundleKey
        self.bundle = bundle
        self.status = status
        self.attempts = attempts
        self.error = error
        self.errorCode = errorCode
        self.worker = worker
        self.reportID = reportID
        self.duplicateOf = duplicateOf
        self.leaseToken = leaseToken
        self.leaseExpiresAt = leaseExpiresAt
        self.notBefore = notBefore
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The lease a running job is held under.
    public var lease: Lease? {
        guard status == .running, let leaseExpiresAt else { return nil }
        return Lease(job: id, token: leaseToken, expiresAt: leaseExpiresAt)
    }
}

/// A worker's right to finish one job. Every write about the job carries it; once the lease is rescued and the job
/// claimed again, the old token no longer matches and the write fails with `StoreError.Code.fenced`.
public struct Lease: Sendable, Equatable, Codable {
    public var job: JobID
    public var token: Int64
    public var expiresAt: Date

    public init(job: JobID, token: Int64, expiresAt: Date) {
        self.job = job
        self.token = token
        self.expiresAt = expiresAt
    }
}

/// How long leases last, how often a failing job is tried, and how long it waits in between.
public struct QueuePolicy: Sendable, Equatable {
    /// A claim expires unless renewed by a heartbeat within this many seconds.
    public var leaseSeconds: Double
    /// Claims per job before it is quarantined (crashes and expired leases count).
    public var maxAttempts: Int
    /// Delay before the second attempt; it doubles with every further attempt, up to `maximumBackoffSeconds`.
    public var backoffSeconds: Double
    public var maximumBackoffSeconds: Double

    public init(leaseSeconds: Double = 60, maxAttempts: Int = 3, backoffSeconds: Double = 10,
                maximumBackoffSeconds: Double = 600) {
        self.leaseSeconds = leaseSeconds
        self.maxAttempts = max(1, maxAttempts)
        self.backoffSeconds = backoffSeconds
        self.maximumBackoffSeconds = maximumBackoffSeconds
    }

    /// The wait after the `attempts`-th claim failed.
    public func backoff(afterAttempt attempts: Int) -> Double {
        min(maximumBackoffSeconds, backoffSeconds * pow(2, Double(max(0, attempts - 1))))
    }

    /// What becomes of a job whose `attempts`-th claim ended without a report: queued again later, or quarantined.
    public func retryAt(afterAttempt attempts: Int, now: Date) -> Date? {
        attempts < maxAttempts ? now.addingTimeInterval(backoff(afterAttempt: attempts)) : nil
    }
}

/// How a job's report was stored.
public enum Completion: Sendable, Equatable {
    case stored(ReportID)
    /// The same content, model version and pipeline version were already reported: the job points at that report.
    case duplicate(of: ReportID)

    public var reportID: ReportID {
        switch self {
        case .stored(let id), .duplicate(of: let id): id
        }
    }
}

/// Whether a failure may go away by itself (a recogniser down, a crash) or is the input's (a corrupt file).
public enum FailureKind: String, Sendable {
    case transient
    case permanent
}

/// Why a job failed: a type (the analysis error's code: `decode`, `crashed`, `timeout`, …; `abandoned` for a lease
/// that expired), the sentence people read, and whether trying again may help.
public struct JobFailure: Sendable, Equatable {
    public var code: String
    public var reason: String
    public var kind: FailureKind

    public init(code: String, reason: String, kind: FailureKind) {
        self.code = code
        self.reason = reason
        self.kind = kind
    }

    /// The type recorded when a worker stopped renewing its lease.
    public static let abandonedCode = "abandoned"
}

/// What `erase(candidate:)` removed from the store, and the files it points at (the caller deletes those).
public struct Erasure: Sendable, Equatable, Codable {
    public var reports: Int
    public var revisions: Int
    public var jobs: Int
    /// Inbox paths of the erased jobs: the recordings and their sidecars are to be deleted by the caller.
    public var paths: [String]
    /// Sign-in accounts of the candidate (role candidate), with their sessions and tokens.
    public var accounts: Int
    /// HR ratings of the erased reports.
    public var ratings: Int
    /// Webhook notifications about the erased reports (their payloads name the candidate).
    public var webhooks: Int

    public init(reports: Int = 0, revisions: Int = 0, jobs: Int = 0, paths: [String] = [], accounts: Int = 0,
                ratings: Int = 0, webhooks: Int = 0) {
        self.webhooks = webhooks
        self.reports = reports
        self.revisions = revisions
        self.jobs = jobs
        self.paths = paths
        self.accounts = accounts
        self.ratings = ratings
    }
}

/// A stored report's listing entry.
public struct ReportSummary: Sendable, Equatable, Codable {
    public var id: ReportID
    public var jobID: JobID?
    public var file: String
    public var candidate: String?
    public var modelID: String
    public var modelVersion: Int
    public var overall: Overall
    public var warnings: Int
    public var createdAt: Date
    public var sha256: String?

    public init(id: ReportID, jobID: JobID?, file: String, candidate: String?, modelID: String, modelVersion: Int,
                overall: Overall, warnings: Int, createdAt: Date) {
        self.id = id
        self.jobID = jobID
        self.file = file
        self.candidate = candidate
        self.modelID = modelID
        self.modelVersion = modelVersion
        self.overall = overall
        self.warnings = warnings
        self.createdAt = createdAt
    }

    public init(id: ReportID, jobID: JobID?, report: Report, createdAt: Date) {
        self.init(id: id, jobID: jobID, file: report.recording.file, candidate: report.candidate,
                  modelID: report.model.id, modelVersion: report.model.version, overall: report.overall,
                  warnings: report.problemCount, createdAt: createdAt)
        self.sha256 = report.recording.sha256
    }

    /// The recording's content hash when known, else the file name: one candidate per recording.
    public var recordingKey: String { sha256 ?? file }
}

/// Why a store operation failed.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public typealias Code = StableCode<StoreError>

    public var code: Code
    public var reason: String
    public var underlying: String?

    public init(code: Code, reason: String, underlying: String? = nil) {
        self.code = code
        self.reason = reason
        self.underlying = underlying
    }

    public var description: String { underlying.map { "\(reason) (\($0))" } ?? reason }
}

extension StableCode where Domain == StoreError {
    public static let open = Self("open"), notFound = Self("not-found"), conflict = Self("conflict"),
        database = Self("database")
    /// A write under a lease that is no longer the job's (it expired and was rescued, or was released).
    public static let fenced = Self("fenced")
    /// What was sent is not acceptable (the reason names the field).
    public static let invalidInput = Self("invalid-input")
}

/// The job queue and the reports: what the service, the workers and the web app share. Every driver passes the same
/// test suite (`Tests/StoreTests`).
public protocol DebriefStore: AccountStore, RatingStore, WebhookStore {
    /// Queues a job unless its bundle key is already known. Returns the new job, or nil for a duplicate.
    func enqueue(_ job: NewJob, now: Date) async throws -> Job?
    /// Atomically claims the oldest queued job that is due, under a new lease (no two workers ever get the same job).
    func claimNext(worker: String, leaseSeconds: Double, now: Date) async throws -> Job?
    /// Extends a lease. Throws `.fenced` when the job is no longer held under it.
    func heartbeat(_ lease: Lease, leaseSeconds: Double, now: Date) async throws -> Lease
    /// Stores the report and marks the job done, in one transaction; a recording already reported under the same
    /// model version and pipeline version is not stored twice. Throws `.fenced` when the lease was lost.
    /// `webhook`'s deliveries (`report.created`) are queued in the same transaction when the report is stored.
    func complete(_ lease: Lease, report: Report, webhook: WebhookNote<ReportID>?, now: Date) async throws -> Completion
    /// Records a failure: a transient one re-queues the job after a backoff until `policy.maxAttempts`, anything
    /// else quarantines it (`failed`) with the reason. Returns the job as it now is. Throws `.fenced` when the lease
    /// was lost.
    func fail(_ lease: Lease, _ failure: JobFailure, policy: QueuePolicy, now: Date) async throws -> Job
    /// Gives a claimed job back untouched (graceful shutdown): queued again, the claim not counted.
    func release(_ lease: Lease, now: Date) async throws
    /// Re-queues (or, out of attempts, quarantines) running jobs whose lease expired before `now`. Returns them.
    func rescueExpired(policy: QueuePolicy, now: Date) async throws -> [Job]
    /// Ends the leases held by `worker` at once (its process is known to be dead), for the next rescue.
    func expireLeases(worker: String, now: Date) async throws -> Int
    /// Puts a quarantined job back in the queue with its attempts reset.
    func retry(job id: JobID, now: Date) async throws -> Job
    /// Jobs per inbox folder's model (nil: no model folder) and status, counted by the store.
    func queueCountsByFolder() async throws -> [String?: [JobStatus: Int]]
    /// The newest jobs, optionally of one status.
    func jobs(status: JobStatus?, limit: Int) async throws -> [Job]
    func job(_ id: JobID) async throws -> Job?
    func reportSummaries(limit: Int) async throws -> [ReportSummary]
    /// The stored report JSON, byte for byte as written.
    func reportJSON(_ id: ReportID) async throws -> Data?
    /// Every stored report of a job model (any model version), oldest first.
    func reportSummaries(modelID: String) async throws -> [ReportSummary]
    /// One report's listing entry (with the job that made it, so the recording can be found).
    func reportSummary(_ id: ReportID) async throws -> ReportSummary?
    /// Replaces a report by a new revision (a re-score), keeping the previous JSON in the report's history.
    func revise(report id: ReportID, with report: Report, now: Date) async throws
    /// Previous revisions of a report, oldest first.
    func reportHistory(_ id: ReportID) async throws -> [Data]
    /// The inbox paths of the jobs whose reports name the candidate (what an erasure will remove, before it does).
    func jobPaths(candidate: String) async throws -> [String]
    /// Deletes every report (with its revisions, ratings and notifications) of the candidate, the jobs that produced
    /// them, and every job of `jobPaths` whatever its status (failed and quarantined jobs have no report to name the
    /// candidate: the caller finds them by the metadata that does), and makes the deletion durable (SQLite:
    /// secure_delete and a WAL checkpoint). Erasing again finds nothing and changes nothing. The caller deletes the
    /// files `paths` names.
    func erase(candidate: String, jobPaths: [String], now: Date) async throws -> Erasure
}

extension DebriefStore {
    public func jobs(limit: Int) async throws -> [Job] { try await jobs(status: nil, limit: limit) }

    public func erase(candidate: String, now: Date) async throws -> Erasure {
        try await erase(candidate: candidate, jobPaths: [], now: now)
    }

    /// Jobs per status.
    public func queueCounts() async throws -> [JobStatus: Int] {
        try await queueCountsByFolder().values.reduce(into: [:]) { total, counts in
            total.merge(counts, uniquingKeysWith: +)
        }
    }

    public func complete(_ lease: Lease, report: Report, now: Date) async throws -> Completion {
        try await complete(lease, report: report, webhook: nil, now: now)
    }

    public func report(_ id: ReportID) async throws -> Report? {
        guard let data = try await reportJSON(id) else { return nil }
        return try ReportCoding.decode(data)
    }

    /// Overall scores of the candidates stored for a job model (one per recording: its latest report), the
    /// population percentiles are taken against. Reports without a score (insufficient evidence) are left out.
    /// The newest report of each recording scored against `modelID` (a re-analysis replaces the earlier one),
    /// oldest first: the candidates of one job.
    public func latestReports(modelID: String) async throws -> [ReportSummary] {
        var latest: [String: ReportSummary] = [:]
        for summary in try await reportSummaries(modelID: modelID) { latest[summary.recordingKey] = summary }
        return latest.values.sorted { $0.id < $1.id }
    }

    public func population(modelID: String, excludingRecording key: String? = nil) async throws -> [Double] {
        var latest: [String: ReportSummary] = [:]
        for summary in try await reportSummaries(modelID: modelID) { latest[summary.recordingKey] = summary }
        return latest.values.filter { $0.recordingKey != key }.compactMap(\.overall.score)
    }
}

