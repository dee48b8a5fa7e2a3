import Foundation
import HubCore

/// How every index stores a webhook's watched items (a JSON array of `{type, name}`) and its
/// domains (their names, sorted, comma-separated).
public enum WebhookColumns {
    public static func encode(_ webhook: Webhook) throws -> (watched: String, domains: String) {
        let watched = String(decoding: try JSONEncoder().encode(webhook.watched), as: UTF8.self)
        return (watched, webhook.domains.map(\.rawValue).sorted().joined(separator: ","))
    }

    public static func watched(_ text: String) -> [WebhookWatchedItem] {
        (try? JSONDecoder().decode([WebhookWatchedItem].self, from: Data(text.utf8))) ?? []
    }

    public static func domains(_ text: String) -> Set<WebhookDomain> {
        Set(text.split(separator: ",").compactMap { WebhookDomain(rawValue: String($0)) })
    }
}
