extension StringProtocol {
    /// Whether the text holds an ASCII control character (below U+0020, or DEL): never part of a
    /// name, path or revision, and a NUL would end the C string git and libgit2 read.
    public var containsControlCharacters: Bool {
        utf8.contains { $0 < 0x20 || $0 == 0x7F }
    }
}
