import Foundation
import Hummingbird
import HubCore

/// Page-by-page listings as huggingface_hub follows them: a JSON array per page and an absolute
/// `Link: <…>; rel="next"` URL that repeats every original query parameter plus the cursor.
struct Pagination {
    let offset: Int
    let limit: Int

    /// Reads `cursor` (an offset this server handed out) from the request.
    init(request: Request, limit: Int) throws {
        self.limit = limit
        if let cursor = request.uri.queryParameters.get("cursor") {
            guard let offset = Int(cursor), offset >= 0 else {
                throw HubError.badRequest("Invalid cursor: use the Link header of the previous page")
            }
            self.offset = offset
        } else {
            offset = 0
        }
    }

    func page<Item>(_ items: [Item]) -> ArraySlice<Item> {
        items.dropFirst(offset).prefix(limit)
    }

    /// The `Link` header value for the page after this one, or nil on the last page.
    func nextLink(total: Int, request: Request, baseURL: BaseURL) -> String? {
        guard offset + limit < total else { return nil }
        var components = URLComponents()
        components.percentEncodedPath = request.uri.path
        var items = request.uri.queryParameters.map {
            URLQueryItem(name: String($0.key), value: String($0.value))
        }.filter { $0.name != "cursor" }
        items.append(URLQueryItem(name: "cursor", value: String(offset + limit)))
        components.queryItems = items
        return "<\(baseURL.url(for: request))\(components.string ?? request.uri.path)>; rel=\"next\""
    }
}
