import Hummingbird
import HubCore

/// huggingface_hub asks for Xet tokens when Xet is not disabled on the client. modelhub does
/// not speak Xet: the answer says what to do instead, and no `X-Xet-*` header is ever sent.
struct XetController {
    static let message = "modelhub does not speak Xet: set HF_HUB_DISABLE_XET=1 so that huggingface_hub uses Git LFS"

    func register(on router: Router<HubRequestContext>) {
        for kind in RepoKind.allCases {
            for token in ["xet-read-token", "xet-write-token"] {
                router.get(RouterPath("/api/\(kind.plural)/:namespace/:name/\(token)/:revision")) { _, context in
                    var response = JSONBody.response(status: .notFound, object: ["error": Self.message])
                    response.headers[.xErrorMessage] = Self.message
                    response.headers[.xRequestID] = context.requestID
                    return response
                }
            }
        }
    }
}
