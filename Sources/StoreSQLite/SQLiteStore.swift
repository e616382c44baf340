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
    let pool: DatabasePool
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

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
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

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError(code: .database, reason: "\(path): read failed", underlying: "\(error)")
        }
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
