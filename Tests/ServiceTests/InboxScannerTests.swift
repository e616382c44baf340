import Foundation
import Service
import Store
import Testing

@Suite struct InboxScannerTests {
    let t0 = Date(timeIntervalSince1970: 1_000)

    func observation(_ size: Int64, _ modified: Double = 1) -> FileObservation {
        FileObservation(size: size, modified: Date(timeIntervalSince1970: modified))
    }

    @Test func takesAFileOnlyOnceItIsStable() {
        var scanner = InboxScanner(root: "/in", stableSeconds: 2)
        #expect(scanner.observe(["a.mp4": observation(100)], now: t0).isEmpty)
        // Still growing: the clock restarts.
        #expect(scanner.observe(["a.mp4": observation(200, 2)], now: t0 + 1).isEmpty)
        #expect(scanner.observe(["a.mp4": observation(200, 2)], now: t0 + 2).isEmpty)
        let ready = scanner.observe(["a.mp4": observation(200, 2)], now: t0 + 3.1)
        #expect(ready.map(\.path) == ["/in/a.mp4"])
        #expect(ready.first?.folderModel == nil)
        // Handed out once per version.
        #expect(scanner.observe(["a.mp4": observation(200, 2)], now: t0 + 5).isEmpty)
    }

    /// A bundle starts only when every file of it is stable and none is still under a temporary name.
    @Test func waitsForTheWholeBundle() {
        var scanner = InboxScanner(root: "/in", stableSeconds: 2)
        var listing = ["a.mp4": observation(100), "a.vtt.part": observation(10), "b.mp4": observation(5)]
        _ = scanner.observe(listing, now: t0)
        #expect(scanner.observe(listing, now: t0 + 3).map(\.path) == ["/in/b.mp4"])
        // The transcript's copy finishes (renamed into place): the bundle waits for it to be stable too.
        listing["a.vtt.part"] = nil
        listing["a.vtt"] = observation(10, 5)
        #expect(scanner.observe(listing, now: t0 + 4).isEmpty)
        #expect(scanner.observe(listing, now: t0 + 6.1).map(\.path) == ["/in/a.mp4"])
    }

    /// A copy that stalls longer than the stability window is not taken while its writer keeps the file open.
    @Test func waitsWhileAWriterHoldsTheFile() {
        var scanner = InboxScanner(root: "/in", stableSeconds: 1)
        let listing = ["a.mp4": observation(100)]
        _ = scanner.observe(listing, now: t0)
        #expect(scanner.observe(listing, now: t0 + 5, beingWritten: { $0 }).isEmpty)
        #expect(scanner.observe(listing, now: t0 + 6, beingWritten: { _ in [] }).map(\.path) == ["/in/a.mp4"])
    }

    /// /proc tells which files a process holds open for writing.
    @Test func findsWritersThroughProc() throws {
        let directory = NSTemporaryDirectory() + "debrief-writers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writing = directory + "/copying.mp4", done = directory + "/done.mp4"
        #expect(FileManager.default.createFile(atPath: writing, contents: Data([1])))
        #expect(FileManager.default.createFile(atPath: done, contents: Data([1])))
        let handle = try #require(FileHandle(forWritingAtPath: writing))
        let reader = try #require(FileHandle(forReadingAtPath: done))
        #expect(filesOpenForWriting([writing, done]) == [writing])
        try handle.close()
        try reader.close()
        #expect(filesOpenForWriting([writing, done]).isEmpty)
    }

    @Test func ignoresTemporaryHiddenAndSidecarFiles() {
        var scanner = InboxScanner(root: "/in", stableSeconds: 0)
        let listing = [
            "a.mp4.part": observation(1), ".b.mp4": observation(1), "c.mov.crdownload": observation(1),
            "d.tmp": observation(1), "e.mp4": observation(1), "e.vtt": observation(1), "e.json": observation(1),
            "f.srt": observation(1), "notes.pdf": observation(1), "processed/g.mp4": observation(1),
            "sales-manager/h.m4a": observation(1), "sales-manager/h.yaml": observation(1),
            "deep/er/i.mp4": observation(1), "e.q1.vtt": observation(1), "e.q2.srt": observation(1),
        ]
        _ = scanner.observe(listing, now: t0)
        let ready = scanner.observe(listing, now: t0 + 1)
        #expect(ready.map(\.path) == ["/in/e.mp4", "/in/f.srt", "/in/sales-manager/h.m4a"])
        #expect(ready.last?.folderModel == "sales-manager")
    }

    @Test func aChangedFileIsTakenAgainAndAVanishedOneForgotten() {
        var scanner = InboxScanner(root: "/in", stableSeconds: 0)
        _ = scanner.observe(["a.wav": observation(5)], now: t0)
        let first = scanner.observe(["a.wav": observation(5)], now: t0 + 1)
        _ = scanner.observe(["a.wav": observation(6, 3)], now: t0 + 2)
        let second = scanner.observe(["a.wav": observation(6, 3)], now: t0 + 3)
        #expect(first.count == 1 && second.count == 1)
        #expect(first[0].bundleKey != second[0].bundleKey)
        _ = scanner.observe([:], now: t0 + 4)
        _ = scanner.observe(["a.wav": observation(6, 3)], now: t0 + 5)
        #expect(scanner.observe(["a.wav": observation(6, 3)], now: t0 + 6).count == 1)
    }

    @Test func listsTopLevelAndModelFolders() throws {
        let root = NSTemporaryDirectory() + "inbox-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/sales-manager/deeper", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: root + "/a.mp4", contents: Data([1, 2, 3]))
        FileManager.default.createFile(atPath: root + "/sales-manager/b.m4a", contents: Data([1]))
        FileManager.default.createFile(atPath: root + "/sales-manager/deeper/c.m4a", contents: Data([1]))
        let listing = try #require(listInbox(root))
        #expect(Set(listing.keys) == ["a.mp4", "sales-manager/b.m4a"])
        #expect(listing["a.mp4"]?.size == 3)
        #expect(listInbox(root + "/missing") == nil)
    }
}
