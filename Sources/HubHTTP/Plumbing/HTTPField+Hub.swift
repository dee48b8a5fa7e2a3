import HTTPTypes

/// Header names the hub's wire formats use beyond the standard ones.
extension HTTPField.Name {
    /// huggingface_hub maps this to a typed exception (`RepoNotFound`, `EntryNotFound`, …).
    static let xErrorCode = HTTPField.Name("X-Error-Code")!
    static let xErrorMessage = HTTPField.Name("X-Error-Message")!
    static let xRequestID = HTTPField.Name("X-Request-Id")!
    /// The full commit id a revision resolved to (huggingface_hub's snapshot folder name).
    static let xRepoCommit = HTTPField.Name("X-Repo-Commit")!
    /// SHA-256 and real size of an LFS file: huggingface_hub's cache key and size check.
    static let xLinkedEtag = HTTPField.Name("X-Linked-Etag")!
    static let xLinkedSize = HTTPField.Name("X-Linked-Size")!
    /// git's protocol-version negotiation (`version=2`).
    static let gitProtocol = HTTPField.Name("Git-Protocol")!
    static let pragma = HTTPField.Name("Pragma")!
    /// Pagination: `<absolute URL>; rel="next"`.
    static let link = HTTPField.Name("Link")!
    /// The challenge git-lfs answers with its credential helper.
    static let lfsAuthenticate = HTTPField.Name("LFS-Authenticate")!
    // Xet connection info for huggingface_hub's download path (`utils/_xet.py`).
    static let xXetCasURL = HTTPField.Name("X-Xet-Cas-Url")!
    static let xXetAccessToken = HTTPField.Name("X-Xet-Access-Token")!
    static let xXetTokenExpiration = HTTPField.Name("X-Xet-Token-Expiration")!
    static let xXetHash = HTTPField.Name("X-Xet-Hash")!
}
