import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    public func enqueue(_ job: NewJob, now: Date) async throws -> Job? {
        let time = now.timeIntervalSince1970
        let bundle = try JobBundle.encode(job.bundle)
        return try await rows("queueing \(job.path)", """
            INSERT INTO job (path, folder_model, bundle_key, bundle, status, attempts, created_at, updated_at)
            VALUES (\(job.path), \(job.folderModel), \(job.bundleKey), \(bundle), 'queued', 0,
                    \(time), \(time))
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
                        \(report.overall.score), \(overall), \(report.problemCount), \(json), \(time))
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
    static func settle(_ connection: PostgresConnection, job: JobID, retryAt: Date?, reason: String,
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
}
