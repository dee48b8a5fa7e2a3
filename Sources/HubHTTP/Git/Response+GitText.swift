import Hummingbird

extension Response {
    /// A refusal git shows its user: plain text, which git prints after `fatal:` (or, on a 401,
    /// answers by asking its credential helper).
    static func gitText(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
