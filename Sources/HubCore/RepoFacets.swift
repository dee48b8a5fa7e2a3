/// How many repositories of a listing carry each task, library, language and license: the
/// counts next to the web UI's filters. Each list is most common first.
public struct RepoFacets: Sendable {
    public var tasks: [(value: String, count: Int)] = []
    public var libraries: [(value: String, count: Int)] = []
    public var languages: [(value: String, count: Int)] = []
    public var licenses: [(value: String, count: Int)] = []

    public init() {}
}
