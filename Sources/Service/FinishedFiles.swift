import DebriefModel
import Foundation
import LocalFiles
#if canImport(Glibc)
import Glibc
#endif

/// What becomes of a recording (and its sidecars) once its job is done or quarantined.
public enum FinishedFiles: String, Sendable, CaseIterable {
    /// Left where they were dropped (the bundle key keeps them from being queued again).
    case keep
    /// Moved to `INBOX/processed/` or `INBOX/failed/`, keeping their sub-folder.
    case move

    public func inbox(_ root: String) -> FinishedMover? { self == .move ? FinishedMover(inbox: root) : nil }
}

/// Moves finished bundles out of the watched folder.
public struct FinishedMover: Sendable {
    public let inbox: String

    public init(inbox: String) { self.inbox = inbox }

    /// Moves every file of `bundle` into `processed/` (or `failed/`), keeping its folder below the inbox. A name
    /// already taken there gets a numeric prefix; nothing is overwritten. Returns the bundle where it now is.
    @discardableResult
    public func move(_ bundle: RecordingBundle, succeeded: Bool) throws -> RecordingBundle {
        let root = inbox.hasSuffix("/") ? String(inbox.dropLast()) : inbox
        let path = bundle.primaryPath
        guard path.hasPrefix(root + "/") else { return bundle }
        let relative = String(path.dropFirst(root.count + 1))
        let target = ((root as NSString).appendingPathComponent(succeeded ? "processed" : "failed") as NSString)
            .appendingPathComponent((relative as NSString).deletingLastPathComponent)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        var moved = bundle.moved(to: target)
        for name in bundle.files where FileManager.default.fileExists(atPath: bundle.path(name)) {
            var destination = (target as NSString).appendingPathComponent(name)
            var suffix = 1
            while FileManager.default.fileExists(atPath: destination) {
                destination = (target as NSString).appendingPathComponent("\(suffix)-\(name)")
                suffix += 1
            }
            // rename(2): atomic on one filesystem; the watcher never sees half a file.
            guard rename(bundle.path(name), destination) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: bundle.path(name)])
            }
            if name == bundle.primary { moved.primary = (destination as NSString).lastPathComponent }
        }
        return moved
    }
}

/// Where a queued recording is now: at its inbox path, or where `--finished move` put it (`processed/`, `failed/`).
public func currentLocation(of path: String, inbox: String) -> String? {
    if FileManager.default.fileExists(atPath: path) { return path }
    guard path.hasPrefix(inbox + "/") else { return nil }
    let relative = String(path.dropFirst(inbox.count + 1))
    return InboxScanner.reservedFolders.sorted().map {
        ((inbox as NSString).appendingPathComponent($0) as NSString).appendingPathComponent(relative)
    }.first { FileManager.default.fileExists(atPath: $0) }
}

/// Finds a candidate's files in the inbox: a recording with its sidecars and résumé, wherever the service left it.
/// Only files inside the inbox are ever returned, whatever a metadata file or a stored path names.
public struct CandidateFiles: Sendable {
    public let inbox: String

    public init(inbox: String) { self.inbox = inbox }

    /// The files of the bundle of `path` (with the résumé its metadata names), at the inbox path and in
    /// `processed/` and `failed/`.
    public func bundle(of path: String) -> [String] {
        let relative = path.hasPrefix(inbox + "/") ? String(path.dropFirst(inbox.count + 1)) : nil
        var places = [path]
        if let relative {
            for folder in InboxScanner.reservedFolders {
                places.append(((inbox as NSString).appendingPathComponent(folder) as NSString)
                    .appendingPathComponent(relative))
            }
        }
        var files: [String] = []
        for place in places where FileManager.default.fileExists(atPath: place) {
            let bundle = BundleFolder.bundle(at: place)
            files += bundle.paths.filter { FileManager.default.fileExists(atPath: $0) }
            if let resume = bundle.metadata.flatMap({ resume(namedBy: bundle.path($0), in: bundle.directory) }) {
                files.append(resume)
            }
        }
        return files.filter { ConfinedPath.isInside($0, roots: [inbox]) }
    }

    /// The résumé file a metadata sidecar names, if it is a .txt/.md file in the sidecar's own folder.
    func resume(namedBy path: String, in directory: String) -> String? {
        guard let metadata = try? Self.metadata(at: path), let named = metadata.resumeFile else { return nil }
        return try? ConfinedPath.resolve(named, within: directory.isEmpty ? "." : directory,
                                         extensions: RecordingBundle.resumeExtensions)
    }

    /// The recordings (or bare transcripts) in the inbox tree whose metadata names `candidate` — whatever became
    /// of their jobs, failed ones included — and any such metadata file that belongs to no recording.
    public func recordingsNaming(_ candidate: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: inbox) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard RecordingBundle.isMetadata(relative) else { continue }
            let path = (inbox as NSString).appendingPathComponent(relative)
            guard let metadata = try? Self.metadata(at: path), metadata.candidate == candidate else { continue }
            let directory = (path as NSString).deletingLastPathComponent
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            let owners = RecordingBundle.bundles(in: names, directory: directory)
                .filter { $0.metadata == (path as NSString).lastPathComponent }
            found += owners.isEmpty ? [path] : owners.map(\.primaryPath)
        }
        return found
    }

    /// A metadata file parsed within the limits outside input gets (a hostile one is refused in microseconds).
    static func metadata(at path: String) throws -> RecordingMetadata {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              info.st_size <= YAMLLimits.metadata.bytes, let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadUnknown)
        }
        return try RecordingMetadata.parse(data: [UInt8](data), file: path)
    }
}
