import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing
@testable import Web
#if canImport(Glibc)
import Glibc
#endif

/// Slow clients and connection floods, against a real socket: half a header is cut off at the header timeout, a
/// client past its connection cap is refused, and an ordinary request is answered.
@Suite struct ConnectionGuardTests {
    /// A blocking TCP client on loopback.
    final class RawClient: Sendable {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
        }

        deinit { close(socket) }

        func send(_ text: String) { _ = text.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }

        /// Reads until the server closes or `seconds` pass, on a thread of its own: a blocking read must never hold one
        /// of the few threads the server's own tasks run on.
        func readUntilClosed(within seconds: Double) async -> (text: String, closed: Bool, after: Double) {
            await read(within: seconds, untilHeader: false)
        }

        /// Reads until a response's header has come, the server closes, or `seconds` pass.
        func readHeaderOrClose(within seconds: Double) async -> (text: String, closed: Bool, after: Double) {
            await read(within: seconds, untilHeader: true)
        }

        private func read(within seconds: Double, untilHeader: Bool) async -> (text: String, closed: Bool, after: Double) {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(returning: self.blockingRead(within: seconds, untilHeader: untilHeader))
                }
            }
        }

        private func blockingRead(within seconds: Double, untilHeader: Bool) -> (text: String, closed: Bool, after: Double) {
            var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let started = Date()
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count > 0 {
                    received += buffer[0..<count]
                    let text = String(decoding: received, as: UTF8.self)
                    if untilHeader, text.contains("\r\n\r\n") { return (text, false, Date().timeIntervalSince(started)) }
                    continue
                }
                // Closed: an orderly end, or a reset (the server closed with the request unread).
                let closed = count == 0 || errno == ECONNRESET
                return (String(decoding: received, as: UTF8.self), closed, Date().timeIntervalSince(started))
            }
        }
    }

    func application(_ limits: ConnectionLimits) -> some ApplicationProtocol {
        let counts = ConnectionCounts()
        return Application(router: makeRouter(store: MemoryStore()),
                           server: .http1(configuration: .init(additionalChannelHandlers: [
                               ConnectionGuard(limits: limits, counts: counts),
                           ])),
                           configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test(.timeLimit(.minutes(5)))
    func halfAHeaderIsCutOff() async throws {
        try await application(ConnectionLimits(headerSeconds: 1, bodySeconds: 1, perClient: 8)).test(.live) { client in
            let port = try #require(client.port)
            let slow = try RawClient(port: port)
            slow.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            let outcome = await slow.readUntilClosed(within: 20)
            #expect(outcome.closed && outcome.text.isEmpty && outcome.after < 15, "\(outcome)")
            // A whole request is answered.
            let quick = try RawClient(port: port)
            quick.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await quick.readUntilClosed(within: 20).text.hasPrefix("HTTP/1.1 200"))
        }
    }

    /// The timeouts are far beyond any stall of this busy machine, so that no held connection is cut off (and its
    /// place freed) before the one past the cap arrives.
    @Test(.timeLimit(.minutes(5)))
    func aClientPastItsCapIsRefused() async throws {
        let cap = 3
        try await application(ConnectionLimits(headerSeconds: 900, bodySeconds: 900, perClient: cap)).test(.live) { client in
            let port = try #require(client.port)
            // Whatever the test client holds itself, one more than the cap from this address is refused.
            var held: [RawClient] = []
            var refused: [RawClient] = []
            for _ in 0...cap {
                let connection = try RawClient(port: port)
                connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                let answer = await connection.readHeaderOrClose(within: 120)
                if answer.text.hasPrefix("HTTP/1.1 200") { held.append(connection) } else { refused.append(connection) }
            }
            #expect(!refused.isEmpty && held.count < cap + 1, "\(held.count) answered, \(refused.count) refused")
            #expect(!held.isEmpty)
            // Once the held connections close, the address may connect again.
            held.removeAll()
            refused.removeAll()
            // (The server learns of the closes on its own event loop: asked again for up to a minute.)
            var answeredAgain = false
            for _ in 0..<200 where !answeredAgain {
                try await Task.sleep(for: .milliseconds(300))
                let again = try RawClient(port: port)
                again.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answeredAgain = await again.readUntilClosed(within: 5).text.hasPrefix("HTTP/1.1 200")
            }
            #expect(answeredAgain)
        }
    }
}
