import HubCore

/// A repository as the HF JSON API describes it in listings (`/api/models`) and as the start of
/// repo info (`/api/models/{id}`).
extension RepoInfo {
    /// The fields the public hub lists by default.
    var apiSummary: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "_id": .string(String(rowID)),
            "id": .string(id.path),
            "author": .string(id.namespace.value),
            "private": .bool(isPrivate),
            "gated": gated.map { .string($0.rawValue) } ?? .bool(false),
            "disabled": .bool(false),
            "tags": .encodable(card.tags),
            "downloads": .encodable(counters.downloads),
            "likes": .encodable(counters.likes),
            "trendingScore": .encodable(counters.trendingScore),
            "createdAt": .string(HubDate.format(createdAt)),
            "lastModified": .string(HubDate.format(lastModified)),
        ]
        if id.kind == .model { fields["modelId"] = .string(id.path) }
        if let pipeline = card.pipelineTag { fields["pipeline_tag"] = .string(pipeline) }
        if let library = card.libraryName { fields["library_name"] = .string(library) }
        if let sdk { fields["sdk"] = .string(sdk) }
        if let mirror {
            // Not a field of the public hub's: a read-only copy of a repository of the upstream hub.
            fields["mirror"] = .encodable(MirrorJSON(fetchedAt: HubDate.format(mirror.fetchedAt), pinned: mirror.pinned))
        }
        return fields
    }
}

/// How the API marks a mirrored repository.
struct MirrorJSON: Encodable {
    /// When its branches and tags were last brought up to date with upstream.
    let fetchedAt: String
    /// Kept even if upstream deletes it.
    let pinned: Bool
}
