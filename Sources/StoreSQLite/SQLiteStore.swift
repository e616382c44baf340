import DebriefModel
import Foundation
import GRDB
import Store
#if canImport(Glibc)
import Glibc
#endif

/// The embedded default store: one SQLite file in WAL mode through GRDB's `DatabasePool` (many readers, one
/// writer). Writes run in `BEGIN IMMEDIATE` transactions with a busy timeout; the schema changes only through
/// `DatabaseMigrator` migrations. A database on a network filesystem is refused: SQLite's locking is not safe there.
public final class SQLiteStore: DebriefStore {
    private let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and migrates it.
    /// - Throws: `StoreError` naming the path when the directory cannot be created, the filesystem is a network
    ///   share, or SQLite refuses the file.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(code: .open, reason: "\(directory): cannot create the data directory",
                                 underlying: "\(error)")
            }
        }
        if let kind = NetworkFilesystem.kind(of: directory.isEmpty ? "." : directory) {
            throw StoreError(code: .open, reason: "\(path): refusing to open SQLite on a network filesystem (\(kind)); "
                + "use a local disk, or PostgreSQL when several machines share the work")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(code: .open, reason: "\(path): cannot open the database", underlying: "\(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs and reports") { db in
            try db.create(table: "job") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("path", .text).notNull()
                t.column("folderModel", .text)
                t.column("bundleKey", .text).notNull().unique()
                t.column("status", .text).notNull().indexed()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("error", .text)
                t.column("worker", .text)
                t.column("reportID", .integer)
                t.column("createdAt", .double).notNull()
                t.column("updatedAt", .double).notNull()
            }
            try db.create(table: "report") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobID", .integer).references("job", onDelete: .setNull)
                t.column("file", .text).notNull()
                t.column("sha256", .text).notNull().indexed()
                t.column("candidate", .text)
                t.column("modelID", .text).notNull().indexed()
                t.column("modelVersion", .integer).notNull()
                t.column("pipelineVersion", .text).notNull()
                t.column("overallScore", .double)
                t.column("overall", .text).notNull()
                t.column("warnings", .integer).notNull()
                t.column("json", .blob).notNull()
                t.column("createdAt", .double).notNull()
            }
        }
        migrator.registerMigration("v2: report revisions") { db in
            try db.create(table: "reportRevision") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("reportID", .integer).notNull().indexed().references("report", onDelete: .cascade)
                t.column("json", .blob).notNull()
                t.column("replacedAt", .double).notNull()
            }
        }
        return migrator
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(code: .database, reason: "\(path): write failed", underlying: "\(error)")
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError(code: .database, reason: "\(path): read failed", underlying: "\(error)")
        }
    }

    public func enqueue(_ job: NewJob, now: Date) async throws -> Job? {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO job (path, folderModel, bundleKey, status, attempts, createdAt, updatedAt)
                VALUES (?, ?, ?, 'queued', 0, ?, ?) ON CONFLICT(bundleKey) DO NOTHING
                """, arguments: [job.path, job.folderModel, job.bundleKey, now.timeIntervalSince1970,
                                 now.timeIntervalSince1970])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [db.lastInsertedRowID])
                .map(Self.job)
        }
    }

    public func claimNext(worker: String, now: Date) async throws -> Job? {
        try await write { db in
            try Row.fetchOne(db, sql: """
                UPDATE job SET status = 'running', worker = ?, attempts = attempts + 1, updatedAt = ?
                WHERE id = (SELECT id FROM job WHERE status = 'queued' ORDER BY id LIMIT 1)
                RETURNING *
                """, arguments: [worker, now.timeIntervalSince1970]).map(Self.job)
        }
    }

    public func complete(job: JobID, report: Report, now: Date) async throws -> ReportID {
        let json = try ReportCoding.encode(report)
        let overall = String(decoding: try JSONEncoder().encode(report.overall), as: UTF8.self)
        return try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM job WHERE id = ?", arguments: [job]) != nil else {
                throw StoreError(code: .notFound, reason: "job \(job) not found")
            }
            try db.execute(sql: """
                INSERT INTO report (jobID, file, sha256, candidate, modelID, modelVersion, pipelineVersion,
                                    overallScore, overall, warnings, json, createdAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [job, report.recording.file, report.recording.sha256, report.candidate,
                                 report.model.id, report.model.version, report.pipelineVersion,
                                 report.overall.score, overall, report.warnings.count, json,
                                 now.timeIntervalSince1970])
            let reportID = db.lastInsertedRowID
            try db.execute(sql: """
                UPDATE job SET status = 'done', reportID = ?, error = NULL, updatedAt = ? WHERE id = ?
                """, arguments: [reportID, now.timeIntervalSince1970, job])
            return reportID
        }
    }

    public func fail(job: JobID, reason: String, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE job SET status = 'failed', error = ?, updatedAt = ? WHERE id = ?",
                           arguments: [reason, now.timeIntervalSince1970, job])
            if db.changesCount == 0 { throw StoreError(code: .notFound, reason: "job \(job) not found") }
        }
    }

    public func requeueAbandoned(now: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "UPDATE job SET status = 'queued', worker = NULL, updatedAt = ? WHERE status = 'running'",
                           arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func jobs(limit: Int) async throws -> [Job] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.job)
        }
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]).map(Self.job)
        }
    }

    public func reportSummaries(limit: Int) async throws -> [ReportSummary] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, jobID, file, sha256, candidate, modelID, modelVersion, overall, warnings, createdAt
                FROM report ORDER BY id DESC LIMIT ?
                """, arguments: [limit]).map(Self.summary)
        }
    }

    private static func summary(_ row: Row) throws -> ReportSummary {
        let overallText: String = row["overall"]
        let overall = try JSONDecoder().decode(Overall.self, from: Data(overallText.utf8))
        var summary = ReportSummary(id: row["id"], jobID: row["jobID"], file: row["file"], candidate: row["candidate"],
                                    modelID: row["modelID"], modelVersion: row["modelVersion"], overall: overall,
                                    warnings: row["warnings"], createdAt: Date(timeIntervalSince1970: row["createdAt"]))
        summary.sha256 = row["sha256"]
        return summary
    }

    public func reportSummaries(modelID: String) async throws -> [ReportSummary] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, jobID, file, sha256, candidate, modelID, modelVersion, overall, warnings, createdAt
                FROM report WHERE modelID = ? ORDER BY id
                """, arguments: [modelID]).map(Self.summary)
        }
    }

    public func revise(report id: ReportID, with report: Report, now: Date) async throws {
        let json = try ReportCoding.encode(report)
        let overall = String(decoding: try JSONEncoder().encode(report.overall), as: UTF8.self)
        try await write { db in
            try db.execute(sql: """
                INSERT INTO reportRevision (reportID, json, replacedAt)
                SELECT id, json, ? FROM report WHERE id = ?
                """, arguments: [now.timeIntervalSince1970, id])
            guard db.changesCount == 1 else { throw StoreError(code: .notFound, reason: "report \(id) not found") }
            try db.execute(sql: """
                UPDATE report SET modelVersion = ?, pipelineVersion = ?, overallScore = ?, overall = ?, warnings = ?,
                                  json = ? WHERE id = ?
                """, arguments: [report.model.version, report.pipelineVersion, report.overall.score, overall,
                                 report.warnings.count, json, id])
        }
    }

    public func reportHistory(_ id: ReportID) async throws -> [Data] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT json FROM reportRevision WHERE reportID = ? ORDER BY id", arguments: [id])
        }
    }

    public func reportJSON(_ id: ReportID) async throws -> Data? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT json FROM report WHERE id = ?", arguments: [id])
        }
    }

    private static func job(_ row: Row) -> Job {
        Job(id: row["id"], path: row["path"], folderModel: row["folderModel"], bundleKey: row["bundleKey"],
            status: JobStatus(rawValue: row["status"]) ?? .failed, attempts: row["attempts"], error: row["error"],
            worker: row["worker"], reportID: row["reportID"],
            createdAt: Date(timeIntervalSince1970: row["createdAt"]),
            updatedAt: Date(timeIntervalSince1970: row["updatedAt"]))
    }
}

/// Detects network filesystems, where SQLite's file locks cannot be trusted, from the kernel's mount table.
enum NetworkFilesystem {
    static let types: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs",
                                     "lustre", "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "davfs", "fuse.rclone"]

    /// The filesystem type of the mount holding `directory` when it is a network one, else nil.
    static func kind(of directory: String) -> String? {
        guard let table = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return nil }
        let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        return kind(of: resolved, mountTable: table)
    }

    /// The type of the longest mount point that contains `path`, when it is a network filesystem.
    static func kind(of path: String, mountTable: String) -> String? {
        var best: (point: String, type: String)?
        for line in mountTable.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = String(fields[1]).replacingOccurrences(of: "\\040", with: " ")
            let contains = point == "/" || path == point || path.hasPrefix(point + "/")
            if contains, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        guard let best, types.contains(best.type) else { return nil }
        return best.type
    }
}
