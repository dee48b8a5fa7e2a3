import Foundation
import Hummingbird
import HubCore
import HubHTTP

/// How the web pages write dates, sizes, paths and queries into HTML and links, and read the page
/// number of a listing: one place for every page controller.
enum WebFormat {
    /// The largest text file a page shows (and the web editor edits) inline.
    static let textLimit = 256 * 1024

    static func day(_ date: Date) -> String {
        String(HubDate.format(date).prefix(10))
    }

    static func size(_ bytes: Int64) -> String {
        ByteSize.describe(bytes)
    }

    /// The deepest page a listing goes: `(page - 1) * pageSize` stays far from overflowing, and
    /// no request walks millions of rows or commits to skip them.
    static let maxPageNumber = 10_000

    /// The `p` parameter of a paged web listing: 1 when absent (or below 1).
    static func pageNumber(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("p") else { return 1 }
        guard let page = Int(text), page <= maxPageNumber else {
            throw HubError.badRequest("Invalid page number: pages go from 1 to \(maxPageNumber)")
        }
        return max(page, 1)
    }

    static func query(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + FormURLEncoded.encode(items.map { (name: $0.0, value: $0.1) })
    }
}
