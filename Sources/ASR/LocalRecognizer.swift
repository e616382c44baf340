import DebriefModel
import Foundation

/// Debrief's embedded recogniser (`asr/server.py` in the virtual environment `scripts/asr-setup.sh` makes), run as
/// a child process on loopback for as long as Debrief needs it.
public final class LocalRecognizer: Sendable {
    public let client: ASRClient
    /// What the server said it is, asked once it answered.
    public let info: RecognizerInfo?
    private let process: Process

    /// The recogniser analyses use (this server).
    public var recognizer: ServerRecognizer { ServerRecognizer(client: client, info: info) }

    /// The interpreter and the server script, when the setup has been run: `$DEBRIEF_ASR_HOME` (default `.asr`) and
    /// `asr/server.py` beside it.
    public static func locate(home: String? = nil) -> (python: String, script: String)? {
        let environment = ProcessInfo.processInfo.environment
        let root = home ?? environment["DEBRIEF_ASR_HOME"] ?? ".asr"
        let python = (root as NSString).appendingPathComponent("bin/python")
        let script = environment["DEBRIEF_ASR_SERVER"]
            ?? ((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("asr/server.py")
        let manager = FileManager.default
        guard manager.isExecutableFile(atPath: python), manager.fileExists(atPath: script) else { return nil }
        return (python, script)
    }

    /// Starts the server and waits (up to `timeout` seconds) until it answers.
    /// - Throws: `ASRError` saying why it did not come up (its log's last lines included).
    public init(python: String, script: String, threads: Int = 0, timeout: Double = 90) throws(ASRError) {
        let directory = NSTemporaryDirectory()
        let portFile = (directory as NSString).appendingPathComponent("debrief-asr-\(UUID().uuidString).port")
        let logFile = (directory as NSString).appendingPathComponent("debrief-asr-\(getpid()).log")
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--host", "127.0.0.1", "--port", "0", "--port-file", portFile,
                             "--threads", String(threads), "--parent", String(getpid())]
        process.standardOutput = FileHandle(forWritingAtPath: logFile)
        process.standardError = FileHandle(forWritingAtPath: logFile)
        do { try process.run() } catch {
            throw ASRError("cannot start the local recogniser \(script): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: portFile) }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text),
               let url = URL(string: "http://127.0.0.1:\(port)") {
                client = ASRClient(baseURL: url, model: "local")
                info = client.info()
                self.process = process
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        if process.isRunning { process.terminate() }
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        throw ASRError("the local recogniser did not start within \(Int(timeout)) s: "
            + log.split(separator: "\n").suffix(3).joined(separator: " | "))
    }

    /// The server process's peak resident memory so far (VmHWM), when it runs.
    public var peakResidentBytes: Int64? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int64(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// Stops the server: SIGTERM, then SIGKILL if it is still there after five seconds.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { stop() }
}
