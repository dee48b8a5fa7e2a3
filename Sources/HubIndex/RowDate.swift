import Foundation
import HubCore

/// Dates are stored as the hub's ISO-8601 `Z` strings, so they sort as text and read as they print.
enum RowDate {
    static func decode(_ text: String) throws -> Date {
        guard let date = HubDate.parse(text) else {
            throw HubError.internalFailure("stored date '\(text)' is not ISO-8601")
        }
        return date
    }
}
