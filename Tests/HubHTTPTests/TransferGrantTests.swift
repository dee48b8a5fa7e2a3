import Foundation
import HubCore
import HubServices
import Testing

@Suite struct TransferGrantTests {
    let signer = TransferSigner(secret: Array(repeating: 7, count: 32))
    let oid = try! LFSObjectID(String(repeating: "c", count: 64))
    let repo = try! RepoID(kind: .model, namespace: "alice", name: "demo")

    func grant(expires: Date = Date().addingTimeInterval(60)) -> TransferGrant {
        TransferGrant(operation: .upload, repo: repo, oid: oid, size: 42, expires: expires, userID: 3)
    }

    @Test func roundTrips() {
        #expect(signer.verify(signer.sign(grant(expires: Date(timeIntervalSince1970: 2_000_000_000)))) == grant(expires: Date(timeIntervalSince1970: 2_000_000_000)))
    }

    @Test func tamperedPayloadIsRefused() {
        let token = signer.sign(grant())
        let tampered = "x" + token.dropFirst()
        #expect(signer.verify(String(tampered)) == nil)
    }

    @Test func otherSecretIsRefused() {
        let other = TransferSigner(secret: Array(repeating: 8, count: 32))
        #expect(other.verify(signer.sign(grant())) == nil)
    }

    @Test func garbageIsRefused() {
        #expect(signer.verify("") == nil)
        #expect(signer.verify("a.b.c") == nil)
    }
}
