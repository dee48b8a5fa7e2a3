import Foundation
import HubCore
@testable import HubServices
import Testing

/// What the index keeps of a card: its metadata as JSON, and the tags the public hub derives.
@Suite struct CardMetadataTests {
    static let card = """
        ---
        license: mit
        language:
        - de
        - en
        tags: [spam, email]
        pipeline_tag: text-classification
        base_model: null
        released: 2024-05-01
        threshold: 0.5
        epochs: 3
        ---
        # Spam filter
        German and English.
        """

    @Test func metadataIsKeptAsJSONWithNullsNumbersAndDatesAsTheHubWritesThem() throws {
        let card = CardMetadata.card(from: Self.card)
        let json = try #require(card.dataJSON)
        let metadata = try JSONDecoder().decode(AnyJSON.self, from: Data(json.utf8))
        #expect(metadata["license"] == .string("mit"))
        #expect(metadata["language"] == .array([.string("de"), .string("en")]))
        #expect(metadata["base_model"] == .null)
        #expect(metadata["released"]?.string?.hasPrefix("2024-05-01") == true)
        #expect(metadata["threshold"] == .number(0.5))
        #expect(metadata["epochs"] == .number(3))
        // Keys are sorted, so the same card is the same text in the index.
        #expect(json.hasPrefix(#"{"base_model":null,"epochs":3,"language""#))
    }

    @Test func tagsComeFromTheLibraryTaskTagsLanguagesAndLicense() {
        let card = CardMetadata.card(from: Self.card)
        #expect(card.tags == ["text-classification", "spam", "email", "de", "language:de", "en", "language:en", "license:mit"])
        #expect(card.pipelineTag == "text-classification")
        #expect(card.text.contains("German and English."))
    }

    @Test func metadataThatIsNoMappingCountsAsNone() {
        let card = CardMetadata.card(from: "---\n- a list\n---\ntext\n")
        #expect(card.dataJSON == nil)
        #expect(card.tags.isEmpty)
    }

    @Test func aValueJSONCannotHoldLeavesTheCardWithoutMetadata() {
        #expect(CardMetadata.card(from: "---\nscore: .nan\n---\n").dataJSON == nil)
    }
}
