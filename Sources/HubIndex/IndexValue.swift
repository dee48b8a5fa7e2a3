/// One column value of an index row as it travels from one backend to another
/// (`modelhub migrate-index`): SQLite's storage classes, which PostgreSQL's columns take by cast.
public enum IndexValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}
