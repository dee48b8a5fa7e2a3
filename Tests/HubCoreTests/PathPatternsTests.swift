import HubCore
import Testing

@Suite struct PathPatternsTests {
    let attributes = PathPatterns.lfsAttributes("""
        *.safetensors filter=lfs diff=lfs merge=lfs -text
        saved_model/**/* filter=lfs diff=lfs merge=lfs -text
        *.tar.* filter=lfs diff=lfs merge=lfs -text
        small.safetensors -filter
        data/big[[:space:]]file.csv filter=lfs diff=lfs merge=lfs -text
        """)

    @Test func extensionPatternsMatchAtAnyDepth() {
        #expect(attributes.value(for: "model.safetensors") == true)
        #expect(attributes.value(for: "sub/dir/model.safetensors") == true)
        #expect(attributes.value(for: "model.bin") == nil)
    }

    @Test func laterLinesOverride() {
        #expect(attributes.value(for: "small.safetensors") == false)
    }

    @Test func anchoredAndDoubleStarPatterns() {
        #expect(attributes.value(for: "saved_model/variables/x.index") == true)
        #expect(attributes.value(for: "other/saved_model/x") == nil)
        #expect(attributes.value(for: "archive.tar.gz") == true)
        #expect(attributes.value(for: "data/big file.csv") == true)
    }

    @Test func lfsLineTracksExactlyThePath() {
        let line = PathPatterns.lfsLine(for: "weights/my model.bin")
        #expect(PathPatterns.lfsAttributes(line).value(for: "weights/my model.bin") == true)
        #expect(PathPatterns.lfsAttributes(line).value(for: "weights/other.bin") == nil)
    }

    @Test func ignoresMatchFilesAndFolders() {
        let ignores = PathPatterns.ignores("*.pyc\nbuild/\n!keep.pyc\n/top.txt\n")
        #expect(ignores.value(for: "a/b.pyc") == true)
        #expect(ignores.value(for: "keep.pyc") == false)
        #expect(ignores.value(for: "build/out.o") == true)
        #expect(ignores.value(for: "build") == nil)
        #expect(ignores.value(for: "top.txt") == true)
        #expect(ignores.value(for: "sub/top.txt") == nil)
    }
}
