import DebriefModel
import Hummingbird
import Logging
import Pipeline
import ServiceLifecycle
import Store
import Web

/// How `debrief serve` runs: where it watches, how many workers, where it listens.
public struct ServeConfiguration: Sendable {
    public var inbox: String
    public var host: String
    public var port: Int
    public var workers: Int
    public var stableSeconds: Double
    public var scanInterval: Duration
    /// Analysis options of every job (speech recognition among them).
    public var analysis = AnalysisOptions()
    /// Leases, retries and backoff of the queue.
    public var policy = QueuePolicy()
    /// Scratch directory of isolated analyses.
    public var scratch: String?
    /// What becomes of a finished recording and its sidecars.
    public var finished = FinishedFiles.keep
    /// Webhook receivers and their secret; nil: none.
    public var webhooks: WebhookSettings?
    /// The largest upload the web app takes into the inbox.
    public var maxUploadBytes = 4 << 30
    /// The jobs (competency models) the web app lists; asked on each request.
    public var models: @Sendable () -> [CompetencyModel] = { [] }
    /// Model files that do not load, one line each (file, line, reason), for the admin's models page.
    public var modelProblems: @Sendable () -> [String] = { [] }

    public init(inbox: String, host: String = "127.0.0.1", port: Int = 8080, workers: Int = 2,
                stableSeconds: Double = 2, scanInterval: Duration = .seconds(1)) {
        self.inbox = inbox
        self.host = host
        self.port = port
        self.workers = workers
        self.stableSeconds = stableSeconds
        self.scanInterval = scanInterval
    }
}

/// One process: the inbox watcher, the workers and the web app over one store, shut down together on SIGINT/SIGTERM.
public func makeDebriefApplication(configuration: ServeConfiguration, store: any DebriefStore, analyzer: Analyzer,
                                   logger: Logger) -> some ApplicationProtocol {
    makeDebriefApplication(configuration: configuration, store: store, analyzer: InProcessAnalyzer(analyzer),
                           logger: logger)
}

/// One process with the given way of analysing (in process, or a child process per recording).
public func makeDebriefApplication(configuration: ServeConfiguration, store: any DebriefStore,
                                   analyzer: any JobAnalyzing, logger: Logger) -> some ApplicationProtocol {
    var services: [any Service] = [
        InboxWatcher(inbox: configuration.inbox, store: store, interval: configuration.scanInterval,
                     stableSeconds: configuration.stableSeconds, logger: logger),
    ]
    // No workers: this process only ingests and serves; `debrief worker` processes elsewhere do the analysis.
    if configuration.workers > 0 {
        var pool = WorkerPool(store: store, analyzer: analyzer, count: configuration.workers,
                              options: configuration.analysis, policy: configuration.policy,
                              scratch: configuration.scratch,
                              finished: configuration.finished.inbox(configuration.inbox), logger: logger)
        pool.webhooks = configuration.webhooks?.urls ?? []
        services.append(pool)
    }
    if let webhooks = configuration.webhooks, !webhooks.urls.isEmpty {
        services.append(WebhookSender(store: store, settings: webhooks, logger: logger))
    }
    return Application(
        router: makeRouter(store: store, models: configuration.models, modelProblems: configuration.modelProblems,
                           recording: { [inbox = configuration.inbox] in currentLocation(of: $0, inbox: inbox) },
                           uploads: UploadSettings(inbox: configuration.inbox, maxBytes: configuration.maxUploadBytes,
                                                   recordingExtensions: recordingExtensions,
                                                   metadataExtensions: Set(metadataExtensions)),
                           webhooks: configuration.webhooks?.urls ?? []),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Debrief"),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let url = "http://\(configuration.host):\(port)/"
            logger.info("Debrief is watching \(configuration.inbox)/ and serving reports on \(url)")
        },
        logger: logger)
}
