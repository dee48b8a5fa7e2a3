extension String {
    /// The text with the characters HTML gives meaning to in text and quoted attributes (`& < > "`) written as entities,
    /// for text that goes into markup (a pull request's title in a ref listing, a web page).
    package var htmlEscaped: String {
        var escaped = ""
        escaped.reserveCapacity(utf8.count)
        for character in self {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
