import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store
@testable import StorePostgres
import Testing

/// The PostgreSQL half of the store suite, against a real server: `DEBRIEF_TEST_POSTGRES=postgres://…` (CI starts one
/// with `scripts/postgres-test-server.sh`). Without it these tests are reported as skipped, with the reason; under CI
/// its absence is a failure.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["DEBRIEF_TEST_POSTGRES"]
    static let available = url != nil
    static let skipReason = Comment(rawValue: "DEBRIEF_TEST_POSTGRES is not set: PostgreSQL tests skipped (start a "
        + "server with scripts/postgres-test-server.sh start and export the URL it prints)")

    /// A new empty database on the test server, and its URL.
    static func freshDatabase() async throws -> String {
        let url = try #require(url)
        let target = try PostgresTarget(url)
        let name = "debrief_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let connection = try await PostgresConnection.connect(configuration: try target.connectionConfiguration(),
                                                              id: 1, logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        try await connection.close()
        var components = try #require(URLComponents(string: url))
        components.path = "/\(name)"
        return try #require(components.string)
    }
}

@Suite(.serialized) struct PostgresStoreTests {
    @Test func theServerIsThereUnderCI() {
        if ProcessInfo.processInfo.environment["CI"] != nil {
            #expect(PostgresTestServer.available, "CI must run the PostgreSQL half of the store suite")
        }
    }

    @Test(.enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
    func postgresStoreMeetsTheContract() async throws {
        try await StoreContract.all { try await PostgresStore(url: try await PostgresTestServer.freshDatabase()) }
    }

    /// Two connection pools (as two machines would have) claiming from one queue: 0 double claims.
    @Test(.enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
    func twoPoolsNeverDoubleClaim() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let a = try await PostgresStore(url: url), b = try await PostgresStore(url: url)
        let now = Date()
        for index in 0..<300 {
            _ = try await a.enqueue(NewJob(path: "/x/\(index)", folderModel: nil, bundleKey: "x\(index)"), now: now)
        }
        async let first = Self.drain(a, "a")
        async let second = Self.drain(b, "b")
        let all = try await first + second
        #expect(all.count == 300)
        #expect(Set(all).count == 300)
    }

    static func drain(_ store: any DebriefStore, _ worker: String) async throws -> [JobID] {
        var ids: [JobID] = []
        while let job = try await store.claimNext(worker: worker, leaseSeconds: 60, now: Date()) { ids.append(job.id) }
        return ids
    }

    /// Migrating twice (a second machine starting) changes nothing and keeps the data.
    @Test(.enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
    func reopeningKeepsData() async throws {
        let url = try await PostgresTestServer.freshDatabase()
        let store = try await PostgresStore(url: url)
        _ = try await store.enqueue(NewJob(path: "/a", folderModel: nil, bundleKey: "a"), now: Date())
        async let again1 = PostgresStore(url: url)
        async let again2 = PostgresStore(url: url)
        let (one, two) = try await (again1, again2)
        #expect(try await one.jobs(limit: 5).count == 1)
        #expect(try await two.queueCounts() == [.queued: 1])
    }

    @Test func badURLsAndUnreachableServersAreClearErrors() async throws {
        await #expect {
            _ = try await PostgresStore(url: "mysql://x@y/z")
        } throws: { "\($0)".contains("not a PostgreSQL URL") }
        await #expect {
            _ = try await PostgresStore(url: "postgres://debrief@127.0.0.1:1/debrief")
        } throws: { error in
            "\(error)".hasPrefix("postgres://debrief@127.0.0.1:1/debrief: cannot open the database")
                && "\(error)".contains("refused")
        }
    }

    @Test func urlsParse() throws {
        let socket = try PostgresTarget("postgres://ann@/hr?host=/run/postgresql&port=5433")
        #expect(socket.socketDirectory == "/run/postgresql")
        #expect(socket.port == 5433)
        #expect(socket.database == "hr")
        let tcp = try PostgresTarget("postgresql://ann:secret@db.local/debrief?sslmode=require")
        #expect(tcp.host == "db.local")
        #expect(tcp.password == "secret")
        #expect(tcp.sslMode == "require")
        #expect(!tcp.location.contains("secret"))
        #expect(throws: StoreError.self) { _ = try PostgresTarget("postgres://a@b/c?sslmode=sometimes") }
    }
}
