import HubCore

/// How search splits text into words, the same for what is searched and what is indexed: a word
/// is a run of letters and digits, in lowercase.
public enum SearchWords {
    /// A query's distinct words, at most 16 (a repeated word adds nothing to an all-words query
    /// but another pass over its matches).
    public static func query(_ text: String?) -> [String] {
        guard let text else { return [] }
        var seen = Set<String>()
        return Array(words(in: text).filter { seen.insert($0).inserted }.prefix(16))
    }

    /// Every word of `text`, in order.
    public static func words(in text: String) -> [String] {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.lowercased() }
    }

    /// A tag as one search token: `t` and its UTF-8 bytes in lowercase hex, so any tag is exactly
    /// one word whatever characters it has.
    public static func tagToken(_ tag: String) -> String {
        "t" + tag.utf8.hexString
    }
}
