import Foundation
import HubCore
import HubIndex

/// Times are stored as whole milliseconds since 1970 (UTC): exact round trips, numeric order.
enum RowDate {
    static func encode(_ date: Date) -> Int64 {
        HubDate.milliseconds(date)
    }

    static func decode(_ milliseconds: Int64) -> Date {
        HubDate.date(milliseconds: milliseconds)
    }
}
