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

    /// Now, truncated to the millisecond, so that what is stored and what is read back are equal.
    public static func now() -> Date {
        let milliseconds = (Date().timeIntervalSince1970 * 1000).rounded(.down)
        return Date(timeIntervalSince1970: milliseconds / 1000)
    }
}
