import CCMarkGFM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Markdown (GitHub flavour: tables, strikethrough, autolinks, task lists) rendered to HTML that
/// is safe to put in a page: cmark-gfm's safe mode drops raw HTML and `javascript:`, `vbscript:`,
/// `file:` and non-image `data:` links, so a card can never carry script into the hub's pages.
public enum Markdown {
    static let extensions = ["table", "strikethrough", "autolink", "tasklist"]

    public static func html(_ text: String) -> String {
        cmark_gfm_core_extensions_ensure_registered()
        // CMARK_OPT_SAFE is the default in this version; asked for anyway, in case it changes.
        let options = CMARK_OPT_SAFE | CMARK_OPT_SMART | CMARK_OPT_GITHUB_PRE_LANG
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in extensions {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        text.utf8CString.withUnsafeBufferPointer { buffer in
            cmark_parser_feed(parser, buffer.baseAddress, buffer.count - 1)
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(rendered) }
        return String(cString: rendered)
    }
}
