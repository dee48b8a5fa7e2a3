import HubMarkdown
import Testing

/// A card is written by anyone who can push: each test is one way it could try to get script
/// into the hub's pages.
@Suite struct MarkdownTests {
    @Test func rendersGitHubFlavour() {
        let html = Markdown.html("# Title\n\n| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\n- [x] done\n\nhttps://example.com\n")
        #expect(html.contains("<h1>Title</h1>"))
        #expect(html.contains("<table>") && html.contains("<del>2</del>"))
        #expect(html.contains("checkbox"))
        #expect(html.contains(#"<a href="https://example.com">"#))
    }

    @Test func dropsRawHTMLBlocks() {
        let html = Markdown.html("<script>alert(1)</script>\n\ntext")
        #expect(!html.contains("<script"))
    }

    @Test func dropsInlineHTMLWithHandlers() {
        let html = Markdown.html("hello <img src=x onerror=alert(1)> world")
        #expect(!html.contains("onerror") && !html.contains("<img src=x"))
    }

    @Test func dropsJavaScriptLinks() {
        let html = Markdown.html("[click](javascript:alert(1)) and ![i](javascript:alert(2))")
        #expect(!html.contains("javascript:"))
    }

    @Test func escapesTextThatLooksLikeHTML() {
        let html = Markdown.html("a `<b>` and 1 < 2 & \"q\"")
        #expect(html.contains("<code>&lt;b&gt;</code>") && html.contains("1 &lt; 2 &amp;"))
    }
}
