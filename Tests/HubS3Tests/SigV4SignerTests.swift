import Foundation
import Testing

@testable import HubS3

/// Signatures checked against AWS's published examples ("Signature Calculations for the
/// Authorization Header" and "Authenticating Requests: Using Query Parameters" in the S3 API
/// reference) and against botocore's S3SigV4Auth/S3SigV4QueryAuth on the same inputs.
@Suite struct SigV4SignerTests {
    let signer = SigV4Signer(
        accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
    /// 2013-05-24T00:00:00Z, the date of AWS's examples.
    let date = Date(timeIntervalSince1970: 1_369_353_600)

    func signature(of headers: [(String, String)]) -> String? {
        headers.first { $0.0 == "Authorization" }?.1.components(separatedBy: "Signature=").last
    }

    @Test func theGetObjectExampleOfTheS3Documentation() {
        let headers = signer.signedHeaders(
            method: "GET", path: "/test.txt", query: [],
            headers: [("host", "examplebucket.s3.amazonaws.com"), ("range", "bytes=0-9")],
            payloadHash: SigV4Signer.emptyPayloadHash, date: date)
        #expect(signature(of: headers) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        let authorization = headers.first { $0.0 == "Authorization" }?.1 ?? ""
        #expect(authorization.hasPrefix(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"))
        #expect(headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test func thePresignedUrlExampleOfTheS3Documentation() {
        let query = signer.presignedQuery(
            method: "GET", path: "/test.txt", host: "examplebucket.s3.amazonaws.com", expires: 86400, date: date)
        #expect(query.hasSuffix("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"))
        #expect(query.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"))
    }

    @Test func aPutOfAKeyWithASpaceAndNonAsciiLikeBotocore() {
        // The body is "hello", whose SHA-256 botocore signs.
        let headers = signer.signedHeaders(
            method: "PUT", path: "/hub/lfs/incoming/a b/é.1", query: [],
            headers: [("host", "127.0.0.1:8333"), ("content-length", "5")],
            payloadHash: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", date: date)
        #expect(signature(of: headers) == "52c942955b1d9f0ddf993828c201af7ed4baa34824064f759088996e4c0b6a7f")
    }

    @Test func aSubresourceWithAnEmptyValueLikeBotocore() {
        let headers = signer.signedHeaders(
            method: "POST", path: "/hub/lfs/objects/ab/cd/abcd", query: [("uploads", "")],
            headers: [("host", "127.0.0.1:8333")], payloadHash: SigV4Signer.emptyPayloadHash, date: date)
        #expect(signature(of: headers) == "c5331d62d34678f6d2aaa29ae39ccb9b34dfb68cfa39de345594bab9f361a668")
    }

    @Test func aPresignedDownloadThatNamesTheFileLikeBotocore() {
        let query = signer.presignedQuery(
            method: "GET", path: "/hub/lfs/objects/ab/cd/abcd", host: "127.0.0.1:8333", expires: 3600,
            query: [("response-content-disposition", "attachment; filename*=UTF-8''model.safetensors")], date: date)
        #expect(query.hasSuffix("X-Amz-Signature=b6283db2c0a7dd540124e00086478aaf7070a81ba07ffddd0842981e2a106618"))
        #expect(query.contains("response-content-disposition=attachment%3B%20filename%2A%3DUTF-8%27%27model.safetensors"))
    }

    @Test func encodingKeepsOnlyTheUnreservedCharacters() {
        #expect(SigV4Signer.encode("a-Z_0.~ /+=&é") == "a-Z_0.~%20%2F%2B%3D%26%C3%A9")
        #expect(SigV4Signer.encodePath("/b/k ey/é") == "/b/k%20ey/%C3%A9")
    }
}
