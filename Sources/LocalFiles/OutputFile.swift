#if canImport(Glibc)
import Glibc
#endif
import DebriefModel
import Foundation

/// Why an output could not be written, in one line naming it.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Writing what a command produces where it was asked to go.
public enum OutputFile {
    /// Writes `data` to `path`. `-` is standard output. A regular file (or a name that does not exist yet) is
    /// replaced atomically — written under a temporary name beside it, flushed, then renamed — so a reader sees all
    /// or nothing. Anything else (a device such as `/dev/null` or `/dev/stdout`, a FIFO, a terminal) is written
    /// straight into and never replaced: renaming over a device node would turn it into a regular file for every
    /// program on the machine.
    public static func write(_ data: Data, to path: String) throws(OutputError) {
        if path == "-" {
            try writeAll(data, to: STDOUT_FILENO, path: "standard output")
            return
        }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            guard (info.st_mode & S_IFMT) != S_IFDIR else {
                throw OutputError(path: path, reason: "is a directory")
            }
            let descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else {
                throw OutputError(path: path, reason: "cannot open for writing (\(String(cString: strerror(errno))))")
            }
            defer { close(descriptor) }
            try writeAll(data, to: descriptor, path: path)
            return
        }
        let temporary = path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputError(path: path, reason: "cannot create \(temporary) (\(String(cString: strerror(errno))))")
        }
        do throws(OutputError) {
            try writeAll(data, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else {
                throw OutputError(path: path, reason: "cannot flush (\(String(cString: strerror(errno))))")
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputError(path: path, reason: "cannot move the file into place (\(reason))")
        }
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws(OutputError) {
        let failure: String? = data.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
        if let failure { throw OutputError(path: path, reason: "cannot write (\(failure))") }
    }

    /// Creates (or truncates) `path` and opens it for writing, in place, readable by its owner only. Foundation's
    /// `createFile` writes through a temporary `.dat.nosync…` file and a rename, which a process killed at that
    /// moment leaves behind in a directory that only `job-PID-…` files are swept from.
    public static func createForWriting(_ path: String) -> FileHandle? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        return descriptor >= 0 ? FileHandle(fileDescriptor: descriptor, closeOnDealloc: true) : nil
    }
}

/// The bundle a file on disk belongs to, by `RecordingBundle`'s rules over the names of its folder.
public enum BundleFolder {
    /// The bundle whose primary file is at `path` (`debrief analyze FILE`, a job queued before bundles were
    /// stored); a bundle of just that file when its folder cannot be listed or it is of no known kind.
    public static func bundle(at path: String, folderModel: String? = nil) -> RecordingBundle {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? [name]
        return RecordingBundle.bundle(for: name, in: names.contains(name) ? names : names + [name],
                                      directory: directory, folderModel: folderModel, named: true)
            ?? RecordingBundle(directory: directory, primary: name, kind: TranscriptFormat(path: name) == nil
                ? .recording : .transcript, folderModel: folderModel)
    }
}
