import DebriefModel
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Why a path that came from outside (metadata, an upload, a form, a model folder) was refused.
public struct PathRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public typealias Code = StableCode<PathRefusal>

    public var code: Code
    /// The path as it was given (control characters shown escaped).
    public var given: String
    public var reason: String

    public var description: String { "'\(given)': \(reason)" }
}

extension StableCode where Domain == PathRefusal {
    /// Empty, a NUL byte, a control character, or longer than the system allows.
    public static let malformed = Self("malformed")
    /// Absolute, or climbing out with `..`, or (after symbolic links) somewhere else.
    public static let outside = Self("outside")
    /// Not one of the file types the field may name.
    public static let fileType = Self("file-type")
    /// Names nothing (and `mustExist`).
    public static let missing = Self("missing")
    /// Names something that is not a regular file.
    public static let notAFile = Self("not-a-file")
}

/// The one rule for paths that come from outside: resolved against the root they are allowed in, symbolic links
/// followed, refused if they leave it, and limited to the file types the field may name.
///
/// Every edge asks here: a metadata file's `resumeFile`, the erasure's list of files, uploads' names, model folders.
public enum ConfinedPath {
    /// The longest relative path accepted, in bytes (Linux's PATH_MAX is 4096, NAME_MAX 255).
    public static let maximumLength = 1024
    public static let maximumComponentLength = 255

    /// Resolves `given` (relative to `root`) to an absolute path inside `root`.
    /// - Parameters:
    ///   - given: the path as it came from outside; must be relative.
    ///   - root: the folder it may point into (itself resolved through symbolic links first).
    ///   - extensions: the lower-case extensions allowed (empty: any).
    ///   - mustExist: whether a missing file is refused (else the lexical and link checks still apply to what exists).
    /// - Returns: the resolved absolute path, which lies inside the resolved root.
    public static func resolve(_ given: String, within root: String, extensions: Set<String> = [],
                               mustExist: Bool = true) throws(PathRefusal) -> String {
        let shown = String(given.unicodeScalars.map { $0.properties.generalCategory == .control
            ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined().prefix(200))
        func refuse(_ code: PathRefusal.Code, _ reason: String) -> PathRefusal {
            PathRefusal(code: code, given: shown, reason: reason)
        }
        guard !given.isEmpty else { throw refuse(.malformed, "an empty path") }
        guard !given.unicodeScalars.contains(where: { $0.value == 0 || $0.properties.generalCategory == .control })
        else { throw refuse(.malformed, "contains a NUL or control character") }
        guard given.utf8.count <= maximumLength,
              given.split(separator: "/").allSatisfy({ $0.utf8.count <= maximumComponentLength }) else {
            throw refuse(.malformed, "longer than \(maximumLength) bytes, or a name longer than "
                + "\(maximumComponentLength)")
        }
        guard !given.hasPrefix("/"), !given.hasPrefix("~") else {
            throw refuse(.outside, "must be relative to its folder, not an absolute path")
        }
        let components = given.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains("..") else { throw refuse(.outside, "must not climb out of its folder with '..'") }
        if !extensions.isEmpty {
            let fileExtension = (given as NSString).pathExtension.lowercased()
            guard extensions.contains(fileExtension) else {
                throw refuse(.fileType, "only " + extensions.sorted().map { ".\($0)" }.joined(separator: ", ")
                    + " files may be named here")
            }
        }
        guard let base = realPath(root) else { throw refuse(.missing, "its folder \(root) does not exist") }
        let joined = base == "/" ? "/" + components.joined(separator: "/")
            : base + "/" + components.joined(separator: "/")
        var info = stat()
        guard lstat(joined, &info) == 0 else {
            if mustExist { throw refuse(.missing, "no such file") }
            return joined
        }
        // Follow every link (in the file and in its folders) and check where it really is.
        guard let resolved = realPath(joined) else { throw refuse(.missing, "a dangling symbolic link") }
        guard resolved.hasPrefix(base == "/" ? "/" : base + "/") else {
            throw refuse(.outside, "leads outside its folder (through a symbolic link)")
        }
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw refuse(.notAFile, "is not a regular file")
        }
        return resolved
    }

    /// Whether `path` (absolute, or relative to the working directory) lies inside one of `roots` once symbolic
    /// links are resolved: the check before deleting or overwriting a file whose name came from a stored record.
    public static func isInside(_ path: String, roots: [String]) -> Bool {
        guard let resolved = realPath(path) ?? realPath((path as NSString).deletingLastPathComponent)
            .map({ $0 + "/" + (path as NSString).lastPathComponent }) else { return false }
        return roots.compactMap(realPath).contains { root in
            resolved.hasPrefix(root == "/" ? "/" : root + "/")
        }
    }

    /// The canonical absolute path (`realpath(3)`), or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
