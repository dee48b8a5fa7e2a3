import Hummingbird
import HubCore

/// Page-by-page listings as huggingface_hub follows them: a JSON array per page and an absolute
/// `Link: <…>; rel="next"` URL that repeats every original query parameter plus the cursor.
struct Pagination {
    let offset: Int
    let limit: Int

    /// No listing is longer than this; a larger cursor was not handed out by this server, and
    /// bounding it keeps `offset + limit` far from overflowing.
    static let maxOffset = 1 << 40

    /// Reads `cursor` (an offset this server handed out) from the request.
    init(request: Request, limit: Int) throws {
        self.limit = limit
        if let cursor = request.uri.queryParameters.get("cursor") {
            guard let offset = Int(cursor), offset >= 0, offset <= Self.maxOffset else {
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
        // Built by hand: the path is what the client sent, and Foundation's URLComponents traps
        // on a path or query it finds invalid.
        var fields = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
            .filter { $0.name != "cursor" }
        fields.append((name: "cursor", value: String(offset + limit)))
        let target = FormURLEncoded.normalizedPath(request.uri.path) + "?" + FormURLEncoded.encode(fields)
        return "<\(baseURL.url(for: request))\(target)>; rel=\"next\""
    }
}
