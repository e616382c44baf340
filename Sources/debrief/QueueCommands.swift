import ArgumentParser
import Crypto
import DebriefModel
import Foundation
import LocalFiles
import Logging
import ASR
import Pipeline
import Service
import ServiceLifecycle
import Store
#if canImport(Glibc)
import Glibc
#endif

/// How analyses run: how many at once, isolated or not, their limits, and the queue's lease and retry policy.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Number of analysis workers (serve: 0 only ingests and serves; workers run elsewhere).")
    var workers = 2

    @Flag(inversion: .prefixedNo, help: "Analyse each recording in a child process with a memory cap and a time limit.")
    var isolate = true

    @Option(help: "Wall-clock limit of one analysis, in seconds.")
    var jobTimeout = 1800.0

    @Option(help: "Address-space cap of one analysis, in MiB.")
    var memoryLimit = 4096

    @Option(help: "Seconds a claimed job's lease lasts without a heartbeat.")
    var leaseSeconds = 60.0

    @Option(help: "Attempts per job (crashes and lost workers count) before it is quarantined.")
    var maxAttempts = 3

    func validate() throws {
        guard (0...64).contains(workers) else { throw ValidationError("--workers must be within 0…64") }
        guard jobTimeout >= 1 else { throw ValidationError("--job-timeout must be at least 1 second") }
        guard memoryLimit >= 256 else { throw ValidationError("--memory-limit must be at least 256 MiB") }
        guard leaseSeconds >= 1 else { throw ValidationError("--lease-seconds must be at least 1") }
        guard (1...100).contains(maxAttempts) else { throw ValidationError("--max-attempts must be within 1…100") }
    }

    var policy: QueuePolicy { QueuePolicy(leaseSeconds: leaseSeconds, maxAttempts: maxAttempts) }

    /// The analysis every worker runs: a child process per job (default), or in this process.
    func analyzer(recognizer: (any SpeechRecognizer)?, scratch: String) -> any JobAnalyzing {
        guard isolate else { return InProcessAnalyzer(Analyzer(recognizer: recognizer)) }
        return IsolatedAnalyzer(executable: IsolatedAnalyzer.currentExecutable, scratch: scratch,
                                limits: AnalysisLimits(wallSeconds: jobTimeout, memoryBytes: UInt64(memoryLimit) << 20))
    }
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run analysis workers only, against a shared store (many machines, one PostgreSQL).",
        discussion: """
            Recordings must be on storage every machine sees at the same path. Workers claim jobs under leases that
            they renew while working; the jobs of a machine that dies are rescued by the others once its leases
            expire. SIGINT/SIGTERM: finish the current jobs, then stop.
            """)

    @OptionGroup var storage: StoreOptions
    @OptionGroup var work: WorkerOptions
    @OptionGroup var models: ModelOptions
    @OptionGroup var asr: ASROptions
    @OptionGroup var webhooks: WebhookOptions

    @Option(help: "Worker name prefix (default: the host name).")
    var name = ProcessInfo.processInfo.hostName

    func run() async throws {
        var logger = Logger(label: "debrief.worker")
        logger.logLevel = .info
        try models.check()
        guard work.workers > 0 else { throw ValidationError("debrief worker needs --workers 1 or more") }
        let webhookSettings = try webhooks.settings()
        let store = try await storage.open()
        let recognition = try asr.start()
        defer { recognition.local?.stop() }
        var pool = WorkerPool(store: store,
                              analyzer: work.analyzer(recognizer: recognition.recognizer, scratch: storage.scratch),
                              count: work.workers, model: models.reference(),
                              options: AnalysisOptions(recognition: recognition.settings), policy: work.policy,
                              name: name, scratch: storage.scratch, logger: logger)
        pool.webhooks = webhookSettings?.urls ?? []
        logger.info("\(work.workers) workers on \(storage.url.hasPrefix("sqlite:") ? storage.url : "PostgreSQL")")
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: pool)]
        if let webhookSettings {
            services.append(.init(service: WebhookSender(store: store, settings: webhookSettings, logger: logger)))
        }
        let group = ServiceGroup(configuration: .init(services: services,
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Queue counts, running jobs and failures with reasons.")

    @OptionGroup var storage: StoreOptions

    @Option(help: "Failures to list.")
    var failures = 20

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let store = try await storage.open(mustExist: true)
        let counts = try await store.queueCounts()
        let running = try await store.jobs(status: .running, limit: 100)
        let failed = try await store.jobs(status: .failed, limit: failures)
        if json {
            struct Output: Encodable {
                var counts: [String: Int]
                var running: [Job]
                var failed: [Job]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let output = Output(counts: Dictionary(uniqueKeysWithValues: JobStatus.allCases.map {
                ($0.rawValue, counts[$0] ?? 0)
            }), running: running, failed: failed)
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        print(JobStatus.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: "  "))
        let waiting = try await store.jobs(status: .queued, limit: 1000).filter { ($0.notBefore ?? .distantPast) > Date() }
        if !waiting.isEmpty { print("\(waiting.count) queued jobs wait for a retry after a transient failure") }
        for job in running {
            let left = job.leaseExpiresAt.map { Int($0.timeIntervalSinceNow.rounded()) } ?? 0
            print("running #\(job.id) \(job.path) — \(job.worker ?? "?"), attempt \(job.attempts), lease \(left) s")
        }
        if !failed.isEmpty {
            let types = Dictionary(grouping: failed, by: { $0.errorCode ?? "unknown" }).mapValues(\.count)
            print("failures by type: " + types.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        for job in failed {
            print("failed  #\(job.id) [\(job.errorCode ?? "?")] \(job.path) — attempt \(job.attempts): "
                + (job.error ?? "no reason recorded"))
        }
        if !failed.isEmpty { print("`debrief retry JOB` queues a failed job again.") }
    }
}

struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Queue a failed (quarantined) job again.")

    @Argument(help: "Job id (see `debrief status`).")
    var job: Int64

    @OptionGroup var storage: StoreOptions

    func run() async throws {
        let store = try await storage.open(mustExist: true)
        do {
            let job = try await store.retry(job: job, now: Date())
            print("job #\(job.id) queued again: \(job.path)")
        } catch let error as StoreError {
            printError("\(error)")
            throw ExitCode(2)
        }
    }
}

struct Erase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase everything Debrief holds about one candidate, and write an erasure receipt.",
        discussion: """
            Removes the candidate's reports (with every revision), the jobs that produced them, and their files:
            the recordings and sidecars in the inbox (or its processed/ and failed/ folders), and metadata files in
            the inbox naming the candidate. SQLite overwrites freed pages (secure_delete) and truncates its log.
            Failed and quarantined jobs of the candidate's recordings go too; nothing outside the inbox is touched.
            The receipt (DATA/erasures/) records what was removed, and the candidate only as a keyed hash (HMAC with
            the installation's DATA/erasure.key). An erasure cut short is finished by running it again.
            """)

    @Option(help: "The candidate, as named in the metadata (`candidate:`).")
    var candidate: String

    @Option(help: "The watched folder, searched for the candidate's files.")
    var inbox = "inbox"

    @OptionGroup var storage: StoreOptions

    func run() async throws {
        let store = try await storage.open(mustExist: true)
        let eraser = CandidateEraser(store: store, storeName: storage.url.replacingOccurrences(
            of: #"//[^@/]*@"#, with: "//", options: .regularExpression), inbox: inbox, data: storage.data)
        let outcome: CandidateEraser.Outcome
        do { outcome = try await eraser.erase(candidate: candidate) } catch let error as StoreError {
            printError("\(error)")
            throw ExitCode(2)
        } catch {
            printError("the erasure did not finish (\(error.localizedDescription)); run the same command again to "
                + "finish it")
            throw ExitCode(1)
        }
        let receipt = outcome.receipt
        print("erased: \(receipt.reports) reports, \(receipt.revisions) earlier revisions, \(receipt.jobs) jobs, "
            + "\(receipt.accounts) accounts, \(receipt.filesRemoved) files; receipt \(outcome.receiptPath)")
        for line in outcome.notRemoved { printError("not removed: \(line)") }
        if !outcome.notRemoved.isEmpty { throw ExitCode(1) }
    }
}

/// One recording analysed in a child process of `debrief serve`/`worker` (see `IsolatedAnalyzer`); not for people.
struct AnalyzeJob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze-job", abstract: "Analyse one queued recording (internal: run by the workers).",
        shouldDisplay: false)

    @Option(help: "The analysis request (JSON, as the worker wrote it).")
    var request: String
    @Option(help: "Where the report goes (written under a temporary name, then renamed).")
    var output: String?
    @Option var parent: Int32?
    @Option var memoryLimit: UInt64?
    @Flag(help: "Print the request as this process read it, and stop (what the worker sent).")
    var printRequest = false

    func run() async throws {
        setpgid(0, 0)
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &core)
        if let memoryLimit {
            var cap = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
            setrlimit(Int32(RLIMIT_AS.rawValue), &cap)
        }
        if let parent { Self.dieWithParent(parent) }
        let request: AnalysisRequest
        do {
            request = try JSONDecoder().decode(AnalysisRequest.self, from: Data(contentsOf: URL(fileURLWithPath: self.request)))
        } catch {
            let failure = AnalysisError(code: .crashed, message: "\(self.request): unreadable analysis request (\(error))")
            FileHandle.standardOutput.write(try JSONEncoder().encode(ChildFailure(failure)))
            throw ExitCode(2)
        }
        if printRequest {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            FileHandle.standardOutput.write(try encoder.encode(request))
            return
        }
        guard let output else { throw ValidationError("--output is required") }
        // The recogniser the parent started (or was pointed at) is reached by its URL.
        let analyzer = Analyzer(recognizer: ServerRecognizer(settings: request.options.recognition))
        do {
            let report = try analyzer.analyze(request)
            try Self.writeAtomically(try ReportCoding.encode(report), to: output, parent: parent)
        } catch let error as AnalysisError {
            FileHandle.standardOutput.write(try JSONEncoder().encode(ChildFailure(error)))
            throw ExitCode(2)
        }
    }

    /// The worker that started this process may be killed (kill -9 included): then this process stops too, within a
    /// second, instead of finishing a job nobody will collect.
    static func dieWithParent(_ parent: Int32) {
        guard getppid() == parent else { _exit(3) }
        Thread.detachNewThread {
            while true {
                sleep(1)
                if getppid() != parent { _exit(3) }
            }
        }
    }

    /// Writes `data` under a temporary name, flushes it, and renames it into place: a reader sees all or nothing.
    /// When the worker that asked for it is gone, nothing is left behind for its scratch sweep to find.
    static func writeAtomically(_ data: Data, to path: String, parent: Int32?) throws {
        let temporary = path + ".part"
        guard let handle = OutputFile.createForWriting(temporary) else {
            throw AnalysisError(code: .crashed, message: "\(temporary): cannot write the report")
        }
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        if let parent, getppid() != parent {
            unlink(temporary)
            _exit(3)
        }
        guard rename(temporary, path) == 0 else {
            throw AnalysisError(code: .crashed, message: "\(path): cannot move the report into place")
        }
    }
}
