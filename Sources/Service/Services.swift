import DebriefModel
import Dispatch
import Foundation
import LocalFiles
import Logging
import Pipeline
import ServiceLifecycle
import Store

/// Watches the inbox — inotify for prompt pickup, periodic rescans for what network shares never announce and what
/// an overflowing event queue loses — and queues each complete bundle once.
public struct InboxWatcher: Service {
    public let inbox: String
    public let store: any DebriefStore
    public let interval: Duration
    public let stableSeconds: Double
    public let logger: Logger
    public let clock: any WallClock

    public init(inbox: String, store: any DebriefStore, interval: Duration = .seconds(1), stableSeconds: Double = 2,
                clock: any WallClock = SystemClock(), logger: Logger) {
        self.inbox = inbox
        self.store = store
        self.interval = interval
        self.stableSeconds = stableSeconds
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        var scanner = InboxScanner(root: inbox, stableSeconds: stableSeconds)
        var missingLogged = false
        // Scans happen on every tick of the interval, and at once when inotify reports a file written or moved in.
        let (wakes, waker) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let events = InboxEvents(root: inbox) { waker.yield() }
        defer { events.stop() }
        let ticker = Task {
            while !Task.isCancelled {
                waker.yield()
                try? await Task.sleep(for: interval)
            }
        }
        defer {
            ticker.cancel()
            waker.finish()
        }
        for await _ in wakes.cancelOnGracefulShutdown() {
            if let listing = listInbox(inbox) {
                if missingLogged { logger.info("inbox \(inbox) is back: ingest resumes") }
                missingLogged = false
                events.ensureWatching()
                for job in scanner.observe(listing, now: clock.now, beingWritten: filesOpenForWriting) {
                    do {
                        if let queued = try await store.enqueue(job, now: clock.now) {
                            logger.info("queued", metadata: ["job": "\(queued.id)", "folder": "\(job.folderModel ?? "-")"])
                        }
                    } catch {
                        logger.error("cannot queue a recording: \(error.localizedDescription)", metadata: ["folder": "\(job.folderModel ?? "-")"])
                    }
                }
            } else if !missingLogged {
                logger.warning("inbox \(inbox) is missing or unreadable: ingest paused until it returns")
                missingLogged = true
            }
        }
    }
}

/// Runs `count` workers that claim queued jobs under leases, analyse them, and store the report (or the failure
/// with its reason), plus a sweeper that rescues the jobs of workers that stopped renewing their leases.
///
/// While a job runs, its lease is renewed every third of its length; a worker whose lease was lost (it hung, or the
/// database was unreachable long enough for another machine to rescue the job) has its late write rejected by the
/// fencing token. On graceful shutdown each worker finishes its current job and stops; a process stopped harder
/// leaves its leases to expire (or, restarted on the same host, expires them itself), and the jobs are rescued.
public struct WorkerPool: Service {
    public let store: any DebriefStore
    public let analyzer: any JobAnalyzing
    public let count: Int
    /// Which models score the jobs (the catalogue, and the model when nothing names one).
    public let model: ModelReference
    public let options: AnalysisOptions
    public let policy: QueuePolicy
    public let idleInterval: Duration
    public let sweepInterval: Duration
    public let logger: Logger
    /// Worker names are `NAME#PID.INDEX`; NAME defaults to the host name.
    public let name: String
    /// Scratch directory of isolated analyses, swept of dead workers' files with every lease sweep.
    public let scratch: String?
    /// Moves finished recordings out of the inbox, when configured.
    public let finished: FinishedMover?
    /// Webhook receivers told of each new report (`report.created`, through the store's outbox).
    public var webhooks: [String] = []
    /// Where leases, retries and reports read the time.
    public var clock: any WallClock = SystemClock()

    public init(store: any DebriefStore, analyzer: any JobAnalyzing, count: Int, model: ModelReference,
                options: AnalysisOptions = AnalysisOptions(), policy: QueuePolicy = QueuePolicy(),
                idleInterval: Duration = .milliseconds(500), sweepInterval: Duration = .seconds(5),
                name: String = ProcessInfo.processInfo.hostName, scratch: String? = nil,
                finished: FinishedMover? = nil, logger: Logger) {
        self.store = store
        self.analyzer = analyzer
        self.count = max(1, count)
        self.model = model
        self.options = options
        self.policy = policy
        self.idleInterval = idleInterval
        self.sweepInterval = sweepInterval
        self.logger = logger
        self.name = name
        self.scratch = scratch
        self.finished = finished
    }

    public func run() async throws {
        try await expireDeadLocalWorkers()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask { await self.work("\(self.name)#\(ProcessInfo.processInfo.processIdentifier).\(index)") }
            }
            group.addTask { await self.sweep() }
        }
    }

    /// Jobs held by workers of this host whose process is gone are rescued now rather than when their lease ends
    /// (a restart after a crash on one machine).
    func expireDeadLocalWorkers() async throws {
        let prefix = "\(name)#"
        for job in try await store.jobs(status: .running, limit: 10_000) {
            guard let worker = job.worker, worker.hasPrefix(prefix),
                  let pid = pid_t(worker.dropFirst(prefix.count).prefix { $0 != "." }),
                  pid != ProcessInfo.processInfo.processIdentifier, !processIsAlive(pid) else { continue }
            _ = try await store.expireLeases(worker: worker, now: clock.now)
        }
        try await rescue()
    }

    /// Rescues expired leases and removes scratch files of analyses whose worker died — the child of a worker killed
    /// a moment ago may still write its report after this worker started, so once at start-up is not enough.
    private func sweep() async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do { try await rescue() } catch { logger.error("lease sweep failed: \(error)") }
            if let scratch {
                let removed = IsolatedAnalyzer.sweepScratch(scratch)
                if removed > 0 { logger.info("removed \(removed) scratch files of analyses that died") }
            }
            try? await Task.sleep(for: sweepInterval)
        }
    }

    private func rescue() async throws {
        for job in try await store.rescueExpired(policy: policy, now: clock.now) {
            logger.warning("rescued an expired lease", metadata: ["job": "\(job.id)", "status": "\(job.status.rawValue)",
                                                                  "code": "\(job.errorCode ?? "")"])
        }
    }

    private func work(_ worker: String) async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                guard let job = try await store.claimNext(worker: worker, leaseSeconds: policy.leaseSeconds,
                                                          now: clock.now) else {
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

    /// Analyses one claimed job, renewing its lease meanwhile, and records the outcome. Analysis errors fail the
    /// job (transient ones re-queue it with a backoff); they never stop the worker.
    public func process(_ job: Job) async throws {
        guard let lease = job.lease else { return }
        let bundle = job.bundle ?? BundleFolder.bundle(at: job.path, folderModel: job.folderModel)
        let request = AnalysisRequest(bundle: bundle, model: model, options: options)
        let heartbeat = Task { await keepAlive(lease) }
        let outcome = await analyzer.analyze(request)
        heartbeat.cancel()
        guard let lease = await heartbeat.value else {
            logger.error("lease lost while analysing; the result is discarded", metadata: ["job": "\(job.id)"])
            return
        }
        do {
            switch outcome {
            case .success(let analysed):
                let population = try await store.population(modelID: analysed.model.id,
                                                            excludingRecording: analysed.recording.sha256)
                let report = analysed.placed(among: population)
                switch try await store.complete(lease, report: report,
                                                webhook: .reportCreated(report, urls: webhooks), now: clock.now) {
                case .stored(let id):
                    logger.info("report stored", metadata: ["job": "\(job.id)", "report": "\(id)"])
                case .duplicate(let id):
                    logger.info("same recording, model and pipeline as an earlier report: not stored twice",
                                metadata: ["job": "\(job.id)", "report": "\(id)"])
                }
            case .failure(let error):
                let failure = JobFailure(code: error.code.rawValue, reason: error.message,
                                         kind: error.isTransient ? .transient : .permanent)
                let after = try await store.fail(lease, failure, policy: policy, now: clock.now)
                logger.warning(after.status == .queued ? "job failed; it will be tried again" : "job failed",
                               metadata: ["job": "\(job.id)", "code": "\(error.code.rawValue)"])
                if after.status == .failed { moveFinished(bundle, succeeded: false) }
                return
            }
            moveFinished(bundle, succeeded: true)
        } catch let error as StoreError where error.code == .fenced {
            logger.error("late write rejected: \(error)", metadata: ["job": "\(job.id)"])
        }
    }

    private func moveFinished(_ bundle: RecordingBundle, succeeded: Bool) {
        guard let finished else { return }
        do { try finished.move(bundle, succeeded: succeeded) } catch {
            logger.error("cannot move a finished recording: \((error as NSError).code)",
                         metadata: ["folder": "\(bundle.folderModel ?? "-")"])
        }
    }

    /// Renews the lease until cancelled; returns the lease as last renewed, or nil when it was lost.
    private func keepAlive(_ lease: Lease) async -> Lease? {
        var lease = lease
        let interval = Duration.milliseconds(Int64(policy.leaseSeconds * 1000 / 3))
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return lease
            }
            do {
                lease = try await store.heartbeat(lease, leaseSeconds: policy.leaseSeconds, now: clock.now)
            } catch let error as StoreError where error.code == .fenced || error.code == .notFound {
                return nil
            } catch {
                // The database blinked: keep trying; the lease may still be ours at the next beat.
                logger.warning("heartbeat failed: \(error)", metadata: ["job": "\(lease.job)"])
            }
        }
    }
}
