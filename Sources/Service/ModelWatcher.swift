import Logging
import Pipeline
import ServiceLifecycle

/// Keeps the web app's list of models current: looks at the models folder every `interval` on a thread of its own and
/// parses the files that changed. Pages only ever read the last snapshot, so a model file that is slow or hostile to
/// parse never holds a request (and a broken one is listed with its reason on the admin's models page).
public struct ModelWatcher: Service {
    public let cache: ModelCache
    public let interval: Duration
    public let logger: Logger

    public init(cache: ModelCache, interval: Duration = .seconds(1), logger: Logger) {
        self.cache = cache
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let cache = cache
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await runBlocking { cache.refresh() }
            try? await Task.sleep(for: interval)
        }
    }
}
