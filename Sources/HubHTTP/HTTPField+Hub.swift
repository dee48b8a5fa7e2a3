import HTTPTypes

/// Header names the hub's wire formats use beyond the standard ones.
extension HTTPField.Name {
    /// huggingface_hub maps this to a typed exception (`RepoNotFound`, `EntryNotFound`, …).
    static let xErrorCode = HTTPField.Name("X-Error-Code")!
    static let xErrorMessage = HTTPField.Name("X-Error-Message")!
    static let xRequestID = HTTPField.Name("X-Request-Id")!
    /// git's protocol-version negotiation (`version=2`).
    static let gitProtocol = HTTPField.Name("Git-Protocol")!
    static let pragma = HTTPField.Name("Pragma")!
    /// The challenge git-lfs answers with its credential helper.
    static let lfsAuthenticate = HTTPField.Name("LFS-Authenticate")!
}
