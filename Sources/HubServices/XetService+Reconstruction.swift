import Foundation
import HubCore
import HubIndex
import NIOCore
import XetCore

/// What a Xet client needs to download (part of) a file itself: the file's terms over the range
/// it asked for, and for each xorb the byte ranges to fetch, the chunk ranges of the terms merged
/// where they overlap or touch (as xet-core's own CAS simulation does,
/// `cas_client/simulation/xorb_utils.rs`), so each term lies inside one of them (hub-docs
/// `docs/xet/download-protocol.md`, `api.md` "Get File Reconstruction").
public struct XetReconstruction: Sendable {
    public struct Term: Sendable {
        public let xorb: MerkleHash
        public let unpackedLength: Int64
        public let chunks: Range<Int>
    }

    public struct Fetch: Sendable, Equatable {
        public let chunks: Range<Int>
        /// Bytes of the stored xorb, last one included.
        public let bytes: ClosedRange<Int64>
    }

    /// Where the range asked for starts in the first term's bytes.
    public let offsetIntoFirstRange: Int64
    public let terms: [Term]
    /// Per xorb, in the order the terms first name it; each xorb's ranges sorted and disjoint.
    public let fetches: [(xorb: MerkleHash, ranges: [Fetch])]
}

/// The signature of a URL to byte windows of a xorb, and when it stops being valid.
public struct XetWindowSignature: Sendable {
    public let expires: Int64
    public let signature: String

    public init(expires: Int64, signature: String) {
        self.expires = expires
        self.signature = signature
    }
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
        var terms: [XetReconstruction.Term] = []
        var wanted: [(xorb: MerkleHash, ranges: [XetReconstruction.Fetch])] = []
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
            let fetch = XetReconstruction.Fetch(chunks: from..<to, bytes: bytes)
            if let index = wanted.firstIndex(where: { $0.xorb == term.xorb }) {
                wanted[index].ranges.append(fetch)
            } else {
                wanted.append((term.xorb, [fetch]))
            }
        }
        return XetReconstruction(
            offsetIntoFirstRange: offsetIntoFirstRange, terms: terms,
            fetches: wanted.map { ($0.xorb, Self.merged($0.ranges)) })
    }

    /// `ranges` sorted, those that overlap or touch (in chunks) made one.
    static func merged(_ ranges: [XetReconstruction.Fetch]) -> [XetReconstruction.Fetch] {
        var merged: [XetReconstruction.Fetch] = []
        for next in ranges.sorted(by: { $0.chunks.lowerBound < $1.chunks.lowerBound }) {
            if let current = merged.last, next.chunks.lowerBound <= current.chunks.upperBound {
                merged[merged.count - 1] = XetReconstruction.Fetch(
                    chunks: current.chunks.lowerBound..<max(current.chunks.upperBound, next.chunks.upperBound),
                    bytes: current.bytes.lowerBound...max(current.bytes.upperBound, next.bytes.upperBound))
            } else {
                merged.append(next)
            }
        }
        return merged
    }

    /// A signature letting whoever holds it read `windows` of `xorb` for the next hour: the
    /// query of the self-authorising URLs reconstructions hand out.
    public func signWindows(xorb: MerkleHash, windows: [ClosedRange<Int64>]) -> XetWindowSignature {
        let expires = Int64(Date().addingTimeInterval(Self.windowLifetime).timeIntervalSince1970)
        return XetWindowSignature(
            expires: expires, signature: signer.signWindows(xorb: xorb.xetString, windows: windows, expires: expires))
    }

    /// Fails unless `signature` signs `windows` of `xorb` and has not expired, and each of
    /// `ranges` lies inside one window (hf_xet may merge what it was given).
    public func checkWindows(
        xorb: MerkleHash, windows: [ClosedRange<Int64>], signature: XetWindowSignature, ranges: [ClosedRange<Int64>]
    ) throws {
        guard signature.expires >= Int64(Date().timeIntervalSince1970),
            signer.verifyWindows(
                xorb: xorb.xetString, windows: windows, expires: signature.expires, signature: signature.signature)
        else { throw HubError.forbidden("This xorb URL is not valid, or has expired: ask for the reconstruction again") }
        for range in ranges where !windows.contains(where: { $0.contains(range.lowerBound) && $0.contains(range.upperBound) }) {
            throw HubError.forbidden("The range \(range.lowerBound)-\(range.upperBound) is outside this URL's windows")
        }
    }

    /// Streams bytes `range` of a stored xorb (after `checkWindows` allowed them).
    public func readWindow(xorb: MerkleHash, range: ClosedRange<Int64>, into consume: (ByteBuffer) async throws -> Void) async throws {
        try await xorbs.readSerialized(of: xorb, range, into: consume)
    }
}
