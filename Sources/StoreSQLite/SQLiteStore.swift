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
        migrator.registerMigration("v3: leases, backoff, duplicates") { db in
            try db.alter(table: "job") { t in
                t.add(column: "duplicateOf", .integer)
                t.add(column: "leaseToken", .integer).notNull().defaults(to: 0)
                t.add(column: "leaseExpiresAt", .double)
                t.add(column: "notBefore", .double)
            }
            try db.create(index: "job_due", on: "job", columns: ["status", "notBefore", "id"])
            try db.create(index: "report_content", on: "report",
                          columns: ["sha256", "modelID", "modelVersion", "pipelineVersion"])
            try db.create(index: "report_candidate", on: "report", columns: ["candidate"])
        }
        migrator.registerMigration("v4: failure types") { db in
            try db.alter(table: "job") { t in t.add(column: "errorCode", .text) }
        }
        migrator.registerMigration("v5: reports identified by all their inputs") { db in
            try db.alter(table: "report") { t in t.add(column: "inputsSHA256", .text) }
            try db.execute(sql: "UPDATE report SET inputsSHA256 = sha256")
            try db.drop(index: "report_content")
            try db.create(index: "report_inputs", on: "report",
                          columns: ["inputsSHA256", "modelID", "modelVersion", "pipelineVersion"])
        }
        migrator.registerMigration("v6: accounts and credentials") { db in
            try db.create(table: "account") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("passwordHash", .text)
                t.column("jobs", .text).notNull()
                t.column("candidate", .text)
                t.column("createdAt", .double).notNull()
            }
            try db.create(table: "credential") { t in
                t.primaryKey("digest", .text)
                t.column("kind", .text).notNull()
                t.column("userID", .integer).notNull().indexed().references("account", onDelete: .cascade)
                t.column("csrf", .text)
                t.column("createdAt", .double).notNull()
                t.column("expiresAt", .double)
            }
        }
        migrator.registerMigration("v7: HR ratings") { db in
            try db.create(table: "rating") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("reportID", .integer).notNull().indexed().references("report", onDelete: .cascade)
                t.column("rater", .text).notNull()
                t.column("overall", .double)
                t.column("competencies", .text).notNull()
                t.column("comment", .text).notNull()
                t.column("createdAt", .double).notNull()
            }
        }
        migrator.registerMigration("v8: webhook outbox") { db in
            try db.create(table: "webhookDelivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("url", .text).notNull()
                t.column("event", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("reportID", .integer).indexed()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("status", .text).notNull()
                t.column("nextAttemptAt", .double).notNull()
                t.column("lastError", .text)
                t.column("createdAt", .double).notNull()
                t.column("deliveredAt", .double)
            }
            try db.create(index: "webhook_due", on: "webhookDelivery", columns: ["status", "nextAttemptAt", "id"])
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

    public func claimNext(worker: String, leaseSeconds: Double, now: Date) async throws -> Job? {
        let time = now.timeIntervalSince1970
        return try await write { db in
            try Row.fetchOne(db, sql: """
                UPDATE job SET status = 'running', worker = ?, attempts = attempts + 1, leaseToken = leaseToken + 1,
                               leaseExpiresAt = ?, notBefore = NULL, updatedAt = ?
                WHERE id = (SELECT id FROM job WHERE status = 'queued' AND (notBefore IS NULL OR notBefore <= ?)
                            ORDER BY id LIMIT 1)
                RETURNING *
                """, arguments: [worker, time + leaseSeconds, time, time]).map(Self.job)
        }
    }

    /// Fails with `.fenced` unless the job is running under `lease` (inside a write transaction).
    private static func requireHeld(_ db: Database, _ lease: Lease) throws -> Job {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [lease.job]) else {
            throw StoreError(code: .notFound, reason: "job \(lease.job) not found")
        }
        let job = Self.job(row)
        guard job.status == .running, job.leaseToken == lease.token else { throw QueueMessages.fenced(lease) }
        return job
    }

    public func heartbeat(_ lease: Lease, leaseSeconds: Double, now: Date) async throws -> Lease {
        let expiry = now.addingTimeInterval(leaseSeconds)
        try await write { db in
            _ = try Self.requireHeld(db, lease)
            try db.execute(sql: "UPDATE job SET leaseExpiresAt = ?, updatedAt = ? WHERE id = ?",
                           arguments: [expiry.timeIntervalSince1970, now.timeIntervalSince1970, lease.job])
        }
        return Lease(job: lease.job, token: lease.token, expiresAt: expiry)
    }

    public func complete(_ lease: Lease, report: Report, webhook: WebhookNote<ReportID>?,
                         now: Date) async throws -> Completion {
        let json = try ReportCoding.encode(report)
        let overall = String(decoding: try JSONEncoder().encode(report.overall), as: UTF8.self)
        return try await write { db in
            _ = try Self.requireHeld(db, lease)
            let completion: Completion
            if let existing = try ReportID.fetchOne(db, sql: """
                SELECT id FROM report
                WHERE inputsSHA256 = ? AND modelID = ? AND modelVersion = ? AND pipelineVersion = ?
                ORDER BY id LIMIT 1
                """, arguments: [report.inputsKey, report.model.id, report.model.version,
                                 report.pipelineVersion]) {
                completion = .duplicate(of: existing)
            } else {
                try db.execute(sql: """
                    INSERT INTO report (jobID, file, sha256, inputsSHA256, candidate, modelID, modelVersion,
                                        pipelineVersion, overallScore, overall, warnings, json, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [lease.job, report.recording.file, report.recording.sha256, report.inputsKey,
                                     report.candidate,
                                     report.model.id, report.model.version, report.pipelineVersion,
                                     report.overall.score, overall, report.warnings.count, json,
                                     now.timeIntervalSince1970])
                let id = db.lastInsertedRowID
                completion = .stored(id)
                if let webhook {
                    try Self.queueDeliveries(db, event: webhook.event, payload: webhook.payload(id, now), reportID: id,
                                             urls: webhook.urls, now: now)
                }
            }
            let duplicateOf: ReportID? = if case .duplicate(let of) = completion { of } else { nil }
            try db.execute(sql: """
                UPDATE job SET status = 'done', reportID = ?, duplicateOf = ?, error = NULL, errorCode = NULL,
                               leaseExpiresAt = NULL,
                               updatedAt = ?
                WHERE id = ?
                """, arguments: [completion.reportID, duplicateOf, now.timeIntervalSince1970, lease.job])
            return completion
        }
    }

    public func fail(_ lease: Lease, _ failure: JobFailure, policy: QueuePolicy, now: Date) async throws -> Job {
        try await write { db in
            let job = try Self.requireHeld(db, lease)
            let retryAt = failure.kind == .transient ? policy.retryAt(afterAttempt: job.attempts, now: now) : nil
            return try Self.settle(db, job: job.id, retryAt: retryAt, reason: failure.reason, code: failure.code,
                                   now: now)
        }
    }

    /// Queues the job again at `retryAt`, or quarantines it when that is nil (inside a write transaction).
    private static func settle(_ db: Database, job: JobID, retryAt: Date?, reason: String, code: String,
                               now: Date) throws -> Job {
        try Row.fetchOne(db, sql: """
            UPDATE job SET status = ?, notBefore = ?, error = ?, errorCode = ?, leaseExpiresAt = NULL, updatedAt = ?
            WHERE id = ? RETURNING *
            """, arguments: [retryAt == nil ? "failed" : "queued", retryAt?.timeIntervalSince1970, reason, code,
                             now.timeIntervalSince1970, job]).map(Self.job)!
    }

    public func release(_ lease: Lease, now: Date) async throws {
        try await write { db in
            _ = try Self.requireHeld(db, lease)
            try db.execute(sql: """
                UPDATE job SET status = 'queued', attempts = attempts - 1, leaseExpiresAt = NULL, updatedAt = ?
                WHERE id = ?
                """, arguments: [now.timeIntervalSince1970, lease.job])
        }
    }

    public func rescueExpired(policy: QueuePolicy, now: Date) async throws -> [Job] {
        try await write { db in
            let expired = try Row.fetchAll(db, sql: """
                SELECT * FROM job WHERE status = 'running' AND leaseExpiresAt < ? ORDER BY id
                """, arguments: [now.timeIntervalSince1970]).map(Self.job)
            return try expired.map { job in
                let retryAt = policy.retryAt(afterAttempt: job.attempts, now: now)
                let reason = QueueMessages.abandoned(worker: job.worker, attempts: job.attempts,
                                                     quarantined: retryAt == nil)
                return try Self.settle(db, job: job.id, retryAt: retryAt, reason: reason,
                                       code: JobFailure.abandonedCode, now: now)
            }
        }
    }

    public func expireLeases(worker: String, now: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET leaseExpiresAt = ?, updatedAt = ? WHERE status = 'running' AND worker = ?
                """, arguments: [now.timeIntervalSince1970 - 1, now.timeIntervalSince1970, worker])
            return db.changesCount
        }
    }

    public func retry(job id: JobID, now: Date) async throws -> Job {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]) else {
                throw StoreError(code: .notFound, reason: "job \(id) not found")
            }
            let job = Self.job(row)
            guard job.status == .failed else {
                throw StoreError(code: .conflict,
                                 reason: "job \(id) is \(job.status.rawValue), not failed: nothing to retry")
            }
            return try Row.fetchOne(db, sql: """
                UPDATE job SET status = 'queued', attempts = 0, notBefore = NULL, updatedAt = ? WHERE id = ? RETURNING *
                """, arguments: [now.timeIntervalSince1970, id]).map(Self.job)!
        }
    }

    public func queueCountsByFolder() async throws -> [String?: [JobStatus: Int]] {
        try await read { db in
            var counts: [String?: [JobStatus: Int]] = [:]
            for row in try Row.fetchAll(try db.cachedStatement(sql: """
                SELECT folderModel, status, COUNT(*) AS n FROM job GROUP BY folderModel, status
                """)) {
                if let status = JobStatus(rawValue: row["status"]) {
                    counts[row["folderModel"] as String?, default: [:]][status] = row["n"]
                }
            }
            return counts
        }
    }

    public func erase(candidate: String, now: Date) async throws -> Erasure {
        let erasure = try await write { db in
            try db.execute(sql: "DELETE FROM account WHERE role = 'candidate' AND candidate = ?", arguments: [candidate])
            let accounts = db.changesCount
            let reportIDs = try ReportID.fetchAll(db, sql: "SELECT id FROM report WHERE candidate = ?",
                                                  arguments: [candidate])
            guard !reportIDs.isEmpty else { return Erasure(accounts: accounts) }
            let list = reportIDs.map(String.init).joined(separator: ",")
            var erasure = Erasure(reports: reportIDs.count, accounts: accounts)
            erasure.revisions = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM reportRevision WHERE reportID IN (\(list))") ?? 0
            erasure.paths = try String.fetchAll(db, sql: "SELECT path FROM job WHERE reportID IN (\(list)) ORDER BY id")
            try db.execute(sql: "DELETE FROM rating WHERE reportID IN (\(list))")
            erasure.ratings = db.changesCount
            try db.execute(sql: "DELETE FROM webhookDelivery WHERE reportID IN (\(list))")
            erasure.webhooks = db.changesCount
            try db.execute(sql: "DELETE FROM reportRevision WHERE reportID IN (\(list))")
            try db.execute(sql: "DELETE FROM report WHERE id IN (\(list))")
            try db.execute(sql: "DELETE FROM job WHERE reportID IN (\(list))")
            erasure.jobs = db.changesCount
            return erasure
        }
        // secure_delete zeroed the freed pages; the checkpoint moves them into the main file and truncates the
        // WAL, so no copy of the erased rows stays in the log.
        do {
            try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            throw StoreError(code: .database, reason: "\(path): WAL checkpoint after erasure failed",
                             underlying: "\(error)")
        }
        return erasure
    }

    // MARK: - Ratings

    public func addRating(_ rating: NewRating, webhook: WebhookNote<Rating>?, now: Date) async throws -> Rating {
        let competencies = String(decoding: try JSONEncoder().encode(rating.competencies), as: UTF8.self)
        return try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM report WHERE id = ?)",
                                    arguments: [rating.reportID]) == true else {
                throw StoreError(code: .notFound, reason: "report \(rating.reportID) does not exist")
            }
            try db.execute(sql: """
                INSERT INTO rating (reportID, rater, overall, competencies, comment, createdAt) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [rating.reportID, rating.rater, rating.overall, competencies, rating.comment,
                                 now.timeIntervalSince1970])
            let stored = Rating(id: db.lastInsertedRowID, reportID: rating.reportID, rater: rating.rater,
                                overall: rating.overall, competencies: rating.competencies, comment: rating.comment,
                                createdAt: now)
            if let webhook {
                try Self.queueDeliveries(db, event: webhook.event, payload: webhook.payload(stored, now),
                                         reportID: stored.reportID, urls: webhook.urls, now: now)
            }
            return stored
        }
    }

    public func ratings(report: ReportID) async throws -> [Rating] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM rating WHERE reportID = ? ORDER BY createdAt, id"),
                             arguments: [report]).map(Self.rating)
        }
    }

    public func ratings(modelID: String) async throws -> [Rating] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT rating.* FROM rating JOIN report ON report.id = rating.reportID
                WHERE report.modelID = ? ORDER BY rating.createdAt, rating.id
                """, arguments: [modelID]).map(Self.rating)
        }
    }

    private static func rating(_ row: Row) throws -> Rating {
        let text: String = row["competencies"]
        return Rating(id: row["id"], reportID: row["reportID"], rater: row["rater"], overall: row["overall"],
                      competencies: try JSONDecoder().decode([String: Double].self, from: Data(text.utf8)),
                      comment: row["comment"], createdAt: Date(timeIntervalSince1970: row["createdAt"]))
    }

    // MARK: - Webhooks

    public func enqueueWebhook(event: String, payload: Data, reportID: ReportID?, urls: [String], now: Date) async throws {
        guard !urls.isEmpty else { return }
        try await write { db in
            try Self.queueDeliveries(db, event: event, payload: payload, reportID: reportID, urls: urls, now: now)
        }
    }

    /// One pending delivery per receiver (inside a write transaction).
    private static func queueDeliveries(_ db: Database, event: String, payload: Data, reportID: ReportID?,
                                        urls: [String], now: Date) throws {
        for url in urls {
            try db.execute(sql: """
                INSERT INTO webhookDelivery (url, event, payload, reportID, status, nextAttemptAt, createdAt)
                VALUES (?, ?, ?, ?, 'pending', ?, ?)
                """, arguments: [url, event, payload, reportID, now.timeIntervalSince1970, now.timeIntervalSince1970])
        }
    }

    public func claimWebhook(leaseSeconds: Double, now: Date) async throws -> WebhookDelivery? {
        try await write { db in
            try Row.fetchOne(db, sql: """
                UPDATE webhookDelivery SET attempts = attempts + 1, nextAttemptAt = ?
                WHERE id = (SELECT id FROM webhookDelivery WHERE status = 'pending' AND nextAttemptAt <= ?
                            ORDER BY nextAttemptAt, id LIMIT 1)
                RETURNING *
                """, arguments: [now.timeIntervalSince1970 + leaseSeconds, now.timeIntervalSince1970]).map(Self.delivery)
        }
    }

    public func finishWebhook(_ delivery: WebhookDelivery, _ outcome: WebhookOutcome, now: Date) async throws {
        let (status, next, error, delivered) = outcome.columns(now: now)
        try await write { db in
            try db.execute(sql: """
                UPDATE webhookDelivery SET status = ?, nextAttemptAt = COALESCE(?, nextAttemptAt),
                       lastError = COALESCE(?, lastError), deliveredAt = ?
                WHERE id = ? AND attempts = ? AND status = 'pending'
                """, arguments: [status, next, error, delivered, delivery.id, delivery.attempts])
        }
    }

    public func webhookDeliveries(limit: Int) async throws -> [WebhookDelivery] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhookDelivery ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.delivery)
        }
    }

    private static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row["id"], url: row["url"], event: row["event"], payload: row["payload"],
                        reportID: row["reportID"], attempts: row["attempts"],
                        status: WebhookDelivery.Status(rawValue: row["status"]) ?? .failed,
                        nextAttemptAt: Date(timeIntervalSince1970: row["nextAttemptAt"]), lastError: row["lastError"],
                        createdAt: Date(timeIntervalSince1970: row["createdAt"]),
                        deliveredAt: (row["deliveredAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: - Accounts

    public func saveUser(_ user: NewUser, now: Date) async throws -> User {
        let jobs = String(decoding: try JSONEncoder().encode(user.jobs), as: UTF8.self)
        return try await write { db in
            try db.execute(sql: """
                INSERT INTO account (name, role, passwordHash, jobs, candidate, createdAt) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET role = excluded.role, passwordHash = excluded.passwordHash,
                                                jobs = excluded.jobs, candidate = excluded.candidate
                """, arguments: [user.name, user.role.rawValue, user.passwordHash, jobs, user.candidate,
                                 now.timeIntervalSince1970])
            return try Self.user(db, where: "name = ?", user.name)!
        }
    }

    public func user(named name: String) async throws -> User? {
        try await read { db in try Self.user(db, where: "name = ?", name) }
    }

    public func users() async throws -> [User] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY id").map(Self.user) }
    }

    public func removeUser(named name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM account WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func addCredential(_ credential: Credential, now: Date) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO credential (digest, kind, userID, csrf, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [credential.digest, credential.kind.rawValue, credential.userID, credential.csrf,
                                 now.timeIntervalSince1970, credential.expiresAt?.timeIntervalSince1970])
        }
    }

    public func credential(digest: String, now: Date) async throws -> (Credential, User)? {
        try await read { db in
            guard let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM credential WHERE digest = ?"), arguments: [digest]),
                  let kind = Credential.Kind(rawValue: row["kind"]) else { return nil }
            let credential = Credential(digest: row["digest"], kind: kind, userID: row["userID"], csrf: row["csrf"],
                                        expiresAt: (row["expiresAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
            guard credential.isValid(at: now),
                  let user = try Self.user(db, where: "id = ?", credential.userID) else { return nil }
            return (credential, user)
        }
    }

    public func removeCredential(digest: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM credential WHERE digest = ?", arguments: [digest])
            // Expired sessions go with any sign-out, so the table does not grow with every login.
            try db.execute(sql: "DELETE FROM credential WHERE expiresAt IS NOT NULL AND expiresAt < ?",
                           arguments: [Date().timeIntervalSince1970])
        }
    }

    private static func user(_ db: Database, where condition: String, _ value: any DatabaseValueConvertible) throws
        -> User? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM account WHERE \(condition)"), arguments: [value]).map(user)
    }

    private static func user(_ row: Row) throws -> User {
        let jobs = try JSONDecoder().decode([String].self, from: Data((row["jobs"] as String).utf8))
        return User(id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .candidate,
                    passwordHash: row["passwordHash"], jobs: jobs, candidate: row["candidate"],
                    createdAt: Date(timeIntervalSince1970: row["createdAt"]))
    }

    public func jobs(status: JobStatus?, limit: Int) async throws -> [Job] {
        try await read { db in
            if let status {
                return try Row.fetchAll(db, sql: "SELECT * FROM job WHERE status = ? ORDER BY id DESC LIMIT ?",
                                        arguments: [status.rawValue, limit]).map(Self.job)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM job ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.job)
        }
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM job WHERE id = ?"), arguments: [id]).map(Self.job)
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

    public func reportSummary(_ id: ReportID) async throws -> ReportSummary? {
        try await read { db in
            try Row.fetchOne(try db.cachedStatement(sql: """
                SELECT id, jobID, file, sha256, candidate, modelID, modelVersion, overall, warnings, createdAt
                FROM report WHERE id = ?
                """), arguments: [id]).map(Self.summary)
        }
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
            try Data.fetchOne(try db.cachedStatement(sql: "SELECT json FROM report WHERE id = ?"), arguments: [id])
        }
    }

    private static func job(_ row: Row) -> Job {
        Job(id: row["id"], path: row["path"], folderModel: row["folderModel"], bundleKey: row["bundleKey"],
            status: JobStatus(rawValue: row["status"]) ?? .failed, attempts: row["attempts"], error: row["error"],
            errorCode: row["errorCode"],
            worker: row["worker"], reportID: row["reportID"], duplicateOf: row["duplicateOf"],
            leaseToken: row["leaseToken"], leaseExpiresAt: (row["leaseExpiresAt"] as Double?).map(Date.init(timeIntervalSince1970:)),
            notBefore: (row["notBefore"] as Double?).map(Date.init(timeIntervalSince1970:)),
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
