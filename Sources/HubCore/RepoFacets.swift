/// How many repositories of a listing carry each task, library, language and license: the
/// counts next to the web UI's filters. Each list is most common first.
public struct RepoFacets: Sendable, Equatable {
    public var tasks: [(value: String, count: Int)] = []
    public var libraries: [(value: String, count: Int)] = []
    public var languages: [(value: String, count: Int)] = []
    public var licenses: [(value: String, count: Int)] = []

    public init() {}

    public static func == (lhs: RepoFacets, rhs: RepoFacets) -> Bool {
        func same(_ a: [(value: String, count: Int)], _ b: [(value: String, count: Int)]) -> Bool {
            a.map(\.value) == b.map(\.value) && a.map(\.count) == b.map(\.count)
        }
        return same(lhs.tasks, rhs.tasks) && same(lhs.libraries, rhs.libraries)
            && same(lhs.languages, rhs.languages) && same(lhs.licenses, rhs.licenses)
    }
}
