import HubCore
import Testing

/// A discussion's number as paths and refs write it, and nothing else.
@Suite struct DiscussionNumberTests {
    @Test func numbersAreDigitsWithoutALeadingZero() {
        #expect(Discussion.number(parsing: "1") == 1)
        #expect(Discussion.number(parsing: "999999999") == 999_999_999)
        for text in ["", "0", "01", "-1", "+1", "1e3", "١", "1234567890", " 1"] {
            #expect(Discussion.number(parsing: text) == nil, "\(text)")
        }
    }

    @Test func onlyRefsOfPullRequestsNameOne() {
        #expect(Discussion.number(inRef: "refs/pr/42") == 42)
        for ref in ["refs/pr/", "refs/pr/01", "refs/heads/42", "42", "refs/pr/4/2"] {
            #expect(Discussion.number(inRef: ref) == nil, "\(ref)")
        }
    }
}
