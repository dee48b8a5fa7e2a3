import Foundation
import HubCore
import HubGit
import HubIndex

/// Changes reported to webhooks (`HubEvent`), after they landed.
extension RepoService {
    /// New commits or refs: `repo.content`, with each ref's old and new commit.
    public func reportRefs(_ repo: RepoInfo, _ updates: [HubEvent.RefUpdate], by caller: Caller?) async {
        guard !updates.isEmpty else { return }
        var event = HubEvent(action: "update", scope: "repo.content", repo: (try? await store.find(rowID: repo.rowID)) ?? repo)
        event.updatedRefs = updates
        event.actor = caller?.discussionActor
        await events.emit(event)
    }

    /// The refs of a repository's git folder, to compare before and after a push.
    func refSnapshot(_ repo: RepoInfo) -> [String: String] {
        guard let refs = try? GitRepository.open(at: location(of: repo)).refs() else { return [:] }
        return Dictionary(refs.map { ($0.name, $0.commit) }, uniquingKeysWith: { first, _ in first })
    }

    /// What a push changed, from the refs before and after it.
    func reportPush(_ repo: RepoInfo, before: [String: String], by caller: Caller?) async {
        let after = refSnapshot(repo)
        let names = Set(before.keys).union(after.keys).sorted()
        let updates = names.compactMap { name -> HubEvent.RefUpdate? in
            before[name] == after[name] ? nil : .init(ref: name, oldSha: before[name], newSha: after[name])
        }
        await reportRefs(repo, updates, by: caller)
    }

    func report(
        _ action: String, scope: String, _ repo: RepoInfo, by caller: Caller? = nil, configure: (inout HubEvent) -> Void = { _ in }
    ) async {
        var event = HubEvent(action: action, scope: scope, repo: repo)
        event.actor = caller?.discussionActor
        configure(&event)
        await events.emit(event)
    }
}
