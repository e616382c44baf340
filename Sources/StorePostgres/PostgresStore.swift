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
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger
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

    // MARK: - Plumbing

    func transaction<T: Sendable>(_ what: String,
                                          _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw Self.storeError(error, "\(location): \(what) failed")
        }
    }

    func rows(_ what: String, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await Self.collect(try await client.query(query, logger: logger))
        } catch {
            throw Self.storeError(error, "\(location): \(what) failed")
        }
    }

    static func collect(_ sequence: PostgresRowSequence) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in sequence { rows.append(row.makeRandomAccess()) }
        return rows
    }

    static func query(_ connection: PostgresConnection, _ query: PostgresQuery,
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

    static func job(_ row: PostgresRandomAccessRow) throws -> Job {
        func date(_ column: String) throws -> Date? {
            try row[column].decode(Double?.self).map(Date.init(timeIntervalSince1970:))
        }
        return Job(id: try row["id"].decode(Int64.self), path: try row["path"].decode(String.self),
                   folderModel: try row["folder_model"].decode(String?.self),
                   bundleKey: try row["bundle_key"].decode(String.self),
                   bundle: JobBundle.decode(try row["bundle"].decode(String?.self)),
                   status: JobStatus(rawValue: try row["status"].decode(String.self)) ?? .failed,
                   attempts: try row["attempts"].decode(Int.self), error: try row["error"].decode(String?.self),
                   errorCode: try row["error_code"].decode(String?.self),
                   worker: try row["worker"].decode(String?.self), reportID: try row["report_id"].decode(Int64?.self),
                   duplicateOf: try row["duplicate_of"].decode(Int64?.self),
                   leaseToken: try row["lease_token"].decode(Int64.self),
                   leaseExpiresAt: try date("lease_expires_at"), notBefore: try date("not_before"),
                   createdAt: try date("created_at") ?? .distantPast, updatedAt: try date("updated_at") ?? .distantPast)
    }

    static func summary(_ row: PostgresRandomAccessRow) throws -> ReportSummary {
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

    static let summaryColumns = "id, job_id, file, sha256, candidate, model_id, model_version, overall, "
        + "warnings, created_at"

    /// Locks the job's row and fails with `.fenced` unless it is running under `lease`.
    static func requireHeld(_ connection: PostgresConnection, _ lease: Lease, logger: Logger) async throws -> Job {
        let rows = try await query(connection, "SELECT * FROM job WHERE id = \(lease.job) FOR UPDATE", logger: logger)
        guard let row = rows.first else { throw StoreError(code: .notFound, reason: "job \(lease.job) not found") }
        let job = try job(row)
        guard job.status == .running, job.leaseToken == lease.token else { throw QueueMessages.fenced(lease) }
        return job
    }
}
