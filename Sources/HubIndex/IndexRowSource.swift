/// An index read table by table from one consistent snapshot, for copying it into another backend.
public protocol IndexRowSource: Sendable {
    /// The tables that hold the index's data (not the migration bookkeeping, not search's own
    /// tables, which the target rebuilds).
    func tableNames() throws -> [String]
    /// The table's columns, in the order `rows` gives them.
    func columns(of table: String) throws -> [String]
    /// Up to `limit` rows of `table` from `offset` on, in a stable order.
    func rows(of table: String, offset: Int, limit: Int) throws -> [[IndexValue]]
    /// Up to `limit` repositories' searchable card text (what `RepoCard.text` held when the card
    /// was indexed), by repository row id, from `offset` on.
    func searchCards(offset: Int, limit: Int) throws -> [(repoRowID: Int64, text: String)]
}
