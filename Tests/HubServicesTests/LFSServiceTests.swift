import Crypto
import HubCore
@testable import HubServices
import HubTesting
import Testing

/// The Git LFS batch at the service: what each caller is offered for each object, and the
/// binding of objects to repositories that keeps one repository's weights from another's.
@Suite struct LFSServiceTests {
    let test: TestHub
    let token: String
    let id: RepoID

    init() async throws {
        test = try TestHub()
        token = try await test.user("alice")
        id = try await test.repo("weights", token: token).id
    }

    func grant(_ id: RepoID, token: String) async throws -> RepoGrant {
        try await test.hub.repos.grant(id, caller: try await test.caller(token), need: .read)
    }

    @Test func anUnknownObjectIsOfferedForUploadAndMissingForDownload() async throws {
        let oid = String(repeating: "c", count: 64)
        let grant = try await grant(id, token: token)
        let upload = try await test.hub.lfs.batch(.upload, objects: [.init(oid: oid, size: 10)], hashAlgorithm: nil, on: grant)
        guard case .upload(let uploadOID, 10, _, _) = upload.first else { Issue.record("\(upload)"); return }
        #expect(uploadOID.hex == oid)
        let download = try await test.hub.lfs.batch(.download, objects: [.init(oid: oid, size: 10)], hashAlgorithm: nil, on: grant)
        guard case .failure(_, _, 404, _) = download.first else { Issue.record("\(download)"); return }
    }

    @Test func badObjectsFailOneByOneWithTheSpecsCodes() async throws {
        let grant = try await grant(id, token: token)
        let results = try await test.hub.lfs.batch(
            .upload, objects: [.init(oid: "XYZ", size: 1), .init(oid: String(repeating: "d", count: 64), size: -1)],
            hashAlgorithm: nil, on: grant)
        let codes = results.compactMap { result -> Int? in if case .failure(_, _, let code, _) = result { code } else { nil } }
        #expect(codes == [422, 422])
        let sha1 = try await test.hub.lfs.batch(.upload, objects: [.init(oid: "a", size: 1)], hashAlgorithm: "sha1", on: grant)
        guard case .failure(_, _, 409, _) = sha1.first else { Issue.record("\(sha1)"); return }
    }

    @Test func aReaderMayUploadForAPullRequestOnlyNotToABranch() async throws {
        let reader = try await test.user("mallory")
        let grant = try await grant(id, token: reader)
        await #expect(throws: HubError.forbidden("You don't have write access to alice/weights")) {
            try await test.hub.lfs.batch(.upload, objects: [], hashAlgorithm: nil, ref: "refs/heads/main", on: grant)
        }
        // Without a ref, the upload is for a pull request to open (huggingface_hub's create_pr).
        #expect(try await test.hub.lfs.batch(.upload, objects: [], hashAlgorithm: nil, on: grant).isEmpty)
        await #expect(throws: HubError.entryNotFound("pull request #3")) {
            try await test.hub.lfs.batch(.upload, objects: [], hashAlgorithm: nil, ref: "refs/pr/3", on: grant)
        }
    }

    @Test func storedBytesAreBoundOnlyToTheirRepositoryUntilItsReaderUploadsThemElsewhere() async throws {
        let bytes = Array("weights, in a file".utf8)
        let repo = try await grant(id, token: token).repo
        let pointer = try await test.hub.lfs.storeWhole(bytes, repo: repo)
        #expect(pointer.oid.hex == SHA256.hash(data: bytes).hexString)
        #expect(try await test.hub.lfs.boundSize(of: pointer.oid, repoRowID: repo.rowID) == Int64(bytes.count))

        let other = try await test.repo("other", token: token)
        #expect(try await test.hub.lfs.boundSize(of: pointer.oid, repoRowID: other.rowID) == nil)
        // Alice can read the bytes where they are, so offering them to her other repository
        // binds them there without a transfer; a stranger with a repository of his own cannot.
        let present = try await test.hub.lfs.batch(
            .upload, objects: [.init(oid: pointer.oid.hex, size: pointer.size)], hashAlgorithm: nil,
            on: try await grant(other.id, token: token))
        guard case .present = present.first else { Issue.record("\(present)"); return }
        #expect(try await test.hub.lfs.boundSize(of: pointer.oid, repoRowID: other.rowID) == pointer.size)

        let alice = try await test.caller(token)
        for repoID in [id, other.id] {
            try await test.hub.repos.setVisibility(
                try await test.hub.repos.grant(repoID, caller: alice, need: .administer), isPrivate: true)
        }
        let mallory = try await test.user("mallory")
        let own = try await test.repo("mine", owner: "mallory", token: mallory)
        let offered = try await test.hub.lfs.batch(
            .upload, objects: [.init(oid: pointer.oid.hex, size: pointer.size)], hashAlgorithm: nil,
            on: try await grant(own.id, token: mallory))
        guard case .upload = offered.first else { Issue.record("\(offered)"); return }
        #expect(try await test.hub.lfs.boundSize(of: pointer.oid, repoRowID: own.rowID) == nil)
    }
}
