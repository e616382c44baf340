import DebriefModel
import Dispatch
import Foundation
import Logging
import Pipeline
import ServiceLifecycle
import Store

/// Watches the inbox by periodic rescans (which also catch what network shares never announce) and queues each
/// complete recording once.
public struct InboxWatcher: Service {
    public let inbox: String
    public let store: any DebriefStore
    public let interval: Duration
    public let stableSeconds: Double
    public let logger: Logger

    public init(inbox: String, store: any DebriefStore, interval: Duration = .seconds(1), stableSeconds: Double = 2,
                logger: Logger) {
        self.inbox = inbox
        self.store = store
        self.interval = interval
        self.stableSeconds = stableSeconds
        self.logger = logger
    }

    public func run() async throws {
        var scanner = InboxScanner(root: inbox, stableSeconds: stableSeconds)
        var missingLogged = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if let listing = listInbox(inbox) {
                missingLogged = false
                for job in scanner.observe(listing, now: Date()) {
                    do {
                        if let queued = try await store.enqueue(job, now: Date()) {
                            logger.info("queued", metadata: ["job": "\(queued.id)", "file": "\(job.path)"])
                        }
                    } catch {
                        logger.error("cannot queue \(job.path): \(error)")
                    }
                }
            } else if !missingLogged {
                logger.warning("inbox \(inbox) is missing or unreadable: ingest paused until it returns")
                missingLogged = true
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// Runs `count` workers that claim queued jobs, analyse them off the cooperative thread pool, and store the report
/// (or the failure with its reason). On graceful shutdown each worker finishes its current job and stops.
public struct WorkerPool: Service {
    public let store: any DebriefStore
    public let analyzer: Analyzer
    public let count: Int
    public let options: AnalysisOptions
    public let idleInterval: Duration
    public let logger: Logger
    public let name: String

    public init(store: any DebriefStore, analyzer: Analyzer, count: Int, options: AnalysisOptions = AnalysisOptions(),
                idleInterval: Duration = .milliseconds(500), name: String = ProcessInfo.processInfo.hostName,
                logger: Logger) {
        self.store = store
        self.analyzer = analyzer
        self.count = max(1, count)
        self.options = options
        self.idleInterval = idleInterval
        self.logger = logger
        self.name = name
    }

    public func run() async throws {
        let requeued = try await store.requeueAbandoned(now: Date())
        if requeued > 0 { logger.warning("re-queued \(requeued) jobs left running by a previous process") }
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask { await self.work("\(self.name)#\(ProcessInfo.processInfo.processIdentifier).\(index)") }
            }
        }
    }

    private func work(_ worker: String) async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                guard let job = try await store.claimNext(worker: worker, now: Date()) else {
                    try? await Task.sleep(for: idleInterval)
                    continue
                }
                try await process(job)
            } catch {
                logger.error("store error: \(error)")
                try? await Task.sleep(for: idleInterval)
            }
        }
    }

    /// Analyses one job and records the outcome. Analysis errors fail the job; they never stop the worker.
    public func process(_ job: Job) async throws {
        let request = AnalysisRequest(input: job.path, folderModel: job.folderModel, options: options)
        let analyzer = self.analyzer
        let outcome: Result<Report, AnalysisError> = await runBlocking {
            do throws(AnalysisError) { return .success(try analyzer.analyze(request)) } catch { return .failure(error) }
        }
        switch outcome {
        case .success(let analysed):
            let population = try await store.population(modelID: analysed.model.id,
                                                        excludingRecording: analysed.recording.sha256)
            let report = analysed.placed(among: population)
            let id = try await store.complete(job: job.id, report: report, now: Date())
            logger.info("report stored", metadata: ["job": "\(job.id)", "report": "\(id)", "file": "\(job.path)"])
        case .failure(let error):
            try await store.fail(job: job.id, reason: error.message, now: Date())
            logger.warning("job failed", metadata: ["job": "\(job.id)", "reason": "\(error.message)"])
        }
    }
}

/// Runs blocking work (FFmpeg decoding, DSP) on a Dispatch thread so that it never holds a cooperative thread.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: body()) }
    }
}
