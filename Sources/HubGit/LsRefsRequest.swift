/// A protocol v2 `command=ls-refs` request (gitprotocol-v2(5), "ls-refs"), as the body of a
/// `POST …/git-upload-pack`: the command, capability lines, a delimiter, then its arguments.
///
/// Only requests git would answer without an error are recognised: anything else (another
/// command, an unknown capability or argument, a malformed pkt-line) is `.other` and goes to
/// git, whose own answer (or error) is then the one the client gets.
public struct LsRefsRequest: Sendable, Equatable {
    public var peel = false
    public var symrefs = false
    public var unborn = false
    /// `ref-prefix` arguments; empty means every ref.
    public var prefixes: [[UInt8]] = []

    /// git stops honouring prefixes past this many and lists every ref (ls-refs.c, TOO_MANY_PREFIXES).
    static let tooManyPrefixes = 65536
    /// A request larger than this is not looked at here (git reads it instead).
    public static let maxInspectedSize = 1 << 20

    public enum Parsed: Sendable, Equatable {
        /// The request has not ended yet in the bytes received so far.
        case incomplete
        case lsRefs(LsRefsRequest)
        case other
    }

    /// What `body` (the start of a request body) holds.
    public static func parse(_ body: [UInt8]) -> Parsed {
        var reader = PacketLine.Reader(body)
        var command: [UInt8]?
        var keysEnded = false
        // The keys: the command and capabilities, up to a delimiter (arguments follow) or a
        // flush (none follow; serve.c, `process_request`).
        while !keysEnded {
            switch reader.next() {
            case .incomplete: return .incomplete
            case .malformed, .responseEnd: return .other
            case .flush:
                guard command != nil else { return .other }
                return command == Array("ls-refs".utf8) ? .lsRefs(LsRefsRequest()) : .other
            case .delimiter: keysEnded = true
            case .data(let line):
                let key = chomped(line)
                if key.starts(with: Array("command=".utf8)) {
                    guard command == nil else { return .other }
                    command = Array(key.dropFirst("command=".utf8.count))
                } else if !isAcceptedCapability(key) {
                    return .other
                }
            }
        }
        guard command == Array("ls-refs".utf8) else { return .other }
        var request = LsRefsRequest()
        while true {
            switch reader.next() {
            case .incomplete: return .incomplete
            case .malformed, .responseEnd, .delimiter: return .other
            case .flush:
                if request.prefixes.count >= tooManyPrefixes { request.prefixes = [] }
                return .lsRefs(request)
            case .data(let line):
                let argument = chomped(line)
                if argument == Array("peel".utf8) {
                    request.peel = true
                } else if argument == Array("symrefs".utf8) {
                    request.symrefs = true
                } else if argument == Array("unborn".utf8) {
                    request.unborn = true
                } else if argument.starts(with: Array("ref-prefix ".utf8)) {
                    if request.prefixes.count < tooManyPrefixes {
                        request.prefixes.append(Array(argument.dropFirst("ref-prefix ".utf8.count)))
                    }
                } else {
                    return .other
                }
            }
        }
    }

    /// Capabilities a client may send that git accepts without further checks here: its agent,
    /// the object format every hub repository has, and server options (which ls-refs ignores).
    private static func isAcceptedCapability(_ key: [UInt8]) -> Bool {
        key.starts(with: Array("agent=".utf8)) || key == Array("object-format=sha1".utf8)
            || key.starts(with: Array("server-option=".utf8))
    }

    /// A pkt-line's text without its one trailing newline (git reads them with
    /// PACKET_READ_CHOMP_NEWLINE).
    private static func chomped(_ line: [UInt8]) -> [UInt8] {
        line.last == UInt8(ascii: "\n") ? Array(line.dropLast()) : line
    }
}
