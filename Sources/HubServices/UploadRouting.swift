import HubCore

/// Which files go to Git LFS, by huggingface_hub's rule as `preupload` answers it: those
/// `.gitattributes` routes there, those larger than a git file may be, and binary ones (a NUL in
/// the first bytes).
struct UploadRouting: Sendable {
    /// Regular files above this size must go through LFS (the push policy's limit).
    let maxGitFileSize: Int

    func usesLFS(path: String, size: Int64, sample: some Sequence<UInt8>, attributes: PathPatterns) -> Bool {
        attributes.value(for: path) == true || size > Int64(maxGitFileSize) || sample.contains(0)
    }
}
