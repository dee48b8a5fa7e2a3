/// What merging one commit into another would give.
public enum GitMergeOutcome: Sendable, Equatable {
    /// Everything of theirs is in ours already.
    case upToDate
    /// Ours is an ancestor of theirs: the branch can move to theirs.
    case fastForward
    /// The merged tree, written to the repository, for a commit with both parents.
    case merged(tree: String)
    /// The paths both sides changed in ways that do not merge.
    case conflicts([String])
}
