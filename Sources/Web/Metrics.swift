import Foundation
import Hummingbird
import Prometheus
import Store

/// What `/metrics` reports (Prometheus text format 0.0.4, through swift-prometheus): HTTP requests by route pattern,
/// method and status with their latency, ratings and webhook deliveries as they happen, and at each scrape the
/// queue by status as the store holds it (so every machine of a PostgreSQL deployment reports the shared queue).
public final class WebMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Latency buckets from 1 ms to 10 s.
    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
                                      .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                      .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10)]

    public init() {}

    func request(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: .init(namespace: "debrief", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests by route pattern, method and status"),
                             labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: .init(namespace: "debrief", metricName: "http_request_duration",
                                                         unitName: "seconds", helpText: "HTTP request latency"),
                                       labels: [("route", route)], buckets: Self.buckets).record(duration)
    }

    func event(_ name: String, help: String, labels: [(String, String)] = []) {
        registry.makeCounter(descriptor: .init(namespace: "debrief", metricName: name, unitName: "total",
                                               helpText: help), labels: labels).increment()
    }

    /// The exposition, with the queue gauges read from the store now.
    func exposition(store: any DebriefStore) async throws -> String {
        let counts = try await store.queueCounts()
        for status in [JobStatus.queued, .running, .done, .failed] {
            registry.makeGauge(descriptor: .init(namespace: "debrief", metricName: "jobs", unitName: "",
                                                 helpText: "Recordings in the queue by status, as the store holds them"),
                               labels: [("status", status.rawValue)]).set(Double(counts[status] ?? 0))
        }
        return registry.emitToString()
    }
}

/// Times every request and counts it under its route pattern (`/reports/{id}`, never the id itself, so the series
/// stay few).
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = DebriefContext
    let metrics: WebMetrics

    func handle(_ request: Request, context: DebriefContext,
                next: (Request, DebriefContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                            status: response.status.code, duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? HTTPResponseError)?.status.code ?? 500
            metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                            status: status, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
