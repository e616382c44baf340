import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store

/// The store for many machines: one PostgreSQL database shared by every `debrief worker` and web app, through
/// PostgresNIO's connection pool. Jobs are claimed with `FOR UPDATE SKIP LOCKED` in a CTE feeding the update, every
/// write about a claimed job locks its row and checks the lease's fencing token, and a report row is inserted and
/// its job completed in one transaction. The schema is migrated at start-up under an advisory lock, so machines
/// starting together do not race.
public final class PostgresStore: DebriefStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    /// The URL without its password, for messages.
    public let location: String

    /// Connects to `url` (`postgres://user:password@host:port/database`, `?host=/run/postgresql` for a socket,
    /// `?sslmode=require` for TLS) and migrates the schema.
    /// - Throws: `StoreError` naming the server when the URL is malformed, the server cannot be reached (within 10 s)
    ///   or refuses the login.
    public init(url: String, logger: Logger? = nil) async throws {
        let target = try PostgresTarget(url)
        location = target.location
        var quiet = logger ?? Logger(label: "debrief.postgres")
        if logger == nil { quiet.logLevel = .critical }
        self.logger = quiet
        // One direct connection first: a wrong address or password is a clear error at once, where the pool would
        // keep retrying; the schema is migrated over it.
        do {
            let connection = try await PostgresConnection.connect(configuration: try target.connectionConfiguration(),
                                                                  id: 0, logger: quiet)
            do {
                try await Self.migrate(connection, logger: quiet)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw Self.storeError(error, "\(target.location): cannot open the database")
        }
        let client = PostgresClient(configuration: try target.clientConfiguration(), backgroundLogger: quiet)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Closes the connection pool.
    public func close() { runner.cancel() }

    // MARK: - Schema

    private static let migrations: [(version: Int, sql: [String])] = [
        (1, [
            """
            CREATE TABLE job (
                id BIGSERIAL PRIMARY KEY, path TEXT NOT NULL, folder_model TEXT, bundle_key TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, error TEXT, worker TEXT, report_id BIGINT,
                duplicate_of BIGINT, lease_token BIGINT NOT NULL DEFAULT 0, lease_expires_at DOUBLE PRECISION,
                not_before DOUBLE PRECISION, created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX job_due ON job (status, not_before, id)",
            """
            CREATE TABLE report (
                id BIGSERIAL PRIMARY KEY, job_id BIGINT REFERENCES job (id) ON DELETE SET NULL, file TEXT NOT NULL,
                sha256 TEXT NOT NULL, inputs_sha256 TEXT NOT NULL, candidate TEXT, model_id TEXT NOT NULL,
                model_version INTEGER NOT NULL, pipeline_version TEXT NOT NULL, overall_score DOUBLE PRECISION,
                overall TEXT NOT NULL, warnings INTEGER NOT NULL, json BYTEA NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                UNIQUE (inputs_sha256, model_id, model_version, pipeline_version))
            """,
            "CREATE INDEX report_model ON report (model_id)",
            "CREATE INDEX report_candidate ON report (candidate)",
            """
            CREATE TABLE report_revision (
                id BIGSERIAL PRIMARY KEY, report_id BIGINT NOT NULL REFERENCES report (id) ON DELETE CASCADE,
                json BYTEA NOT NULL, replaced_at DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX report_revision_report ON report_revision (report_id)",
        ]),
        (2, ["ALTER TABLE job ADD COLUMN error_code TEXT"]),
        (3, [
            """
            CREATE TABLE account (
                id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, password_hash TEXT,
                jobs TEXT NOT NULL, candidate TEXT, created_at DOUBLE PRECISION NOT NULL)
            """,
            """
            CREATE TABLE credential (
                digest TEXT PRIMARY KEY, kind TEXT NOT NULL,
                user_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE, csrf TEXT,
                created_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION)
            """,
            "CREATE INDEX credential_user ON credential (user_id)",
        ]),
        (4, [
            """
            CREATE TABLE rating (
                id BIGSERIAL PRIMARY KEY, report_id BIGINT NOT NULL REFERENCES report (id) ON DELETE CASCADE,
                rater TEXT NOT NULL, overall DOUBLE PRECISION, competencies TEXT NOT NULL, comment TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX rating_report ON rating (report_id)",
        ]),
        (5, [
            """
            CREATE TABLE webhook_delivery (
                id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL, event TEXT NOT NULL, payload BYTEA NOT NULL,
                report_id BIGINT, attempts INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
                next_attempt_at DOUBLE PRECISION NOT NULL, last_error TEXT, created_at DOUBLE PRECISION NOT NULL,
                delivered_at DOUBLE PRECISION)
            """,
            "CREATE INDEX webhook_due ON webhook_delivery (status, next_attempt_at, id)",
            "CREATE INDEX webhook_report ON webhook_delivery (report_id)",
        ]),
    ]

    private static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            // One migrating process at a time (the key is arbitrary but fixed: "debrief" in ASCII).
            try await connection.query("SELECT pg_advisory_xact_lock(\(Int64(0x6465_6272_6965_66)))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS debrief_migration (
                    version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM debrief_migration",
                                                                logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            for migration in Self.migrations where !applied.contains(migration.version) {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO debrief_migration (version) VALUES (\(migration.version))",
                                           logger: logger)
            }
        }
    }

    // MARK: - Plumbing

    private func transaction<T: Sendable>(_ what: String,
                                          _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw Self.storeError(error, "\(location): \(what) failed")
        }
    }

    private func rows(_ what: String, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await Self.collect(try await client.query(query, logger: logger))
        } catch {
            throw Self.storeError(error, "\(location): \(what) failed")
        }
    }

    private static func collect(_ sequence: PostgresRowSequence) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in sequence { rows.append(row.makeRandomAccess()) }
        return rows
    }

    private static func query(_ connection: PostgresConnection, _ query: PostgresQuery,
                              logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await collect(try await connection.query(query, logger: logger))
    }

    static func storeError(_ error: any Error, _ reason: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return storeError(inner, reason) }
        }
        if let error = error as? PSQLError {
            let detail = error.serverInfo?[.message].map { "server: \($0)" }
                ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
            return StoreError(code: .database, reason: reason, underlying: detail)
        }
        return StoreError(code: .database, reason: reason, underlying: "\(error)")
    }

    private static func job(_ row: PostgresRandomAccessRow) throws -> Job {
        func date(_ column: String) throws -> Date? {
            try row[column].decode(Double?.self).map(Date.init(timeIntervalSince1970:))
        }
        return Job(id: try row["id"].decode(Int64.self), path: try row["path"].decode(String.self),
                   folderModel: try row["folder_model"].decode(String?.self),
                   bundleKey: try row["bundle_key"].decode(String.self),
                   status: JobStatus(rawValue: try row["status"].decode(String.self)) ?? .failed,
                   attempts: try row["attempts"].decode(Int.self), error: try row["error"].decode(String?.self),
                   errorCode: try row["error_code"].decode(String?.self),
                   worker: try row["worker"].decode(String?.self), reportID: try row["report_id"].decode(Int64?.self),
                   duplicateOf: try row["duplicate_of"].decode(Int64?.self),
                   leaseToken: try row["lease_token"].decode(Int64.self),
                   leaseExpiresAt: try date("lease_expires_at"), notBefore: try date("not_before"),
                   createdAt: try date("created_at") ?? .distantPast, updatedAt: try date("updated_at") ?? .distantPast)
    }

    private static func summary(_ row: PostgresRandomAccessRow) throws -> ReportSummary {
        let overall = try JSONDecoder().decode(Overall.self, from: Data(try row["overall"].decode(String.self).utf8))
        var summary = ReportSummary(
            id: try row["id"].decode(Int64.self), jobID: try row["job_id"].decode(Int64?.self),
            file: try row["file"].decode(String.self), candidate: try row["candidate"].decode(String?.self),
            modelID: try row["model_id"].decode(String.self), modelVersion: try row["model_version"].decode(Int.self),
            overall: overall, warnings: try row["warnings"].decode(Int.self),
            createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)))
        summary.sha256 = try row["sha256"].decode(String.self)
        return summary
    }

    private static let summaryColumns = "id, job_id, file, sha256, candidate, model_id, model_version, overall, "
        + "warnings, created_at"

    /// Locks the job's row and fails with `.fenced` unless it is running under `lease`.
    private static func requireHeld(_ connection: PostgresConnection, _ lease: Lease, logger: Logger) async throws -> Job {
        let rows = try await query(connection, "SELECT * FROM job WHERE id = \(lease.job) FOR UPDATE", logger: logger)
        guard let row = rows.first else { throw StoreError(code: .notFound, reason: "job \(lease.job) not found") }
        let job = try job(row)
        guard job.status == .running, job.leaseToken == lease.token else { throw QueueMessages.fenced(lease) }
        return job
    }

    // MARK: - Queue

    public func enqueue(_ job: NewJob, now: Date) async throws -> Job? {
        let time = now.timeIntervalSince1970
        return try await rows("queueing \(job.path)", """
            INSERT INTO job (path, folder_model, bundle_key, status, attempts, created_at, updated_at)
            VALUES (\(job.path), \(job.folderModel), \(job.bundleKey), 'queued', 0, \(time), \(time))
            ON CONFLICT (bundle_key) DO NOTHING RETURNING *
            """).first.map(Self.job)
    }

    public func claimNext(worker: String, leaseSeconds: Double, now: Date) async throws -> Job? {
        let time = now.timeIntervalSince1970
        return try await rows("claiming a job", """
            WITH next AS (
                SELECT id FROM job WHERE status = 'queued' AND (not_before IS NULL OR not_before <= \(time))
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE job SET status = 'running', worker = \(worker), attempts = attempts + 1,
                           lease_token = lease_token + 1, lease_expires_at = \(time + leaseSeconds),
                           not_before = NULL, updated_at = \(time)
            FROM next WHERE job.id = next.id RETURNING job.*
            """).first.map(Self.job)
    }

    public func heartbeat(_ lease: Lease, leaseSeconds: Double, now: Date) async throws -> Lease {
        let expiry = now.addingTimeInterval(leaseSeconds)
        let logger = logger
        try await transaction("renewing the lease of job \(lease.job)") { connection in
            _ = try await Self.requireHeld(connection, lease, logger: logger)
            try await connection.query("""
                UPDATE job SET lease_expires_at = \(expiry.timeIntervalSince1970), updated_at = \(now.timeIntervalSince1970)
                WHERE id = \(lease.job)
                """, logger: logger)
        }
        return Lease(job: lease.job, token: lease.token, expiresAt: expiry)
    }

    public func complete(_ lease: Lease, report: Report, webhook: WebhookNote<ReportID>?,
                         now: Date) async throws -> Completion {
        let json = try ReportCoding.encode(report)
        let overall = String(decoding: try JSONEncoder().encode(report.overall), as: UTF8.self)
        let time = now.timeIntervalSince1970
        let logger = logger
        return try await transaction("storing the report of job \(lease.job)") { connection in
            _ = try await Self.requireHeld(connection, lease, logger: logger)
            let inserted = try await Self.query(connection, """
                INSERT INTO report (job_id, file, sha256, inputs_sha256, candidate, model_id, model_version,
                                    pipeline_version, overall_score, overall, warnings, json, created_at)
                VALUES (\(lease.job), \(report.recording.file), \(report.recording.sha256), \(report.inputsKey),
                        \(report.candidate), \(report.model.id), \(report.model.version), \(report.pipelineVersion),
                        \(report.overall.score), \(overall), \(report.warnings.count), \(json), \(time))
                ON CONFLICT (inputs_sha256, model_id, model_version, pipeline_version) DO NOTHING RETURNING id
                """, logger: logger)
            let completion: Completion
            if let row = inserted.first {
                let id = try row["id"].decode(Int64.self)
                completion = .stored(id)
                if let webhook {
                    _ = try await Self.query(connection, try Self.deliveries(event: webhook.event,
                                                                         payload: webhook.payload(id, now), reportID: id,
                                                                         urls: webhook.urls, now: now), logger: logger)
                }
            } else {
                let existing = try await Self.query(connection, """
                    SELECT id FROM report WHERE inputs_sha256 = \(report.inputsKey) AND model_id = \(report.model.id)
                    AND model_version = \(report.model.version) AND pipeline_version = \(report.pipelineVersion)
                    """, logger: logger)
                guard let row = existing.first else {
                    throw StoreError(code: .conflict, reason: "job \(lease.job): the report conflicted with one that vanished")
                }
                completion = .duplicate(of: try row["id"].decode(Int64.self))
            }
            let duplicateOf: Int64? = if case .duplicate(let of) = completion { of } else { nil }
            try await connection.query("""
                UPDATE job SET status = 'done', report_id = \(completion.reportID), duplicate_of = \(duplicateOf),
                               error = NULL, error_code = NULL, lease_expires_at = NULL, updated_at = \(time)
                WHERE id = \(lease.job)
                """, logger: logger)
            return completion
        }
    }

    public func fail(_ lease: Lease, _ failure: JobFailure, policy: QueuePolicy, now: Date) async throws -> Job {
        let logger = logger
        return try await transaction("recording the failure of job \(lease.job)") { connection in
            let job = try await Self.requireHeld(connection, lease, logger: logger)
            let retryAt = failure.kind == .transient ? policy.retryAt(afterAttempt: job.attempts, now: now) : nil
            return try await Self.settle(connection, job: job.id, retryAt: retryAt, reason: failure.reason,
                                         code: failure.code, now: now, logger: logger)
        }
    }

    /// Queues the job again at `retryAt`, or quarantines it when that is nil.
    private static func settle(_ connection: PostgresConnection, job: JobID, retryAt: Date?, reason: String,
                               code: String, now: Date, logger: Logger) async throws -> Job {
        let status = retryAt == nil ? "failed" : "queued"
        let rows = try await query(connection, """
            UPDATE job SET status = \(status), not_before = \(retryAt?.timeIntervalSince1970), error = \(reason),
                           error_code = \(code), lease_expires_at = NULL, updated_at = \(now.timeIntervalSince1970)
            WHERE id = \(job) RETURNING *
            """, logger: logger)
        return try Self.job(rows[0])
    }

    public func release(_ lease: Lease, now: Date) async throws {
        let logger = logger
        try await transaction("releasing job \(lease.job)") { connection in
            _ = try await Self.requireHeld(connection, lease, logger: logger)
            try await connection.query("""
                UPDATE job SET status = 'queued', attempts = attempts - 1, lease_expires_at = NULL,
                               updated_at = \(now.timeIntervalSince1970)
                WHERE id = \(lease.job)
                """, logger: logger)
        }
    }

    public func rescueExpired(policy: QueuePolicy, now: Date) async throws -> [Job] {
        let logger = logger
        return try await transaction("rescuing expired leases") { connection in
            // SKIP LOCKED: a job whose worker is committing right now is not touched.
            let expired = try await Self.query(connection, """
                SELECT * FROM job WHERE status = 'running' AND lease_expires_at < \(now.timeIntervalSince1970)
                ORDER BY id FOR UPDATE SKIP LOCKED
                """, logger: logger).map(Self.job)
            var rescued: [Job] = []
            for job in expired {
                let retryAt = policy.retryAt(afterAttempt: job.attempts, now: now)
                let reason = QueueMessages.abandoned(worker: job.worker, attempts: job.attempts,
                                                     quarantined: retryAt == nil)
                rescued.append(try await Self.settle(connection, job: job.id, retryAt: retryAt, reason: reason,
                                                     code: JobFailure.abandonedCode, now: now, logger: logger))
            }
            return rescued
        }
    }

    public func expireLeases(worker: String, now: Date) async throws -> Int {
        let time = now.timeIntervalSince1970
        return try await rows("expiring the leases of \(worker)", """
            UPDATE job SET lease_expires_at = \(time - 1), updated_at = \(time)
            WHERE status = 'running' AND worker = \(worker) RETURNING id
            """).count
    }

    public func retry(job id: JobID, now: Date) async throws -> Job {
        let logger = logger
        return try await transaction("retrying job \(id)") { connection in
            let rows = try await Self.query(connection, "SELECT * FROM job WHERE id = \(id) FOR UPDATE", logger: logger)
            guard let row = rows.first else { throw StoreError(code: .notFound, reason: "job \(id) not found") }
            let job = try Self.job(row)
            guard job.status == .failed else {
                throw StoreError(code: .conflict, reason: "job \(id) is \(job.status.rawValue), not failed: nothing to retry")
            }
            let updated = try await Self.query(connection, """
                UPDATE job SET status = 'queued', attempts = 0, not_before = NULL,
                               updated_at = \(now.timeIntervalSince1970)
                WHERE id = \(id) RETURNING *
                """, logger: logger)
            return try Self.job(updated[0])
        }
    }

    public func queueCountsByFolder() async throws -> [String?: [JobStatus: Int]] {
        var counts: [String?: [JobStatus: Int]] = [:]
        for row in try await rows("counting jobs", """
            SELECT folder_model, status, COUNT(*) AS n FROM job GROUP BY folder_model, status
            """) {
            if let status = JobStatus(rawValue: try row["status"].decode(String.self)) {
                counts[try row["folder_model"].decode(String?.self), default: [:]][status] = try row["n"].decode(Int.self)
            }
        }
        return counts
    }

    public func jobs(status: JobStatus?, limit: Int) async throws -> [Job] {
        let query: PostgresQuery = if let status {
            "SELECT * FROM job WHERE status = \(status.rawValue) ORDER BY id DESC LIMIT \(limit)"
        } else {
            "SELECT * FROM job ORDER BY id DESC LIMIT \(limit)"
        }
        return try await rows("listing jobs", query).map(Self.job)
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await rows("reading job \(id)", "SELECT * FROM job WHERE id = \(id)").first.map(Self.job)
    }

    // MARK: - Reports

    public func reportSummaries(limit: Int) async throws -> [ReportSummary] {
        try await rows("listing reports", PostgresQuery(unsafeSQL: """
            SELECT \(Self.summaryColumns) FROM report ORDER BY id DESC LIMIT \(max(0, limit))
            """)).map(Self.summary)
    }

    public func reportJSON(_ id: ReportID) async throws -> Data? {
        try await rows("reading report \(id)", "SELECT json FROM report WHERE id = \(id)").first
            .map { try $0["json"].decode(Data.self) }
    }

    public func reportSummary(_ id: ReportID) async throws -> ReportSummary? {
        var query = PostgresQuery(unsafeSQL: "SELECT \(Self.summaryColumns) FROM report WHERE id = $1")
        query.binds.append(id)
        return try await rows("reading report \(id)", query).first.map(Self.summary)
    }

    public func reportSummaries(modelID: String) async throws -> [ReportSummary] {
        var query = PostgresQuery(unsafeSQL: "SELECT \(Self.summaryColumns) FROM report WHERE model_id = $1 ORDER BY id")
        query.binds.append(modelID)
        return try await rows("listing the reports of \(modelID)", query).map(Self.summary)
    }

    public func revise(report id: ReportID, with report: Report, now: Date) async throws {
        let json = try ReportCoding.encode(report)
        let overall = String(decoding: try JSONEncoder().encode(report.overall), as: UTF8.self)
        let logger = logger
        try await transaction("revising report \(id)") { connection in
            let kept = try await Self.query(connection, """
                INSERT INTO report_revision (report_id, json, replaced_at)
                SELECT id, json, \(now.timeIntervalSince1970) FROM report WHERE id = \(id) RETURNING id
                """, logger: logger)
            guard kept.count == 1 else { throw StoreError(code: .notFound, reason: "report \(id) not found") }
            try await connection.query("""
                UPDATE report SET model_version = \(report.model.version), pipeline_version = \(report.pipelineVersion),
                                  overall_score = \(report.overall.score), overall = \(overall),
                                  warnings = \(report.warnings.count), json = \(json)
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    public func reportHistory(_ id: ReportID) async throws -> [Data] {
        try await rows("reading the history of report \(id)",
                       "SELECT json FROM report_revision WHERE report_id = \(id) ORDER BY id")
            .map { try $0["json"].decode(Data.self) }
    }

    public func erase(candidate: String, now: Date) async throws -> Erasure {
        let logger = logger
        return try await transaction("erasing a candidate") { connection in
            let accounts = try await Self.query(connection, """
                DELETE FROM account WHERE role = 'candidate' AND candidate = \(candidate) RETURNING id
                """, logger: logger).count
            let ids = try await Self.query(connection, "SELECT id FROM report WHERE candidate = \(candidate) FOR UPDATE",
                                           logger: logger).map { try $0["id"].decode(Int64.self) }
            guard !ids.isEmpty else { return Erasure(accounts: accounts) }
            var erasure = Erasure(reports: ids.count, accounts: accounts)
            erasure.ratings = try await Self.query(connection, """
                DELETE FROM rating WHERE report_id = ANY(\(ids)) RETURNING id
                """, logger: logger).count
            erasure.webhooks = try await Self.query(connection, """
                DELETE FROM webhook_delivery WHERE report_id = ANY(\(ids)) RETURNING id
                """, logger: logger).count
            erasure.revisions = try await Self.query(connection, """
                DELETE FROM report_revision WHERE report_id = ANY(\(ids)) RETURNING id
                """, logger: logger).count
            erasure.paths = try await Self.query(connection, """
                DELETE FROM job WHERE report_id = ANY(\(ids)) RETURNING path
                """, logger: logger).map { try $0["path"].decode(String.self) }.sorted()
            erasure.jobs = erasure.paths.count
            try await connection.query("DELETE FROM report WHERE id = ANY(\(ids))", logger: logger)
            return erasure
        }
    }
}

extension PostgresStore {
    public func enqueueWebhook(event: String, payload: Data, reportID: ReportID?, urls: [String], now: Date) async throws {
        guard !urls.isEmpty else { return }
        _ = try await rows("queueing a webhook", try Self.deliveries(event: event, payload: payload, reportID: reportID,
                                                                 urls: urls, now: now))
    }

    /// One pending delivery per receiver, in one statement (run alone, or inside the transaction of its record).
    private static func deliveries(event: String, payload: Data, reportID: ReportID?, urls: [String],
                                   now: Date) throws -> PostgresQuery {
        try """
        INSERT INTO webhook_delivery (url, event, payload, report_id, status, next_attempt_at, created_at)
        SELECT url, \(event), \(payload), \(reportID), 'pending', \(now.timeIntervalSince1970), \(now.timeIntervalSince1970)
        FROM unnest(\(urls)::text[]) AS url RETURNING id
        """
    }

    public func claimWebhook(leaseSeconds: Double, now: Date) async throws -> WebhookDelivery? {
        try await rows("claiming a webhook", """
            UPDATE webhook_delivery SET attempts = attempts + 1,
                   next_attempt_at = \(now.timeIntervalSince1970 + leaseSeconds)
            WHERE id = (SELECT id FROM webhook_delivery WHERE status = 'pending'
                        AND next_attempt_at <= \(now.timeIntervalSince1970)
                        ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).first.map(Self.delivery)
    }

    public func finishWebhook(_ delivery: WebhookDelivery, _ outcome: WebhookOutcome, now: Date) async throws {
        let (status, next, error, delivered) = outcome.columns(now: now)
        _ = try await rows("recording a webhook attempt", """
            UPDATE webhook_delivery SET status = \(status), next_attempt_at = COALESCE(\(next), next_attempt_at),
                   last_error = COALESCE(\(error), last_error), delivered_at = \(delivered)
            WHERE id = \(delivery.id) AND attempts = \(delivery.attempts) AND status = 'pending' RETURNING id
            """)
    }

    public func webhookDeliveries(limit: Int) async throws -> [WebhookDelivery] {
        try await rows("listing webhooks", "SELECT * FROM webhook_delivery ORDER BY id DESC LIMIT \(limit)")
            .map(Self.delivery)
    }

    private static func delivery(_ row: PostgresRandomAccessRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row["id"].decode(Int64.self), url: try row["url"].decode(String.self),
            event: try row["event"].decode(String.self), payload: try row["payload"].decode(Data.self),
            reportID: try row["report_id"].decode(Int64?.self), attempts: try row["attempts"].decode(Int.self),
            status: WebhookDelivery.Status(rawValue: try row["status"].decode(String.self)) ?? .failed,
            nextAttemptAt: Date(timeIntervalSince1970: try row["next_attempt_at"].decode(Double.self)),
            lastError: try row["last_error"].decode(String?.self),
            createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)),
            deliveredAt: try row["delivered_at"].decode(Double?.self).map(Date.init(timeIntervalSince1970:)))
    }

    public func addRating(_ rating: NewRating, webhook: WebhookNote<Rating>?, now: Date) async throws -> Rating {
        let competencies = String(decoding: try JSONEncoder().encode(rating.competencies), as: UTF8.self)
        let logger = logger
        return try await transaction("rating report \(rating.reportID)") { connection in
            let rows = try await Self.query(connection, """
                INSERT INTO rating (report_id, rater, overall, competencies, comment, created_at)
                SELECT id, \(rating.rater), \(rating.overall), \(competencies), \(rating.comment), \(now.timeIntervalSince1970)
                FROM report WHERE id = \(rating.reportID)
                RETURNING *
                """, logger: logger)
            guard let row = rows.first else {
                throw StoreError(code: .notFound, reason: "report \(rating.reportID) does not exist")
            }
            let stored = try Self.rating(row)
            if let webhook {
                _ = try await Self.query(connection, try Self.deliveries(event: webhook.event,
                                                                     payload: webhook.payload(stored, now),
                                                                     reportID: stored.reportID, urls: webhook.urls,
                                                                     now: now), logger: logger)
            }
            return stored
        }
    }

    public func ratings(report: ReportID) async throws -> [Rating] {
        try await rows("reading the ratings of report \(report)", """
            SELECT * FROM rating WHERE report_id = \(report) ORDER BY created_at, id
            """).map(Self.rating)
    }

    public func ratings(modelID: String) async throws -> [Rating] {
        try await rows("reading the ratings of job \(modelID)", """
            SELECT rating.* FROM rating JOIN report ON report.id = rating.report_id
            WHERE report.model_id = \(modelID) ORDER BY rating.created_at, rating.id
            """).map(Self.rating)
    }

    private static func rating(_ row: PostgresRandomAccessRow) throws -> Rating {
        let competencies = try JSONDecoder().decode([String: Double].self,
                                                    from: Data(try row["competencies"].decode(String.self).utf8))
        return Rating(id: try row["id"].decode(Int64.self), reportID: try row["report_id"].decode(Int64.self),
                      rater: try row["rater"].decode(String.self), overall: try row["overall"].decode(Double?.self),
                      competencies: competencies, comment: try row["comment"].decode(String.self),
                      createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)))
    }

    public func saveUser(_ user: NewUser, now: Date) async throws -> User {
        let jobs = String(decoding: try JSONEncoder().encode(user.jobs), as: UTF8.self)
        let rows = try await rows("saving user \(user.name)", """
            INSERT INTO account (name, role, password_hash, jobs, candidate, created_at)
            VALUES (\(user.name), \(user.role.rawValue), \(user.passwordHash), \(jobs), \(user.candidate),
                    \(now.timeIntervalSince1970))
            ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash,
                                             jobs = EXCLUDED.jobs, candidate = EXCLUDED.candidate
            RETURNING *
            """)
        guard let row = rows.first else { throw StoreError(code: .database, reason: "saving user \(user.name) failed") }
        return try Self.user(row)
    }

    public func user(named name: String) async throws -> User? {
        try await rows("reading user \(name)", "SELECT * FROM account WHERE name = \(name)").first.map(Self.user)
    }

    public func users() async throws -> [User] {
        try await rows("listing users", "SELECT * FROM account ORDER BY id").map(Self.user)
    }

    public func removeUser(named name: String) async throws -> Bool {
        !(try await rows("removing user \(name)", "DELETE FROM account WHERE name = \(name) RETURNING id")).isEmpty
    }

    public func addCredential(_ credential: Credential, now: Date) async throws {
        _ = try await rows("adding a credential", """
            INSERT INTO credential (digest, kind, user_id, csrf, created_at, expires_at)
            VALUES (\(credential.digest), \(credential.kind.rawValue), \(credential.userID), \(credential.csrf),
                    \(now.timeIntervalSince1970), \(credential.expiresAt?.timeIntervalSince1970))
            """)
    }

    public func credential(digest: String, now: Date) async throws -> (Credential, User)? {
        let rows = try await rows("reading a credential", """
            SELECT c.digest, c.kind, c.user_id, c.csrf, c.expires_at, a.*
            FROM credential c JOIN account a ON a.id = c.user_id WHERE c.digest = \(digest)
            """)
        guard let row = rows.first, let kind = Credential.Kind(rawValue: try row["kind"].decode(String.self)) else {
            return nil
        }
        let credential = Credential(digest: try row["digest"].decode(String.self), kind: kind,
                                    userID: try row["user_id"].decode(Int64.self),
                                    csrf: try row["csrf"].decode(String?.self),
                                    expiresAt: try row["expires_at"].decode(Double?.self)
                                        .map(Date.init(timeIntervalSince1970:)))
        return credential.isValid(at: now) ? (credential, try Self.user(row)) : nil
    }

    public func removeCredential(digest: String) async throws {
        _ = try await rows("removing a credential", """
            DELETE FROM credential WHERE digest = \(digest)
               OR (expires_at IS NOT NULL AND expires_at < \(Date().timeIntervalSince1970)) RETURNING digest
            """)
    }

    private static func user(_ row: PostgresRandomAccessRow) throws -> User {
        let jobs = try JSONDecoder().decode([String].self, from: Data(try row["jobs"].decode(String.self).utf8))
        return User(id: try row["id"].decode(Int64.self), name: try row["name"].decode(String.self),
                    role: Role(rawValue: try row["role"].decode(String.self)) ?? .candidate,
                    passwordHash: try row["password_hash"].decode(String?.self), jobs: jobs,
                    candidate: try row["candidate"].decode(String?.self),
                    createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)))
    }
}

/// Where a PostgreSQL URL points, and the PostgresNIO configurations for it.
struct PostgresTarget {
    var host = "localhost"
    var port = 5432
    var socketDirectory: String?
    var user: String
    var password: String?
    var database: String
    var sslMode = "disable"
    var location: String

    init(_ url: String) throws {
        guard let components = URLComponents(string: url),
              ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw StoreError(code: .open, reason: "\(url): not a PostgreSQL URL (postgres://user@host:5432/database)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
                               uniquingKeysWith: { $1 })
        user = components.user ?? query["user"] ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        database = components.path.split(separator: "/").first.map(String.init) ?? query["dbname"] ?? user
        password = components.password ?? query["password"]
        port = components.port ?? Int(query["port"] ?? "") ?? 5432
        sslMode = query["sslmode"] ?? "disable"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw StoreError(code: .open, reason: "\(url): unknown sslmode '\(sslMode)'")
        }
        if let directory = query["host"], directory.hasPrefix("/") {
            socketDirectory = directory
            location = "postgres://\(user)@[\(directory)]:\(port)/\(database)"
        } else {
            host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
            location = "postgres://\(user)@\(host):\(port)/\(database)"
        }
    }

    private var socketPath: String? { socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } }

    func clientConfiguration() throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch sslMode {
            case "prefer": .prefer(.makeClientConfiguration())
            case "require", "verify-ca", "verify-full": .require(.makeClientConfiguration())
            default: .disable
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database,
                                  tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.maximumConnections = 10
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socketPath {
            return .init(unixSocketPath: socketPath, username: user, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case "prefer": .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case "require", "verify-ca", "verify-full": .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default: .disable
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user,
                                                             password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
