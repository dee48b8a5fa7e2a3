/// The capability list `git upload-pack` puts on the first line of a protocol v0/v1 ref
/// advertisement, learned from git's own output.
///
/// The list depends on the git version and the server's settings (its `agent=` names the
/// version) but not on the repository, except for one token: `symref=HEAD:<branch>`, which
/// git writes when `HEAD` is a symbolic ref that resolves (upload-pack.c, `format_symref_info`).
/// So the list is kept as the bytes before and after that token.
public struct UploadPackCapabilities: Sendable, Equatable {
    let beforeSymref: [UInt8]
    let afterSymref: [UInt8]

    /// The capability list for a repository whose `HEAD` resolves through `headTarget`
    /// (nil: `HEAD` is detached, unborn or missing, and git writes no `symref=`).
    func rendered(headTarget: [UInt8]?) -> [UInt8] {
        guard let headTarget else { return beforeSymref + afterSymref }
        return beforeSymref + Array(" symref=HEAD:".utf8) + headTarget + afterSymref
    }

    /// The list as git wrote it in `advertisement` (its output without the `# service=`
    /// preamble) for a repository whose `HEAD` resolves through `headTarget`; nil when the
    /// advertisement is not one of that shape.
    init?(learningFrom advertisement: [UInt8], headTarget: [UInt8]) {
        var reader = PacketLine.Reader(advertisement)
        guard case .data(var line) = reader.next() else { return nil }
        if line == Array("version 1\n".utf8) {
            guard case .data(let next) = reader.next() else { return nil }
            line = next
        }
        guard let nul = line.firstIndex(of: 0), line.last == UInt8(ascii: "\n") else { return nil }
        let capabilities = Array(line[(nul + 1)..<(line.count - 1)])
        let token = Array(" symref=HEAD:".utf8) + headTarget
        guard let start = capabilities.firstRange(of: token)?.lowerBound else { return nil }
        let end = start + token.count
        guard end == capabilities.count || capabilities[end] == UInt8(ascii: " ") else { return nil }
        beforeSymref = Array(capabilities[..<start])
        afterSymref = Array(capabilities[end...])
    }
}
