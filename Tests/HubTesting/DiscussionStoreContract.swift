import Foundation
import HubCore
import HubIndex

/// What every `DiscussionStore` must do with a timeline, run against each index (SQLite and
/// PostgreSQL) by their own test targets. A broken promise throws `ContractFailure`, naming it.
public enum DiscussionStoreContract {
    public struct ContractFailure: Error, CustomStringConvertible {
        public let description: String
    }

    static func check(_ condition: Bool, _ promise: String) throws {
        if !condition { throw ContractFailure(description: promise) }
    }

    public static func timeline(_ store: any DiscussionStore, repoRowID: Int64, author: DiscussionActor) async throws {
        let opened = try await store.create(
            NewDiscussion(
                repoRowID: repoRowID, title: "Add weights", description: "Here they are", author: author, isPullRequest: true,
                status: .draft, targetBranch: "main", commits: []),
            commitPoint: { _ in })
        try check(opened.status == .draft && opened.isPullRequest && opened.targetBranch == "main", "a draft pull request opens")
        let num = opened.num
        var events = try await store.events(repoRowID: repoRowID, num: num)
        try check(events.count == 1 && events.first?.comment?.text == "Here they are", "the description is the first comment")

        // A comment, edited twice, then hidden.
        let commented = try await store.apply(.comment("first take"), repoRowID: repoRowID, num: num, actor: author)
        let comment = try commented?.events.first?.id ?? { throw ContractFailure(description: "a comment is recorded") }()
        try check(DiscussionEvent.isValidID(comment), "event ids are 24 hex digits")
        _ = try await store.apply(.editComment(eventID: comment, text: "second take"), repoRowID: repoRowID, num: num, actor: author)
        let edited = try await store.apply(.editComment(eventID: comment, text: "third take"), repoRowID: repoRowID, num: num, actor: author)
        let text = edited?.events.first?.comment
        try check(
            text?.text == "third take" && text?.history.map(\.text) == ["first take", "second take"]
                && text?.history.first?.editorName == author.name && text?.editorName == author.name,
            "an edit keeps the earlier versions, oldest first, with who wrote them")
        let hidden = try await store.apply(.hideComment(eventID: comment), repoRowID: repoRowID, num: num, actor: author)
        try check(
            hidden?.events.first?.comment.map { $0.hidden && $0.text.isEmpty && $0.history.isEmpty } == true,
            "hiding a comment deletes its text and history")
        do {
            _ = try await store.apply(.editComment(eventID: comment, text: "again"), repoRowID: repoRowID, num: num, actor: author)
            try check(false, "a hidden comment cannot be edited")
        } catch HubError.conflict {}
        do {
            _ = try await store.apply(
                .editComment(eventID: String(repeating: "0", count: 24), text: "x"), repoRowID: repoRowID, num: num, actor: author)
            try check(false, "an unknown comment is not found")
        } catch HubError.entryNotFound {}

        // Commits open a draft; a new title; closed and reopened; merged, and then never changed.
        let pushed = try await store.apply(
            .commits([DiscussionCommitNote(oid: String(repeating: "a", count: 40), subject: "Upload model.bin")]),
            repoRowID: repoRowID, num: num, actor: nil)
        try check(pushed?.discussion.status == .open && pushed?.events.map(\.type) == ["commit", "status-change"],
                  "a draft's first commit opens it")
        let renamed = try await store.apply(.title("Add better weights"), repoRowID: repoRowID, num: num, actor: author)
        try check(
            renamed?.discussion.title == "Add better weights"
                && renamed?.events.first?.content == .titleChange(from: "Add weights", to: "Add better weights"),
            "a new title records the old one")
        _ = try await store.apply(.status(.closed), repoRowID: repoRowID, num: num, actor: author)
        _ = try await store.apply(.status(.open), repoRowID: repoRowID, num: num, actor: author)
        let merged = try await store.apply(
            .merged(commit: String(repeating: "b", count: 40)), repoRowID: repoRowID, num: num, actor: author)
        try check(
            merged?.discussion.status == .merged && merged?.discussion.mergeCommit == String(repeating: "b", count: 40),
            "a merge records the commit the branch moved to")
        do {
            _ = try await store.apply(.status(.closed), repoRowID: repoRowID, num: num, actor: author)
            try check(false, "a merged pull request stays merged")
        } catch HubError.conflict {}
        events = try await store.events(repoRowID: repoRowID, num: num)
        try check(
            events.map(\.type) == [
                "comment", "comment", "commit", "status-change", "title-change", "status-change", "status-change", "status-change",
            ],
            "the timeline lists every event in order")
        try check(events[3].authorName == nil && events[4].authorName == author.name, "an event without a user has no author")
        try check(try await store.apply(.comment("?"), repoRowID: repoRowID, num: num + 1, actor: author) == nil,
                  "a change to a missing discussion finds nothing")
    }
}
