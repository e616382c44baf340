import ArgumentParser
import Foundation
import Store
import StorePostgres
import StoreSQLite

/// Where jobs and reports live: `--store sqlite:PATH` (default: `DATA/debrief.sqlite`) or `--store postgres://…`
/// (many machines), also from `$DEBRIEF_STORE`. `--data` is this machine's own directory (SQLite file, scratch).
struct StoreOptions: ParsableArguments {
    @Option(help: "This machine's data directory (the SQLite database by default, scratch files).")
    var data = "debrief-data"

    @Option(help: ArgumentHelp("The shared store: sqlite:PATH or postgres://user:password@host:5432/database "
        + "(default: $DEBRIEF_STORE, else sqlite:DATA/debrief.sqlite).", valueName: "url"))
    var store: String?

    var url: String {
        store ?? ProcessInfo.processInfo.environment["DEBRIEF_STORE"]
            ?? "sqlite:" + (data as NSString).appendingPathComponent("debrief.sqlite")
    }

    var scratch: String { (data as NSString).appendingPathComponent("tmp") }

    func validate() throws {
        guard url.hasPrefix("sqlite:") || url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ValidationError("--store must be sqlite:PATH or postgres://…, found '\(url)'")
        }
    }

    /// Opens the store, printing one clear line and exiting 2 when it cannot.
    /// - Parameter mustExist: a SQLite file that does not exist yet is an error (commands that only read).
    func open(mustExist: Bool = false) async throws -> any DebriefStore {
        do {
            if url.hasPrefix("sqlite:") {
                let path = String(url.dropFirst("sqlite:".count))
                if mustExist, !FileManager.default.fileExists(atPath: path) {
                    printError("\(path): no Debrief database here (run `debrief serve --data \(data)` first, "
                        + "or pass --data / --store)")
                    throw ExitCode(2)
                }
                return try SQLiteStore(path: path)
            }
            return try await PostgresStore(url: url)
        } catch let error as StoreError {
            printError("\(error)")
            throw ExitCode(2)
        }
    }
}
