/// Checks a multipart body, chunk by chunk, before MultipartKit's parser sees it: MultipartKit 4.7.1 looks a part
/// header's name bytes up in a 128-entry table, so one byte of 0x80 or more in a header name traps and takes the
/// service down (found by `scripts/fuzz.sh`). The guard walks the body through the same states as that parser —
/// preamble up to the first `--boundary`, header lines up to the empty one, the part's bytes up to the next
/// `CRLF--boundary`, the epilogue after `--boundary--` — and refuses a header name that is not ASCII. Header values
/// may hold UTF-8 (browsers send file names so). Anything else the parser refuses, it refuses itself.
public struct MultipartHeaderGuard: Sendable {
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public var description: String { "a part's header name holds a byte that is not ASCII" }
    }

    enum Phase: Sendable, Equatable {
        case preamble(Int), lineBreak(Int), name(empty: Bool), value, valueEnd, headersEnd, body, boundary(Int)
        case epilogue
    }

    /// `CRLF--boundary`, as the parser matches it.
    let delimiter: [UInt8]
    var phase = Phase.preamble(0)

    public init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    public mutating func check(_ bytes: some Sequence<UInt8>) throws(Refusal) {
        let cr = UInt8(ascii: "\r")
        for byte in bytes {
            switch phase {
            case .preamble(let matched):
                // The parser lets the body open with `--boundary` (no line break before it).
                let next = matched == 0 && byte == delimiter[2] ? 3
                    : byte == delimiter[matched] ? matched + 1
                    : matched > 0 && byte == delimiter[0] ? 1 : 0
                phase = next == delimiter.count ? .lineBreak(2) : .preamble(next)
            case .lineBreak(let left):
                phase = left > 1 ? .lineBreak(left - 1) : .name(empty: true)
            case .name(let empty):
                if byte == UInt8(ascii: ":") && !empty {
                    phase = .value
                } else if byte == cr && empty {
                    phase = .headersEnd
                } else if byte >= 0x80 {
                    throw Refusal()
                } else {
                    phase = .name(empty: false)
                }
            case .value:
                if byte == cr { phase = .valueEnd }
            case .valueEnd:
                phase = .name(empty: true)
            case .headersEnd:
                phase = .body
            case .body:
                if byte == cr { phase = .boundary(1) }
            case .boundary(let matched):
                if matched == delimiter.count {
                    phase = byte == cr ? .lineBreak(1) : .epilogue
                } else if byte == delimiter[matched] {
                    phase = .boundary(matched + 1)
                } else {
                    phase = byte == cr ? .boundary(1) : .body
                }
            case .epilogue:
                return
            }
        }
    }
}
