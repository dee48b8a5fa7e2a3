/// Which of the hub's surfaces a request reached, for the byte counters an operator reads: the
/// JSON API, file downloads (`/resolve/`), Git LFS, git's smart HTTP, Xet's CAS, the web UI, and
/// the operator's own endpoints (metrics, health, the API description).
public enum RequestSurface: String, CaseIterable, Sendable {
    case api, resolve, lfs, git, xet, web, operations

    /// The surface of a request path. The path alone decides, so a request no route matched is
    /// counted where its path points too.
    public init(path: String) {
        if path.hasPrefix("/api/") {
            self = .api
        } else if path.hasPrefix(OperationsPaths.health) || path == OperationsPaths.metrics
            || path == OperationsPaths.openAPI
        {
            self = .operations
        } else if path.hasPrefix("/xet/") {
            self = .xet
        } else if path.contains("/info/lfs/") || path.hasSuffix("/info/lfs") {
            self = .lfs
        } else if path.hasSuffix("/info/refs") || path.hasSuffix("/git-upload-pack") || path.hasSuffix("/git-receive-pack") {
            self = .git
        } else if path.contains("/resolve/") {
            self = .resolve
        } else {
            self = .web
        }
    }
}
