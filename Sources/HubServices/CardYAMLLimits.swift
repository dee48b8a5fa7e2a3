import CYaml
import HubCore

/// Bounds on card metadata, checked on libyaml's event stream before Yams builds anything.
///
/// Yams resolves an alias by sharing the anchored node, but everything after it (its duplicate-key
/// check, conversion to Swift values, JSON for the index) walks the expanded tree: a "billion
/// laughs" document of a few hundred bytes expands to gigabytes. Here each anchor's expanded size
/// is computed once from the events (an alias adds the size recorded for its anchor), so the check
/// costs one pass over the text whatever the document expands to.
/// See libyaml's event API (yaml.h) and https://en.wikipedia.org/wiki/Billion_laughs_attack.
public struct CardYAMLLimits: Sendable {
    /// Largest front matter accepted, in bytes (public cards with long `model-index` results are
    /// tens of kilobytes).
    public var maxBytes = 1 << 20
    /// Deepest nesting of sequences and mappings (real cards nest a handful of levels).
    public var maxDepth = 64
    /// Largest size after every alias is expanded: nodes plus scalar bytes.
    public var maxExpandedSize = 4 << 20
    /// Most aliases in one document.
    public var maxAliases = 1024

    public init() {}

    public static let standard = CardYAMLLimits()

    /// Why `yaml` breaks a limit, or nil when it is within all of them (or is not YAML at all:
    /// Yams reports syntax errors in its own words).
    public func violation(in yaml: String) -> String? {
        let bytes = Array(yaml.utf8)
        guard bytes.count <= maxBytes else {
            return "The metadata of README.md is \(bytes.count) bytes: at most \(maxBytes) are accepted"
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return "The metadata of README.md could not be read" }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> String? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var walk = ExpansionWalk(limits: self)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                if let problem = walk.visit(event) { return problem }
                if event.type == YAML_STREAM_END_EVENT { return nil }
            }
        }
    }

    /// A collection being read: its anchor, its expanded size so far, and (for a mapping) how
    /// many keys and values it has, so that the next node is known to be a key or a value.
    struct OpenCollection {
        var anchor: String?
        var size: Int
        var isMapping = false
        var children = 0
    }

    /// The running sizes of the collections being read, innermost last.
    struct ExpansionWalk {
        let limits: CardYAMLLimits
        var open: [OpenCollection] = [OpenCollection(anchor: nil, size: 0)]
        /// Each anchor's expanded size, and whether it names a scalar.
        var anchors: [String: (size: Int, isScalar: Bool)] = [:]
        var aliases = 0

        mutating func visit(_ event: yaml_event_t) -> String? {
            switch event.type {
            case YAML_SCALAR_EVENT:
                _ = startNode()
                let size = 1 + event.data.scalar.length
                record(size, anchor: Self.text(event.data.scalar.anchor), isScalar: true)
                return add(size)
            case YAML_ALIAS_EVENT:
                let isKey = startNode()
                aliases += 1
                guard aliases <= limits.maxAliases else {
                    return "The metadata of README.md uses more than \(limits.maxAliases) aliases"
                }
                // An unknown alias is a syntax error Yams reports.
                let anchored = Self.text(event.data.alias.anchor).flatMap { anchors[$0] }
                if isKey, anchored?.isScalar == false { return Self.complexKey }
                return add(anchored?.size ?? 1)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                // Keys are text in card metadata; Yams (6.2) traps on a sequence or mapping as a key.
                if startNode() { return Self.complexKey }
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = isMapping ? Self.text(event.data.mapping_start.anchor) : Self.text(event.data.sequence_start.anchor)
                open.append(OpenCollection(anchor: anchor, size: 1, isMapping: isMapping))
                guard open.count - 1 <= limits.maxDepth else {
                    return "The metadata of README.md nests deeper than \(limits.maxDepth) levels"
                }
                return nil
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard open.count > 1, let closed = open.popLast() else { return nil }
                record(closed.size, anchor: closed.anchor, isScalar: false)
                return add(closed.size)
            default:
                return nil
            }
        }

        static let complexKey = "The metadata of README.md uses a list or a mapping as a key: keys must be text"

        /// Counts a node into the innermost collection; whether it is a mapping's key.
        mutating func startNode() -> Bool {
            guard let last = open.indices.last else { return false }
            defer { open[last].children += 1 }
            return open[last].isMapping && open[last].children % 2 == 0
        }

        mutating func record(_ size: Int, anchor: String?, isScalar: Bool) {
            if let anchor { anchors[anchor] = (size, isScalar) }
        }

        /// Adds to the innermost open collection and checks the whole document's size so far
        /// (every open collection's size counts toward the root's).
        mutating func add(_ size: Int) -> String? {
            guard let last = open.indices.last else { return nil }
            open[last].size = min(open[last].size + min(size, limits.maxExpandedSize + 1), Int.max / 4)
            let total = open.reduce(0) { min($0 + $1.size, Int.max / 4) }
            guard total <= limits.maxExpandedSize else {
                return "The metadata of README.md expands to more than \(limits.maxExpandedSize) bytes (aliases)"
            }
            return nil
        }

        static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
