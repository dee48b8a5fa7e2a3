import Foundation
import HubCore
import HubIndex
import NIOCore
import XetCore

/// What a Xet client needs to download (part of) a file itself: the file's terms over the range
/// it asked for, and for each xorb the byte windows to fetch, each behind a signed URL that
/// accepts any `Range` inside it (hf_xet merges adjacent ranges; hub-docs
/// `docs/xet/download-protocol.md`, `api.md` "Get File Reconstruction").
public struct XetReconstruction: Sendable {
    public struct Term: Sendable {
        public let xorb: MerkleHash
        public let unpackedLength: Int64
        public let chunks: Range<Int>
    }

    public struct Fetch: Sendable {
        public let chunks: Range<Int>
        /// Bytes of the stored xorb, last one included.
        public let bytes: ClosedRange<Int64>
        public let signature: String
        public let expires: Int64
    }

    /// Where the range asked for starts in the first term's bytes.
    public let offsetIntoFirstRange: Int64
    public let terms: [Term]
    /// Per xorb, in the order the terms first name it.
    public let fetches: [(xorb: MerkleHash, windows: [Fetch])]
}

extension XetService {
    /// How long a reconstruction's URLs stay valid.
    static let windowLifetime: TimeInterval = 3600

    /// The file `hash`, for a token of a repository the file is bound to; to any other token the
    /// file does not exist, so a token for a public repository reads no private file whose hash
    /// it learned.
    public func file(_ hash: MerkleHash, token: XetToken) async throws -> XetFile {
        guard let file = try await files.file(hash: hash),
            try await lfs.boundObjects([file.sha256], repo: token.repoRowID)[file.sha256] == file.size
        else { throw HubError.entryNotFound(hash.xetString) }
        return file
    }

    /// The reconstruction of bytes `first...last` of `file` (a range inside the file).
    public func reconstruction(of file: XetFile, first: Int64, last: Int64) async throws -> XetReconstruction {
        let expires = Int64(Date().addingTimeInterval(Self.windowLifetime).timeIntervalSince1970)
        var terms: [XetReconstruction.Term] = []
        var fetches: [(xorb: MerkleHash, windows: [XetReconstruction.Fetch])] = []
        var offsetIntoFirstRange: Int64 = 0
        var termStart: Int64 = 0
        for term in file.terms {
            let termEnd = termStart + Int64(term.unpackedBytes)
            defer { termStart = termEnd }
            guard termEnd > first, termStart <= last else { continue }
            guard let table = try await xorbs.chunks(of: term.xorb), term.chunkEnd <= table.count else {
                throw HubError.internalFailure("xorb \(term.xorb) of file \(file.hash) is missing or damaged")
            }
            guard let (chunks, firstChunkStart) = Self.overlap(
                of: term, table: table, startingAt: termStart, first: first, last: last)
            else { continue }
            let (from, to) = (chunks.lowerBound, chunks.upperBound)
            if terms.isEmpty { offsetIntoFirstRange = first - firstChunkStart }
            let length = table[from..<to].reduce(Int64(0)) { $0 + Int64($1.size) }
            terms.append(.init(xorb: term.xorb, unpackedLength: length, chunks: from..<to))
            let bytes = Int64(table[from].offset)...(Int64(table[to - 1].offset) + Int64(table[to - 1].serializedLength) - 1)
            let fetch = XetReconstruction.Fetch(
                chunks: from..<to, bytes: bytes,
                signature: signer.signWindow(xorb: term.xorb.xetString, window: bytes, expires: expires), expires: expires)
            if let index = fetches.firstIndex(where: { $0.xorb == term.xorb }) {
                if !fetches[index].windows.contains(where: { $0.chunks == fetch.chunks }) {
                    fetches[index].windows.append(fetch)
                }
            } else {
                fetches.append((term.xorb, [fetch]))
            }
        }
        return XetReconstruction(offsetIntoFirstRange: offsetIntoFirstRange, terms: terms, fetches: fetches)
    }

    /// Fails unless `signature` signs `window` of `xorb` and has not expired, and `range` lies
    /// inside the window.
    public func checkWindow(
        xorb: MerkleHash, window: ClosedRange<Int64>, expires: Int64, signature: String, range: ClosedRange<Int64>
    ) throws {
        guard expires >= Int64(Date().timeIntervalSince1970),
            signer.verifyWindow(xorb: xorb.xetString, window: window, expires: expires, signature: signature)
        else { throw HubError.forbidden("This xorb URL is not valid, or has expired: ask for the reconstruction again") }
        guard window.contains(range.lowerBound), window.contains(range.upperBound) else {
            throw HubError.forbidden("The range asked for is outside this URL's window")
        }
    }

    /// Streams bytes `range` of a stored xorb (after `checkWindow` allowed them).
    public func readWindow(xorb: MerkleHash, range: ClosedRange<Int64>, into consume: (ByteBuffer) async throws -> Void) async throws {
        try await xorbs.readSerialized(of: xorb, range, into: consume)
    }
}
