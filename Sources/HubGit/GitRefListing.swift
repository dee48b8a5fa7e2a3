/// The refs `git upload-pack` advertises, read in-process: `HEAD` and every ref under `refs/`
/// that resolves to an object, sorted by name byte for byte, each with the object its annotated
/// tag peels to.
///
/// Names are kept as the bytes git stores (a ref name need not be UTF-8), so what goes on the
/// wire is exactly what git would send.
public struct GitRefListing: Sendable, Equatable {
    /// One advertised ref.
    public struct Entry: Sendable, Equatable {
        public let name: [UInt8]
        /// The object the ref resolves to (40 hex digits).
        public let object: String
        /// Set when `object` is an annotated tag: the first object along its chain that is not a tag.
        public let peeled: String?
        /// Set when the ref is symbolic: the name of the ref it finally resolves through.
        public let symrefTarget: [UInt8]?
    }

    /// What `HEAD` is.
    public enum Head: Sendable, Equatable {
        /// No `HEAD`, or one git cannot read: not advertised.
        case missing
        /// A symbolic `HEAD` whose branch does not exist yet (an empty repository).
        case unborn(target: [UInt8])
        /// A `HEAD` that resolves to an object.
        case resolved(Entry)
    }

    public let head: Head
    /// Every ref under `refs/` git would advertise, in git's order (byte order of the names).
    public let refs: [Entry]
    /// Whether some ref names an object the repository does not have. Whether git advertises
    /// such a ref has changed between its versions, so a listing with one is left to git.
    public let hasRefsToMissingObjects: Bool
}
