import HubCore
import HubIndex

/// Who a discussion's timeline says made a change.
extension Caller {
    var discussionActor: DiscussionActor { DiscussionActor(id: user.id, name: user.name.value) }
}
