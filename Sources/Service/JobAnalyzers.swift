import DebriefModel
import Dispatch
import Foundation
import LocalFiles
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// Turns one queued recording into a report or a typed failure.
public protocol JobAnalyzing: Sendable {
    func analyze(_ request: AnalysisRequest) async -> Result<Report, AnalysisError>
}

/// Analyses in this process (tests, `debrief analyze`): fast to start, but a decoder crash would take the process.
public struct InProcessAnalyzer: JobAnalyzing {
    public let analyzer: Analyzer

    public init(_ analyzer: Analyzer) { self.analyzer = analyzer }

    public func analyze(_ request: AnalysisRequest) async -> Result<Report, AnalysisError> {
        let analyzer = analyzer
        return await runBlocking {
            do throws(AnalysisError) { return .success(try analyzer.analyze(request)) } catch { return .failure(error) }
        }
    }
}

/// What one isolated analysis may use.
public struct AnalysisLimits: Sendable, Equatable {
    /// Wall-clock seconds before the child is killed.
    public var wallSeconds: Double
    /// Address-space cap of the child (setrlimit RLIMIT_AS), in bytes.
    public var memoryBytes: UInt64

    public init(wallSeconds: Double = 1800, memoryBytes: UInt64 = 4 << 30) {
        self.wallSeconds = wallSeconds
        self.memoryBytes = memoryBytes
    }
}

/// Analyses each recording in a child process — `debrief analyze-job`, the same binary re-executing itself — so that
/// a file that crashes FFmpeg, exhausts memory or never finishes costs one job, never the service. The whole
/// `AnalysisRequest` goes to the child as one JSON file (no option travels as a separate argument, so none can be
/// dropped on the way). The child caps its own address space (RLIMIT_AS) and core dumps, stops within a second of its
/// parent's death (it polls `getppid`), and writes the report to a temporary file that it renames when complete; the
/// parent kills it at the wall-clock limit.
public struct IsolatedAnalyzer: JobAnalyzing {
    /// The `debrief` executable.
    public let executable: String
    /// Where the children's requests, reports and logs are written while a job runs (removed afterwards).
    public let scratch: String
    public let limits: AnalysisLimits

    public init(executable: String, scratch: String, limits: AnalysisLimits = AnalysisLimits()) {
        self.executable = executable
        self.scratch = scratch
        self.limits = limits
    }

    /// The command line of one child: process concerns only; everything about the analysis is in the request file.
    func childArguments(request: String, output: String) -> [String] {
        ["analyze-job", "--request", request, "--output", output, "--parent", String(getpid()),
         "--memory-limit", String(limits.memoryBytes)]
    }

    /// This process's own executable.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Prefix of this process's scratch files (`job-PID-…`): files of dead processes are swept by the worker pool.
    static var filePrefix: String { "job-\(getpid())-" }

    public func analyze(_ request: AnalysisRequest) async -> Result<Report, AnalysisError> {
        let base = (scratch as NSString).appendingPathComponent(Self.filePrefix + UUID().uuidString)
        let output = base + ".json", log = base + ".log", stdoutPath = base + ".out", requestPath = base + ".request"
        defer { for path in [output, output + ".part", log, stdoutPath, requestPath] { unlink(path) } }
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            guard let handle = OutputFile.createForWriting(requestPath) else {
                throw CocoaError(.fileWriteUnknown)
            }
            try handle.write(contentsOf: try JSONEncoder().encode(request))
            try handle.close()
        } catch {
            return .failure(AnalysisError(code: .crashed, message: "\(scratch): cannot write the analysis request "
                + "for the child process (\(error.localizedDescription))"))
        }
        let executable = executable, wallSeconds = limits.wallSeconds
        let arguments = childArguments(request: requestPath, output: output)
        let outcome = await runBlocking {
            Self.run(executable, arguments, stdout: stdoutPath, stderr: log, wallSeconds: wallSeconds)
        }
        let name = request.bundle.primaryPath
        switch outcome {
        case .failure(let error):
            return .failure(AnalysisError(code: .crashed, message: "\(name): cannot start the analysis process (\(error))"))
        case .success(.timedOut):
            return .failure(AnalysisError(code: .timeout, message: "\(name): analysis stopped after "
                + "\(Int(wallSeconds)) s (wall-clock limit); the file may be hostile or far longer than it claims"))
        case .success(.signal(let signal)):
            let what = signal == SIGKILL ? "was killed (SIGKILL: out of memory?)" : "crashed (\(Self.signalName(signal)))"
            let cap = [SIGABRT, SIGTRAP, SIGSEGV, SIGILL].contains(signal)
                ? " — it may have reached the memory cap of \(limits.memoryBytes >> 20) MiB" : ""
            return .failure(AnalysisError(code: .crashed, message: "\(name): the decoder \(what)\(cap)"
                + Self.lastLine(of: log).map { "; last message: \($0)" }.orEmpty))
        case .success(.exited(0)):
            do {
                return .success(try ReportCoding.decode(try Data(contentsOf: URL(fileURLWithPath: output))))
            } catch {
                return .failure(AnalysisError(code: .crashed, message: "\(name): the analysis process wrote no "
                    + "readable report (\(error))"))
            }
        case .success(.exited(let status)):
            if let data = FileManager.default.contents(atPath: stdoutPath),
               let reported = try? JSONDecoder().decode(ChildFailure.self, from: data) {
                return .failure(AnalysisError(code: .init(rawValue: reported.code), message: reported.message))
            }
            return .failure(AnalysisError(code: .crashed, message: "\(name): the analysis process exited with "
                + "status \(status)" + Self.lastLine(of: log).map { "; last message: \($0)" }.orEmpty))
        }
    }

    enum Termination: Equatable {
        case exited(Int32)
        case signal(Int32)
        case timedOut
    }

    /// Runs the child to completion or the deadline (then SIGKILL), with its output going to files (no pipe can
    /// fill up and stall it).
    static func run(_ executable: String, _ arguments: [String], stdout: String, stderr: String,
                    wallSeconds: Double) -> Result<Termination, any Error> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // A crash is reported by the parent; the Swift runtime's symbolicating backtracer would only slow it down.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        guard let out = OutputFile.createForWriting(stdout), let err = OutputFile.createForWriting(stderr) else {
            return .failure(AnalysisError(code: .crashed, message: "\(stdout): cannot create the child's output"))
        }
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch { return .failure(error) }
        if finished.wait(timeout: .now() + wallSeconds) == .timedOut {
            // The child leads its own process group (`analyze-job` calls setpgid): anything it started dies with it.
            kill(-process.processIdentifier, SIGKILL)
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            return .success(.timedOut)
        }
        switch process.terminationReason {
        case .uncaughtSignal: return .success(.signal(process.terminationStatus))
        case .exit: return .success(.exited(process.terminationStatus))
        @unknown default: return .success(.exited(process.terminationStatus))
        }
    }

    /// Deletes scratch files left by processes that no longer run (a worker killed mid-job).
    public static func sweepScratch(_ scratch: String) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: scratch) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix("job-") {
            let fields = name.split(separator: "-")
            guard fields.count > 2, let pid = pid_t(fields[1]), pid != getpid(), !processIsAlive(pid) else { continue }
            if unlink((scratch as NSString).appendingPathComponent(name)) == 0 { removed += 1 }
        }
        return removed
    }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGABRT: "SIGABRT", SIGILL: "SIGILL",
                                      SIGFPE: "SIGFPE", SIGTRAP: "SIGTRAP (a runtime check failed)",
                                      SIGKILL: "SIGKILL", SIGTERM: "SIGTERM"]
        return names[signal] ?? "signal \(signal)"
    }

    static func lastLine(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return tail.split(separator: "\n").last.map { String($0.prefix(300)) }
    }
}

/// What `debrief analyze-job` prints on standard output when the analysis fails.
public struct ChildFailure: Codable, Sendable {
    public var code: String
    public var message: String

    public init(_ error: AnalysisError) {
        code = error.code.rawValue
        message = error.message
    }
}

/// Whether a process with this id exists (signal 0 probes without sending anything).
public func processIsAlive(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}

/// Runs blocking work (FFmpeg decoding, DSP, waiting for a child) on a Dispatch thread so that it never holds a
/// cooperative thread.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: body()) }
    }
}

extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}
