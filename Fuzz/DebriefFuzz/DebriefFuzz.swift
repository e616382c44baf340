import DebriefModel
import Foundation
import MultipartKit
import NIOCore
import Transcripts
import Web

/// A libFuzzer target over every parser that takes outside input (`scripts/fuzz.sh` builds it with
/// `-sanitize=fuzzer,address` and runs it for a bounded time; CI fails on a crash, a sanitizer report or a hang).
/// The first byte picks the parser, the rest is the input; the seeds in `Fuzz/corpus` start each parser on real
/// files. A parser may refuse its input with an error: only crashing, reading out of bounds or not finishing fail.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let selector = bytes[0] % 8
    let input = Data(bytes.dropFirst())
    let text = String(decoding: input, as: UTF8.self)
    switch selector {
    case 0: _ = try? CueParser.parse(text, format: .webVTT, file: "f.vtt")
    case 1: _ = try? CueParser.parse(text, format: .srt, file: "f.srt")
    case 2: _ = try? CueParser.parse(text, format: .text, file: "f.txt")
    case 3: _ = try? WordJSON.parse(input, file: "f.transcript.json")
    case 4: _ = try? RecordingMetadata.parse(data: [UInt8](input), file: "f.yaml")
    case 5: _ = try? CompetencyModel.parse(yaml: text, file: "f.yaml")
    case 6: _ = try? CueParser.decodeText(input, file: "f.vtt")
    default: multipart(input)
    }
    return 0
}

/// A multipart body as the upload route reads it (the header guard, then MultipartKit): boundary `X`, two chunks.
private func multipart(_ input: Data) {
    let parser = MultipartParser(boundary: "X")
    var guarded = MultipartHeaderGuard(boundary: "X")
    var parts = 0, bytes = 0
    parser.onHeader = { _, _ in }
    parser.onBody = { buffer in bytes += buffer.readableBytes }
    parser.onPartComplete = { parts += 1 }
    let middle = input.count / 2
    for piece in [input.prefix(middle), input.dropFirst(middle)] {
        var buffer = ByteBufferAllocator().buffer(capacity: piece.count)
        buffer.writeBytes(piece)
        do {
            try guarded.check(piece)
            try parser.execute(buffer)
        } catch { return }
    }
}

/// libFuzzer's driver, entered from the program's entry point below.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> CInt

/// SwiftPM links an executable target's `main` to `<Target>_main`; with `-parse-as-library` the compiler emits no
/// such function, so this one is it: it hands the arguments to libFuzzer's driver with the target above.
@_cdecl("DebriefFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { start, size in fuzz(start, size) }
}
