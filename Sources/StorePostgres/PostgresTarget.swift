import Foundation
import Logging
import PostgresNIO
import Store

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
