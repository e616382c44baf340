import DebriefModel
import Hummingbird
import Logging
import Pipeline
import Service
import ServiceLifecycle
import Store
import Web

/// How `debrief serve` runs: where it watches, how many workers, where it listens.
struct ServeConfiguration: Sendable {
    var inbox: String
    var host: String
    var port: Int
    var workers: Int
    var stableSeconds: Double
    var scanInterval: Duration
    /// Which models score the jobs (the catalogue, and the model when nothing names one).
    var model = ModelReference(catalog: "Models")
    /// Analysis options of every job (speech recognition among them).
    var analysis = AnalysisOptions()
    /// Leases, retries and backoff of the queue.
    var policy = QueuePolicy()
    /// Scratch directory of isolated analyses.
    var scratch: String?
    /// What becomes of a finished recording and its sidecars.
    var finished = FinishedFiles.keep
    /// Webhook receivers and their secret; nil: none.
    var webhooks: WebhookSettings?
    /// Header and body read timeouts, and connections per client address.
    var connections = ConnectionLimits()
    /// The largest upload the web app takes into the inbox.
    var maxUploadBytes = 4 << 30
    /// The jobs (competency models) the web app lists, refreshed in the background (never on a request).
    var modelCache: ModelCache?

    init(inbox: String, host: String = "127.0.0.1", port: Int = 8080, workers: Int = 2,
                stableSeconds: Double = 2, scanInterval: Duration = .seconds(1)) {
        self.inbox = inbox
        self.host = host
        self.port = port
        self.workers = workers
        self.stableSeconds = stableSeconds
        self.scanInterval = scanInterval
    }
}

/// One process: the inbox watcher, the workers, the model watcher and the web app over one store, shut down together
/// on SIGINT/SIGTERM. The only place that wires the edges (Service, Web) together.
func makeDebriefApplication(configuration: ServeConfiguration, store: any DebriefStore,
                            analyzer: any JobAnalyzing, logger: Logger) -> some ApplicationProtocol {
    var services: [any Service] = [
        InboxWatcher(inbox: configuration.inbox, store: store, interval: configuration.scanInterval,
                     stableSeconds: configuration.stableSeconds, logger: logger),
    ]
    // No workers: this process only ingests and serves; `debrief worker` processes elsewhere do the analysis.
    if configuration.workers > 0 {
        var pool = WorkerPool(store: store, analyzer: analyzer, count: configuration.workers, model: configuration.model,
                              options: configuration.analysis, policy: configuration.policy,
                              scratch: configuration.scratch,
                              finished: configuration.finished.inbox(configuration.inbox), logger: logger)
        pool.webhooks = configuration.webhooks?.urls ?? []
        services.append(pool)
    }
    if let webhooks = configuration.webhooks, !webhooks.urls.isEmpty {
        services.append(WebhookSender(store: store, settings: webhooks, logger: logger))
    }
    let cache = configuration.modelCache
    let counts = ConnectionCounts()
    services.append(ShutdownNotice(logger: logger))
    if let cache { services.append(ModelWatcher(cache: cache, logger: logger)) }
    return Application(
        router: makeRouter(store: store, models: { cache?.loadable() ?? [] },
                           modelProblems: { cache?.problems().map(\.description) ?? [] },
                           recording: { [inbox = configuration.inbox] in currentLocation(of: $0, inbox: inbox) },
                           uploads: UploadSettings(inbox: configuration.inbox, maxBytes: configuration.maxUploadBytes),
                           webhooks: configuration.webhooks?.urls ?? [], roleCorrection: correctRoles),
        server: .http1(configuration: .init(additionalChannelHandlers: [
            ConnectionGuard(limits: configuration.connections, counts: counts),
        ], idleTimeout: .seconds(120))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Debrief"),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let url = "http://\(configuration.host):\(port)/"
            logger.info("Debrief is watching \(configuration.inbox)/ and serving reports on \(url)")
        },
        logger: logger)
}

/// Says so when SIGINT or SIGTERM starts the graceful shutdown (workers finish the job in hand, then stop).
struct ShutdownNotice: Service {
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("Debrief is stopping: workers finish the recording in hand, nothing queued is lost")
    }
}

/// HR's correction of the speakers' roles, for the web layer: the stored report analysed again by the pipeline.
@Sendable func correctRoles(_ report: Report, model: CompetencyModel, candidate: String)
    -> Result<Report, RoleCorrectionRefused> {
    do {
        return .success(try Rescorer(model: model).correctingRoles(report, candidate: candidate))
    } catch {
        return .failure(RoleCorrectionRefused(reason: error.message))
    }
}
