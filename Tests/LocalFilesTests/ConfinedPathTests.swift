import Foundation
import LocalFiles
import TestSupport
import Synchronization
import Testing

/// The one rule for paths from outside: relative to their root, inside it once links are followed, of the types the
/// field may name.
@Suite struct ConfinedPathTests {
    func folder() throws -> (root: String, outside: String) {
        let base = Fixtures.temporaryDirectory("confined")
        let root = "\(base)/inbox/job", outside = "\(base)/secret.txt"
        try FileManager.default.createDirectory(atPath: "\(root)/sub", withIntermediateDirectories: true)
        Fixtures.write("cv", to: "\(root)/cv.txt")
        Fixtures.write("cv", to: "\(root)/sub/cv.md")
        Fixtures.write("secret", to: outside)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/link.txt", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: "\(root)/inner.txt", withDestinationPath: "\(root)/cv.txt")
        try FileManager.default.createSymbolicLink(atPath: "\(root)/up", withDestinationPath: base)
        return (root, outside)
    }

    func code(_ given: String, _ root: String, _ extensions: Set<String> = ["txt", "md"]) -> PathRefusal.Code? {
        do {
            _ = try ConfinedPath.resolve(given, within: root, extensions: extensions)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func insideIsResolved() throws {
        let (root, _) = try folder()
        defer { Fixtures.cleanUp(((root as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent) }
        let real = try #require(ConfinedPath.realPath(root))
        #expect(try ConfinedPath.resolve("cv.txt", within: root, extensions: ["txt"]) == "\(real)/cv.txt")
        #expect(try ConfinedPath.resolve("./sub//cv.md", within: root) == "\(real)/sub/cv.md")
        // A link that stays inside is followed.
        #expect(try ConfinedPath.resolve("inner.txt", within: root) == "\(real)/cv.txt")
    }

    @Test func everyEscapeIsRefused() throws {
        let (root, outside) = try folder()
        defer { Fixtures.cleanUp(((root as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent) }
        #expect(code(outside, root) == .outside)                       // absolute
        #expect(code("/etc/passwd", root, []) == .outside)
        #expect(code("~/x.txt", root) == .outside)
        #expect(code("../../secret.txt", root) == .outside)             // climbing out
        #expect(code("sub/../../x.txt", root) == .outside)
        #expect(code("link.txt", root) == .outside)                     // a link to outside
        #expect(code("up/secret.txt", root) == .outside)                // a linked folder
        #expect(code("cv.txt\u{0}.md", root) == .malformed)            // NUL
        #expect(code("cv\n.txt", root) == .malformed)                   // control character
        #expect(code(String(repeating: "a", count: 300) + ".txt", root) == .malformed)   // longer than NAME_MAX
        #expect(code(String(repeating: "a/", count: 700) + "x.txt", root) == .malformed) // longer than the limit
        #expect(code("", root) == .malformed)
        #expect(code("cv.pdf", root) == .fileType)                      // a type the field may not name
        #expect(code("missing.txt", root) == .missing)
        #expect(code("sub", root, []) == .notAFile)
    }

    @Test func isInsideFollowsLinks() throws {
        let (root, outside) = try folder()
        defer { Fixtures.cleanUp(((root as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent) }
        #expect(ConfinedPath.isInside("\(root)/cv.txt", roots: [root]))
        #expect(!ConfinedPath.isInside(outside, roots: [root]))
        #expect(!ConfinedPath.isInside("\(root)/up/secret.txt", roots: [root]))
        #expect(!ConfinedPath.isInside("\(root)/../../secret.txt", roots: [root]))
    }
}

/// Output goes where it was asked without ever replacing something that is not a regular file.
@Suite struct OutputFileTests {
    @Test func devicesAreWrittenIntoNotReplaced() throws {
        try OutputFile.write(Data("x".utf8), to: "/dev/null")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        let directory = Fixtures.temporaryDirectory("output")
        defer { Fixtures.cleanUp(directory) }
        // A FIFO is written into (a reader drains it to its end), not renamed over.
        let fifo = "\(directory)/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let received = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        let reader = Thread {
            // (FileManager's contents(atPath:) takes a FIFO's size, 0, and closes at once: the writer then met a
            // closed pipe.)
            let data = (try? FileHandle(forReadingAtPath: fifo)?.readToEnd()) ?? nil
            received.withLock { $0 = data ?? Data() }
            drained.signal()
        }
        reader.start()
        try OutputFile.write(Data("report".utf8), to: fifo)
        drained.wait()
        #expect(received.withLock { $0 } == Data("report".utf8))
        #expect(stat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    }

    /// A reader that went away (`debrief analyze … --output - | head -c 1`, a closed FIFO) is a clear error, not a
    /// process killed by SIGPIPE: `debrief` ignores the signal as its first step, as this test does.
    @Test func aClosedReaderIsAClearError() throws {
        signal(SIGPIPE, SIG_IGN)
        let directory = Fixtures.temporaryDirectory("output")
        defer { Fixtures.cleanUp(directory) }
        let fifo = "\(directory)/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader opens and goes away without reading; more than a pipe holds is written, so the writer meets
        // the closed end whichever comes first.
        let reader = Thread { close(open(fifo, O_RDONLY)) }
        reader.start()
        #expect {
            try OutputFile.write(Data(repeating: 7, count: 1 << 20), to: fifo)
        } throws: { error in
            "\(error)" == "\(fifo): cannot write (Broken pipe)"
        }
    }

    @Test func regularFilesAreReplacedWhole() throws {
        let directory = Fixtures.temporaryDirectory("output")
        defer { Fixtures.cleanUp(directory) }
        let path = "\(directory)/report.json"
        try OutputFile.write(Data("first".utf8), to: path)
        try OutputFile.write(Data("second".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["report.json"])
        #expect(throws: OutputError.self) { try OutputFile.write(Data(), to: directory) }
    }
}
