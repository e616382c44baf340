import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    static let migrations: [(version: Int, sql: [String])] = [
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
        (6, ["ALTER TABLE job ADD COLUMN bundle TEXT"]),
    ]

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
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
}
