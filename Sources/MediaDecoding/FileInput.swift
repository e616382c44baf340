import CFFmpeg
#if canImport(Glibc)
import Glibc
#endif

/// Receives every byte of a recording once, in file order, as FFmpeg reads it: the content hash is taken in the
/// decode pass instead of by reading the file a second time.
public protocol ByteObserver: AnyObject {
    func observe(_ bytes: UnsafeRawBufferPointer)
}

/// The recording as FFmpeg reads it: our own `AVIOContext` over a file descriptor (freed with
/// `avio_context_free`), whose read callback hands each byte to a `ByteObserver` the first time the file is read
/// past it. FFmpeg may skip ahead (an MP4 index at the end, a stream it discards); the bytes it skipped are read
/// once more at the end (`finish`) so that the observer still sees the whole file in order.
final class FileInput {
    let context: UnsafeMutablePointer<AVIOContext>
    private let descriptor: Int32
    let size: Int64
    private var position: Int64 = 0
    /// The observer has seen every byte before this offset.
    private var observedUpTo: Int64 = 0
    /// Bytes read from the file: by FFmpeg, and to catch the observer up.
    private(set) var bytesRead: Int64 = 0
    private weak var observer: ByteObserver?
    private static let bufferSize: Int32 = 1 << 16

    init(path: String, observer: ByteObserver?) throws(DecodeError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DecodeError(code: .unreadable, file: path, reason: "cannot open (\(String(cString: strerror(errno))))")
        }
        var info = stat()
        fstat(descriptor, &info)
        size = Int64(info.st_size)
        self.observer = observer
        guard let buffer = av_malloc(Int(Self.bufferSize)) else {
            close(descriptor)
            throw DecodeError(code: .outOfMemory, file: path, reason: "cannot allocate a read buffer")
        }
        // The context calls back with `opaque`, an unretained pointer to this object, which outlives it (deinit).
        guard let made = avio_alloc_context(buffer.assumingMemoryBound(to: UInt8.self), Self.bufferSize, 0,
                                            nil, fileInputRead, nil, fileInputSeek) else {
            av_free(buffer)
            close(descriptor)
            throw DecodeError(code: .outOfMemory, file: path, reason: "cannot allocate an I/O context")
        }
        context = made
        context.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        // FFmpeg may have replaced the buffer; the context owns whichever it holds now.
        av_freep(&context.pointee.buffer)
        var pointer: UnsafeMutablePointer<AVIOContext>? = context
        avio_context_free(&pointer)
        close(descriptor)
    }

    fileprivate func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int32) -> Int32 {
        var got: Int
        repeat { got = pread(descriptor, buffer, Int(count), off_t(position)) } while got < 0 && errno == EINTR
        if got < 0 { return DEBRIEF_AVERROR_EIO }
        if got == 0 { return DEBRIEF_AVERROR_EOF }
        bytesRead += Int64(got)
        let start = position
        position += Int64(got)
        if start <= observedUpTo, position > observedUpTo, let observer {
            let skip = Int(observedUpTo - start)
            observer.observe(UnsafeRawBufferPointer(start: buffer + skip, count: got - skip))
            observedUpTo = position
        }
        return Int32(got)
    }

    fileprivate func seek(_ offset: Int64, whence: Int32) -> Int64 {
        if whence & DEBRIEF_AVSEEK_SIZE != 0 { return size }
        let target: Int64
        switch whence & ~DEBRIEF_AVSEEK_FORCE {
        case SEEK_SET: target = offset
        case SEEK_CUR: target = position + offset
        case SEEK_END: target = size + offset
        default: return Int64(DEBRIEF_AVERROR_EINVAL)
        }
        guard target >= 0 else { return Int64(DEBRIEF_AVERROR_EINVAL) }
        position = target
        return target
    }

    /// Hands the observer whatever FFmpeg did not read in order (skipped-over or unread bytes), so that it has
    /// seen the whole file once.
    func finish() {
        guard let observer, observedUpTo < size else { return }
        let block = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 16)
        defer { buffer.deallocate() }
        while observedUpTo < size {
            let got = pread(descriptor, buffer.baseAddress, block, off_t(observedUpTo))
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            bytesRead += Int64(got)
            observer.observe(UnsafeRawBufferPointer(start: buffer.baseAddress, count: got))
            observedUpTo += Int64(got)
        }
    }
}

@available(*, unavailable)
extension FileInput: Sendable {}

private func fileInputRead(_ opaque: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UInt8>?,
                           _ count: Int32) -> Int32 {
    guard let opaque, let buffer else { return DEBRIEF_AVERROR_EINVAL }
    return Unmanaged<FileInput>.fromOpaque(opaque).takeUnretainedValue().read(into: buffer, count: count)
}

private func fileInputSeek(_ opaque: UnsafeMutableRawPointer?, _ offset: Int64, _ whence: Int32) -> Int64 {
    guard let opaque else { return Int64(DEBRIEF_AVERROR_EINVAL) }
    return Unmanaged<FileInput>.fromOpaque(opaque).takeUnretainedValue().seek(offset, whence: whence)
}
