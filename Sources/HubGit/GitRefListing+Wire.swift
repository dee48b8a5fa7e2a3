/// The listing as git puts it on the wire.
extension GitRefListing {
    /// Whether `uploadPackAdvertisement` gives git's bytes whatever git's version: not for a
    /// repository with nothing to advertise (git 2.39 sends a bare flush, later versions a
    /// `capabilities^{}` line) nor one with a ref to a missing object.
    public var advertisesLikeEveryGit: Bool {
        if hasRefsToMissingObjects { return false }
        if case .resolved = head { return true }
        return !refs.isEmpty
    }

    /// The protocol v0 (or, with `version1`, v1) ref advertisement of `git upload-pack
    /// --advertise-refs`, without the `# service=` preamble smart HTTP adds: `HEAD` first when it
    /// resolves, the capabilities after a NUL on the first line, each annotated tag followed by
    /// its `^{}` line, a flush at the end (upload-pack.c, `send_ref`; gitprotocol-pack(5)).
    ///
    /// Nil when the listing is not `advertisesLikeEveryGit`.
    public func uploadPackAdvertisement(capabilities: UploadPackCapabilities, version1: Bool) -> [UInt8]? {
        guard advertisesLikeEveryGit else { return nil }
        var output: [UInt8] = []
        if version1 { output += PacketLine.data("version 1\n") }
        var advertised: [Entry] = []
        var headTarget: [UInt8]?
        if case .resolved(let head) = head {
            advertised.append(head)
            headTarget = head.symrefTarget
        }
        advertised += refs
        for (index, entry) in advertised.enumerated() {
            var line = Array(entry.object.utf8) + [UInt8(ascii: " ")] + entry.name
            if index == 0 { line += [0] + capabilities.rendered(headTarget: headTarget) }
            output += PacketLine.data(bytes: line + [10])
            if let peeled = entry.peeled {
                output += PacketLine.data(bytes: Array(peeled.utf8) + [UInt8(ascii: " ")] + entry.name + Array("^{}\n".utf8))
            }
        }
        return output + PacketLine.flush
    }

    /// The answer to a protocol v2 `ls-refs` (ls-refs.c): `HEAD` first (or, when asked with both
    /// `unborn` and `symrefs` and `unbornAllowed`, `unborn HEAD` for an empty repository), then
    /// every ref that starts with one of the prefixes, then a flush.
    public func lsRefsAnswer(to request: LsRefsRequest, unbornAllowed: Bool) -> [UInt8] {
        func wanted(_ name: [UInt8]) -> Bool {
            request.prefixes.isEmpty || request.prefixes.contains { name.starts(with: $0) }
        }
        func line(_ entry: Entry) -> [UInt8] {
            var text = Array(entry.object.utf8) + [UInt8(ascii: " ")] + entry.name
            if request.symrefs, let target = entry.symrefTarget { text += Array(" symref-target:".utf8) + target }
            if request.peel, let peeled = entry.peeled { text += Array(" peeled:".utf8) + Array(peeled.utf8) }
            return PacketLine.data(bytes: text + [10])
        }
        var output: [UInt8] = []
        let headName = Array("HEAD".utf8)
        switch head {
        case .resolved(let entry) where wanted(headName):
            output += line(entry)
        case .unborn(let target) where request.unborn && unbornAllowed && request.symrefs && wanted(headName):
            output += PacketLine.data(bytes: Array("unborn HEAD symref-target:".utf8) + target + [10])
        default:
            break
        }
        for entry in refs where wanted(entry.name) {
            output += line(entry)
        }
        return output + PacketLine.flush
    }
}
