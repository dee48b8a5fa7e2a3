import Hummingbird
import HubCore
import HubServices

/// `GET /api/{type}s/{ns}/{name}/xet-{read|write}-token/{revision}`: the Xet access token for a
/// repository, with the CAS's address. hf_xet reads the JSON body (and refreshes its token by
/// asking again), huggingface_hub's download path reads the `X-Xet-*` headers
/// (`utils/_xet.py`), so both carry it. With `create_pr=1`, huggingface_hub sends the revision
/// `None` (`_commit_api.py`).
struct XetController {
    let xet: XetService
    let repos: RepoService
    let baseURL: BaseURL

    struct TokenAnswer: Encodable {
        let accessToken: String
        let exp: Int64
        let casUrl: String
    }

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            let reads = router.group().add(middleware: RepoAssignmentMiddleware(repos: repos, kind: kind, need: .read))
            for scope in [XetToken.Scope.read, .write] {
                reads.get(RouterPath("/api/\(kind.plural)/:namespace/:name/xet-\(scope.rawValue)-token/:revision")) {
                    request, context in
                    let revision = context.parameters.get("revision")?.percentDecoded ?? ""
                    let creatingPullRequest = ["1", "true"].contains(request.uri.queryParameters.get("create_pr") ?? "")
                    // Reading through Xet is downloading the files: a gated repository's need access.
                    if scope == .read { try await repos.requireFiles(try context.grantedRepo()) }
                    let (token, expires) = try await xet.token(
                        for: try context.grantedRepo(), revision: revision, scope: scope,
                        creatingPullRequest: creatingPullRequest)
                    let casURL = baseURL.url(for: request) + CASController.prefix
                    var response = JSONBody.response(object: TokenAnswer(accessToken: token, exp: expires, casUrl: casURL))
                    response.headers[.xXetCasURL] = casURL
                    response.headers[.xXetAccessToken] = token
                    response.headers[.xXetTokenExpiration] = String(expires)
                    return response
                }
            }
        }
    }
}
