/// The SHA-256 that names an LFS object: 64 lowercase hex characters.
public struct LFSObjectID: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init(_ hex: String) throws(HubError) {
        guard LFSObjectID.isValid(hex) else {
            throw .badRequest("Invalid object id '\(HubName.printable(String(hex.prefix(80))))': expected 64 lowercase hex characters")
        }
        self.hex = hex
    }

    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    public var description: String { hex }
}

/// A Git LFS pointer file (git-lfs spec v1): what git stores in place of the content.
///
/// ```
/// version https://git-lfs.github.com/spec/v1
/// oid sha256:<64 hex>
/// size <bytes>
/// ```
public struct LFSPointer: Sendable, Hashable {
    public static let version = "https://git-lfs.github.com/spec/v1"
    /// git-lfs never writes a pointer this long; longer blobs are never parsed as pointers.
    public static let maxLength = 1024

    public let oid: LFSObjectID
    public let size: Int64

    public init(oid: LFSObjectID, size: Int64) {
        self.oid = oid
        self.size = size
    }

    /// The canonical pointer text, as git-lfs writes it.
    public var text: String {
        "version \(Self.version)\noid sha256:\(oid.hex)\nsize \(size)\n"
    }

    /// Parses a blob as a pointer; nil when it is not one (then it is an ordinary file).
    public init?(parsing bytes: some Collection<UInt8>) {
        guard bytes.count <= Self.maxLength, let text = String(validating: Array(bytes), as: UTF8.self) else {
            return nil
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.last == "" else { return nil }
        lines.removeLast()
        guard lines.first == "version \(Self.version)" else { return nil }
        var oid: LFSObjectID?
        var size: Int64?
        for line in lines.dropFirst() {
            if line.hasPrefix("oid sha256:") {
                oid = try? LFSObjectID(String(line.dropFirst("oid sha256:".count)))
            } else if line.hasPrefix("size ") {
                size = Int64(line.dropFirst("size ".count)).flatMap { $0 >= 0 ? $0 : nil }
            } else if !line.hasPrefix("ext-") {
                return nil
            }
        }
        guard let oid, let size else { return nil }
        self.init(oid: oid, size: size)
    }
}
