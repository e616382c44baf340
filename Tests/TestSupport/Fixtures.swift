import Foundation
import LocalFiles

/// Paths and helpers shared by the test targets.
public enum Fixtures {
    /// The repository root (two levels above this file's folder).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static func media(_ name: String) -> String { "\(root)/Media/\(name)" }
    public static var models: String { "\(root)/Models" }
    /// OpenCV's cascade files from Debian's opencv-data (the face detector's model).
    public static let cascadesInstalled = FileManager.default.fileExists(
        atPath: "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml")
    /// The shared dev data beside the repository (`../shared/data`), when present.
    public static var sharedData: String { "\(root)/../shared/data" }

    /// A fresh temporary directory, removed by the caller with `cleanUp`.
    public static func temporaryDirectory(_ label: String = "debrief") -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func cleanUp(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    public static func write(_ text: String, to path: String) {
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Writes a script the test then runs itself, through `OutputFile.createForWriting`, which opens close-on-exec:
    /// a child another test spawns at that moment must not inherit the open write descriptor, which would make
    /// running the script fail with "Text file busy" (ETXTBSY).
    public static func writeExecutable(_ text: String, to path: String) {
        let handle = OutputFile.createForWriting(path)!
        try! handle.write(contentsOf: Data(text.utf8))
        try! handle.close()
        chmod(path, 0o755)
    }

    /// Runs a tool (the ffmpeg CLI makes test media and gives reference values; the product never runs it).
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "Fixtures", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(tool) \(arguments.joined(separator: " ")) failed"])
        }
        return data
    }

    /// Makes a short clip with the ffmpeg CLI: `audio`/`video` choose the streams.
    public static func makeClip(at path: String, seconds: Double = 2, audio: Bool, video: Bool) throws {
        var arguments = ["-v", "error", "-y"]
        if video { arguments += ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=\(seconds)"] }
        if audio { arguments += ["-f", "lavfi", "-i", "sine=frequency=220:sample_rate=16000:duration=\(seconds)"] }
        if video { arguments += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"] }
        if audio { arguments += ["-c:a", "aac"] }
        try run("ffmpeg", arguments + [path])
    }

    /// Synthetic voiced signal: a harmonic tone at `f0` Hz with a few harmonics, amplitude `amplitude`, 16 kHz.
    public static func tone(f0: Double, seconds: Double, amplitude: Float = 0.3, rate: Int = 16_000) -> [Float] {
        let count = Int(seconds * Double(rate))
        return (0..<count).map { n in
            let t = Double(n) / Double(rate)
            var value = 0.0
            for harmonic in 1...4 { value += sin(2 * .pi * f0 * Double(harmonic) * t) / Double(harmonic) }
            return Float(value / 2.1) * amplitude
        }
    }
}

/// |a − b| ≤ tolerance, for floating-point comparisons with a stated tolerance.
public func isClose(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
    abs(a - b) <= tolerance
}

/// Whole-output snapshots (rendered reports, CLI help): the expected text lives in a file beside the test. Run with
/// `DEBRIEF_UPDATE_SNAPSHOTS=1` to write them anew after a deliberate change, then read the diff before committing.
public enum Snapshot {
    /// Nil when `text` equals the snapshot at `path`, else what differs (the first differing line).
    public static func mismatch(_ text: String, snapshot path: String) -> String? {
        if ProcessInfo.processInfo.environment["DEBRIEF_UPDATE_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "no snapshot at \(path) (run with DEBRIEF_UPDATE_SNAPSHOTS=1 to record it)"
        }
        guard expected != text else { return nil }
        let a = expected.components(separatedBy: "\n"), b = text.components(separatedBy: "\n")
        let line = Array(zip(a, b)).firstIndex { $0 != $1 } ?? min(a.count, b.count)
        return "\(path):\(line + 1): expected «\(line < a.count ? a[line] : "<end>")», got «\(line < b.count ? b[line] : "<end>")»"
    }

    /// The folder of snapshots of a test file (`Snapshots/` beside it).
    public static func folder(of testFile: String = #filePath) -> String {
        ((testFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Snapshots")
    }
}
