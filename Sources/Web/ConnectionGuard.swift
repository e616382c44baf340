import Hummingbird
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Limits a client can not talk its way past: a request's headers must arrive within `headerSeconds` of the
/// connection opening (or of the previous response), its body may not pause for longer than `bodySeconds`, and one
/// client address holds at most `perClient` connections. A slow-loris client that trickles half a header, or opens
/// hundreds of connections, is cut off instead of holding file descriptors.
public struct ConnectionLimits: Sendable, Equatable {
    public var headerSeconds: Double
    public var bodySeconds: Double
    public var perClient: Int

    public init(headerSeconds: Double = 10, bodySeconds: Double = 30, perClient: Int = 64) {
        self.headerSeconds = headerSeconds
        self.bodySeconds = bodySeconds
        self.perClient = perClient
    }
}

/// Connections per client address, shared by every connection's guard.
public final class ConnectionCounts: Sendable {
    private let counts = Mutex([String: Int]())

    public init() {}

    /// Counts a new connection; false when the address already holds `limit`.
    func open(_ address: String, limit: Int) -> Bool {
        counts.withLock { counts in
            guard counts[address, default: 0] < limit else { return false }
            counts[address, default: 0] += 1
            return true
        }
    }

    func close(_ address: String) {
        counts.withLock { counts in
            let left = counts[address, default: 1] - 1
            counts[address] = left > 0 ? left : nil
        }
    }

    public func count(_ address: String) -> Int { counts.withLock { $0[address] ?? 0 } }
}

/// The channel handler enforcing `ConnectionLimits` on one connection, after HTTP decoding (it sees request parts).
public final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let counts: ConnectionCounts
    private var address: String?
    private var timer: Scheduled<Void>?

    public init(limits: ConnectionLimits, counts: ConnectionCounts) {
        self.limits = limits
        self.counts = counts
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard address == nil else { return }
        let peer = context.channel.remoteAddress?.ipAddress ?? "unknown"
        address = peer
        guard counts.open(peer, limit: limits.perClient) else {
            address = nil
            context.close(promise: nil)
            return
        }
        arm(context, seconds: limits.headerSeconds)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        if let address { counts.close(address) }
        address = nil
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context, seconds: limits.bodySeconds)
        case .body: arm(context, seconds: limits.bodySeconds)
        case .end:
            // The request is in; the server takes its time to answer.
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // After each response, the next request on this connection has the header time again.
        if case .end = unwrapOutboundIn(data) { arm(context, seconds: limits.headerSeconds) }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, seconds: Double) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
            channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}

/// Methods no route of Debrief answers (TRACE, CONNECT, …) get 405 with the methods there are, before anything else
/// looks at the request.
struct MethodGuard: RouterMiddleware {
    typealias Context = DebriefContext
    static let allowed: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

    func handle(_ request: Request, context: DebriefContext,
                next: (Request, DebriefContext) async throws -> Response) async throws -> Response {
        guard Self.allowed.contains(request.method) else {
            return Response(status: .methodNotAllowed,
                            headers: [.allow: "GET, HEAD, POST", .contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "method not allowed\n")))
        }
        return try await next(request, context)
    }
}
