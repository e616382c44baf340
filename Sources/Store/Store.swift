import DebriefModel
import Foundation

public typealias JobID = Int64
public typealias ReportID = Int64

public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued
    case running
    case done
    case failed
}

/// A recording found in the inbox, ready to be queued.
public struct NewJob: Sendable, Equatable {
    public var path: String
    /// The inbox sub-folder, a model hint (`inbox/sales-manager/alice.mp4`).
    public var folderModel: String?
    /// Identity of this version of the file (path, size, modification time): the same key is never queued twice.
    public var bundleKey: String

    public init(path: String, folderModel: String?, bundleKey: String) {
        self.path = path
        self.folderModel = folderModel
        self.bundleKey = bundleKey
    }
}

public struct Job: Sendable, Equatable, Codable {
    public var id: JobID
    public var path: String
    public var folderModel: String?
    public var bundleKey: String
    public var status: JobStatus
    public var attempts: Int
    public var error: String?
    public var worker: String?
    public var reportID: ReportID?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: JobID, path: String, folderModel: String?, bundleKey: String, status: JobStatus, attempts: Int,
                error: String?, worker: String?, reportID: ReportID?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.path = path
        self.folderModel = folderModel
        self.bundleKey = bundleKey
        self.status = status
        self.attempts = attempts
        self.error = error
        self.worker = worker
        self.reportID = reportID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
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
                  warnings: report.warnings.count, createdAt: createdAt)
        self.sha256 = report.recording.sha256
    }

    /// The recording's content hash when known, else the file name: one candidate per recording.
    public var recordingKey: String { sha256 ?? file }
}

/// Why a store operation failed.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let open = Code(rawValue: "open")
        public static let notFound = Code(rawValue: "not-found")
        public static let conflict = Code(rawValue: "conflict")
        public static let database = Code(rawValue: "database")
    }

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

/// The job queue and the reports: what the service, the workers and the web app share.
public protocol DebriefStore: Sendable {
    /// Queues a job unless its bundle key is already known. Returns the new job, or nil for a duplicate.
    func enqueue(_ job: NewJob, now: Date) async throws -> Job?
    /// Atomically takes the oldest queued job for `worker` (no two workers ever get the same job).
    func claimNext(worker: String, now: Date) async throws -> Job?
    /// Stores the report and marks the job done, in one transaction.
    func complete(job: JobID, report: Report, now: Date) async throws -> ReportID
    /// Marks the job failed with a reason people can read.
    func fail(job: JobID, reason: String, now: Date) async throws
    /// Puts jobs left `running` by a process that died back in the queue (single-process recovery at start-up).
    func requeueAbandoned(now: Date) async throws -> Int
    func jobs(limit: Int) async throws -> [Job]
    func job(_ id: JobID) async throws -> Job?
    func reportSummaries(limit: Int) async throws -> [ReportSummary]
    /// The stored report JSON, byte for byte as written.
    func reportJSON(_ id: ReportID) async throws -> Data?
    /// Every stored report of a job model (any model version), oldest first.
    func reportSummaries(modelID: String) async throws -> [ReportSummary]
    /// Replaces a report by a new revision (a re-score), keeping the previous JSON in the report's history.
    func revise(report id: ReportID, with report: Report, now: Date) async throws
    /// Previous revisions of a report, oldest first.
    func reportHistory(_ id: ReportID) async throws -> [Data]
}

extension DebriefStore {
    public func report(_ id: ReportID) async throws -> Report? {
        guard let data = try await reportJSON(id) else { return nil }
        return try ReportCoding.decode(data)
    }

    /// Overall scores of the candidates stored for a job model (one per recording: its latest report), the
    /// population percentiles are taken against. Reports without a score (insufficient evidence) are left out.
    public func population(modelID: String, excludingRecording key: String? = nil) async throws -> [Double] {
        var latest: [String: ReportSummary] = [:]
        for summary in try await reportSummaries(modelID: modelID) { latest[summary.recordingKey] = summary }
        return latest.values.filter { $0.recordingKey != key }.compactMap(\.overall.score)
    }
}

/// An in-memory store for tests and one-shot runs.
public actor MemoryStore: DebriefStore {
    private var jobsByID: [JobID: Job] = [:]
    private var reports: [ReportID: (summary: ReportSummary, json: Data)] = [:]
    private var history: [ReportID: [Data]] = [:]
    private var nextJob: JobID = 1
    private var nextReport: ReportID = 1

    public init() {}

    public func enqueue(_ job: NewJob, now: Date) throws -> Job? {
        guard !jobsByID.values.contains(where: { $0.bundleKey == job.bundleKey }) else { return nil }
        let new = Job(id: nextJob, path: job.path, folderModel: job.folderModel, bundleKey: job.bundleKey,
                      status: .queued, attempts: 0, error: nil, worker: nil, reportID: nil, createdAt: now, updatedAt: now)
        jobsByID[nextJob] = new
        nextJob += 1
        return new
    }

    public func claimNext(worker: String, now: Date) throws -> Job? {
        guard let id = jobsByID.values.filter({ $0.status == .queued }).map(\.id).min() else { return nil }
        jobsByID[id]!.status = .running
        jobsByID[id]!.worker = worker
        jobsByID[id]!.attempts += 1
        jobsByID[id]!.updatedAt = now
        return jobsByID[id]
    }

    public func complete(job: JobID, report: Report, now: Date) throws -> ReportID {
        guard jobsByID[job] != nil else { throw StoreError(code: .notFound, reason: "job \(job) not found") }
        let id = nextReport
        nextReport += 1
        reports[id] = (ReportSummary(id: id, jobID: job, report: report, createdAt: now), try ReportCoding.encode(report))
        jobsByID[job]!.status = .done
        jobsByID[job]!.reportID = id
        jobsByID[job]!.error = nil
        jobsByID[job]!.updatedAt = now
        return id
    }

    public func fail(job: JobID, reason: String, now: Date) throws {
        guard jobsByID[job] != nil else { throw StoreError(code: .notFound, reason: "job \(job) not found") }
        jobsByID[job]!.status = .failed
        jobsByID[job]!.error = reason
        jobsByID[job]!.updatedAt = now
    }

    public func requeueAbandoned(now: Date) -> Int {
        let running = jobsByID.values.filter { $0.status == .running }.map(\.id)
        for id in running {
            jobsByID[id]!.status = .queued
            jobsByID[id]!.worker = nil
            jobsByID[id]!.updatedAt = now
        }
        return running.count
    }

    public func jobs(limit: Int) -> [Job] {
        Array(jobsByID.values.sorted { $0.id > $1.id }.prefix(limit))
    }

    public func job(_ id: JobID) -> Job? { jobsByID[id] }

    public func reportSummaries(limit: Int) -> [ReportSummary] {
        Array(reports.values.map(\.summary).sorted { $0.id > $1.id }.prefix(limit))
    }

    public func reportJSON(_ id: ReportID) -> Data? { reports[id]?.json }

    public func reportSummaries(modelID: String) -> [ReportSummary] {
        reports.values.map(\.summary).filter { $0.modelID == modelID }.sorted { $0.id < $1.id }
    }

    public func revise(report id: ReportID, with report: Report, now: Date) throws {
        guard let old = reports[id] else { throw StoreError(code: .notFound, reason: "report \(id) not found") }
        history[id, default: []].append(old.json)
        reports[id] = (ReportSummary(id: id, jobID: old.summary.jobID, report: report, createdAt: old.summary.createdAt),
                       try ReportCoding.encode(report))
    }

    public func reportHistory(_ id: ReportID) -> [Data] { history[id] ?? [] }
}
