/// One line of what a pre-receive hook reads: a ref moving from `old` to `new`.
public struct RefUpdate: Sendable, Equatable {
    public static let zero = String(repeating: "0", count: 40)

    public let old: String
    public let new: String
    public let ref: String

    public init(old: String, new: String, ref: String) {
        self.old = old
        self.new = new
        self.ref = ref
    }

    public var isDeletion: Bool { new == Self.zero }

    /// Parses `<old> <new> <ref>` lines; nil when a line is malformed.
    public static func parse(_ text: String) -> [RefUpdate]? {
        var updates: [RefUpdate] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, isObjectID(parts[0]), isObjectID(parts[1]) else { return nil }
            updates.append(RefUpdate(old: String(parts[0]), new: String(parts[1]), ref: String(parts[2])))
        }
        return updates
    }

    static func isObjectID(_ text: Substring) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
