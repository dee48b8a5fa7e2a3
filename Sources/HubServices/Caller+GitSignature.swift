import HubCore
import HubGit

extension Caller {
    /// How the caller signs what they write through the API (commits, squashes, tags): their
    /// name, and their e-mail or a no-reply address made from the name, at the present time.
    var gitSignature: GitSignature {
        GitSignature(
            name: user.name.value, email: user.email ?? "\(user.name.key)@users.noreply.modelhub", date: HubDate.now())
    }
}
