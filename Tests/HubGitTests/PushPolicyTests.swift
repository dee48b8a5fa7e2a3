@testable import HubGit
import Testing

@Suite struct PushPolicyTests {
    let policy = PushPolicy(maxFileSize: 10 * 1024 * 1024)
    let some = String(repeating: "a", count: 40)

    func violation(_ ref: String, deleting: Bool = false) -> String? {
        policy.refViolation(RefUpdate(old: some, new: deleting ? RefUpdate.zero : some, ref: ref))
    }

    @Test func allowsBranchesAndTags() {
        #expect(violation("refs/heads/main") == nil)
        #expect(violation("refs/heads/dev/x") == nil)
        #expect(violation("refs/tags/v1.0") == nil)
        #expect(violation("refs/heads/feature", deleting: true) == nil)
    }

    @Test func refusesDeletingMain() {
        #expect(violation("refs/heads/main", deleting: true)?.contains("cannot be deleted") == true)
    }

    @Test func refusesBranchStartingWithDash() {
        #expect(violation("refs/heads/-evil") != nil)
    }

    @Test func refusesComponentStartingWithDash() {
        #expect(violation("refs/heads/a/-b") != nil)
    }

    @Test func refusesRefsOutsideHeadsTagsAndPullRequests() {
        #expect(violation("refs/notes/commits") != nil)
        #expect(violation("refs/pr/abc") != nil)
        #expect(violation("refs/pr/01") != nil)
        #expect(violation("refs/pr/") != nil)
    }

    @Test func letsPullRequestRefsThroughForTheHookToCheckAgainstTheIndex() {
        #expect(violation("refs/pr/1") == nil)
        #expect(violation("refs/pr/42") == nil)
    }

    @Test func parsesHookInput() {
        let text = "\(some) \(RefUpdate.zero) refs/heads/x\n"
        #expect(RefUpdate.parse(text) == [RefUpdate(old: some, new: RefUpdate.zero, ref: "refs/heads/x")])
        #expect(RefUpdate.parse("garbage line\n") == nil)
    }
}
