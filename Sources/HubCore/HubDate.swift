import Foundation

/// Timestamps as every hub surface writes them: ISO-8601 in UTC, with milliseconds, ending in `Z`
/// (huggingface_hub refuses `+00:00`).
public enum HubDate {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func format(_ date: Date) -> String {
        date.formatted(style)
    }

    public static func parse(_ text: String) -> Date? {
        try? style.parse(text)
    }

    /// Now, rounded to the millisecond: the precision of every stored time.
    public static func now() -> Date {
        date(milliseconds: milliseconds(Date()))
    }

    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
