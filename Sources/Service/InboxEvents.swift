import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Wakes the inbox watcher when something lands in the inbox: inotify `IN_CLOSE_WRITE` (a local writer finished),
/// `IN_MOVED_TO` (a file renamed into place), and new model folders. Events are only a hint to scan now: the periodic
/// rescan stays, because network shares send no events and a full event queue (`IN_Q_OVERFLOW`) loses them.
/// A missing or unmounted inbox ends the watch; `ensureWatching()` starts it again when the inbox is back.
final class InboxEvents: Sendable {
    let root: String
    private let state = Mutex<State>(State())
    private let wake: @Sendable () -> Void

    private struct State {
        var descriptor: Int32 = -1
        var watches: [Int32: String] = [:]
        var reader: Thread?
        var stopped = false
    }

    static let fileMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)

    init(root: String, wake: @escaping @Sendable () -> Void) {
        self.root = root
        self.wake = wake
    }

    deinit { stop() }

    /// Whether events are being received.
    var isWatching: Bool { state.withLock { $0.descriptor >= 0 } }

    /// Starts watching the inbox and its first-level folders if not already (returns whether it watches now).
    @discardableResult
    func ensureWatching() -> Bool {
        state.withLock { state in
            guard !state.stopped else { return false }
            if state.descriptor >= 0 { return true }
            let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { return false }
            guard Self.add(root, to: descriptor, in: &state.watches) else {
                close(descriptor)
                return false
            }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            where !name.hasPrefix(".") && !InboxScanner.reservedFolders.contains(name) {
                let path = (root as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    _ = Self.add(path, to: descriptor, in: &state.watches)
                }
            }
            state.descriptor = descriptor
            let thread = Thread { [weak self] in self?.readEvents(descriptor) }
            thread.name = "debrief-inotify"
            state.reader = thread
            thread.start()
            return true
        }
    }

    func stop() {
        state.withLock { state in
            state.stopped = true
            if state.descriptor >= 0 {
                close(state.descriptor)
                state.descriptor = -1
            }
        }
    }

    private static func add(_ path: String, to descriptor: Int32, in watches: inout [Int32: String]) -> Bool {
        let watch = inotify_add_watch(descriptor, path, fileMask)
        guard watch >= 0 else { return false }
        watches[watch] = path
        return true
    }

    /// Reads events until the descriptor is closed or the inbox goes away.
    private func readEvents(_ descriptor: Int32) {
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 1000)
            let current = state.withLock { $0.descriptor }
            guard current == descriptor else { return }
            guard ready > 0 else { continue }
            let count = read(descriptor, buffer, capacity)
            guard count > 0 else { continue }
            var offset = 0
            var lostRoot = false
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameStart = buffer.advanced(by: offset + MemoryLayout<inotify_event>.size)
                let name = event.len > 0 ? String(cString: nameStart.assumingMemoryBound(to: CChar.self)) : ""
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
                let mask = Int32(bitPattern: event.mask)
                if mask & Int32(IN_ISDIR) != 0, mask & Int32(IN_CREATE | IN_MOVED_TO) != 0,
                   !name.hasPrefix("."), !InboxScanner.reservedFolders.contains(name) {
                    state.withLock { state in
                        guard let parent = state.watches[event.wd], parent == root else { return }
                        _ = Self.add((parent as NSString).appendingPathComponent(name), to: descriptor,
                                     in: &state.watches)
                    }
                }
                if mask & Int32(IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT) != 0 || mask & Int32(IN_IGNORED) != 0 {
                    lostRoot = lostRoot || state.withLock { $0.watches[event.wd] == root }
                }
            }
            wake()
            if lostRoot {
                // The inbox itself went away (deleted, moved, unmounted): stop; the periodic scan notices its return.
                state.withLock { state in
                    if state.descriptor == descriptor {
                        close(descriptor)
                        state.descriptor = -1
                        state.watches = [:]
                    }
                }
                return
            }
        }
    }
}
