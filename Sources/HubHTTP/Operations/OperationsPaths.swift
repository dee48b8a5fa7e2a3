/// Where the operator's endpoints live. Their first segments are reserved names (no user or
/// organization may take them), so they never shadow a repository.
public enum OperationsPaths {
    public static let metrics = "/metrics"
    public static let health = "/health/"
    public static let live = "/health/live"
    public static let ready = "/health/ready"
    public static let openAPI = "/openapi.json"
}
