import Foundation

/// The bytes of the regular files under a folder (symbolic links are not followed).
public enum FolderSize {
    /// 0 when the folder does not exist; files that vanish during the walk are skipped.
    public static func bytes(under folder: URL) -> Int64 {
        guard let files = FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
        else { return 0 }
        var total: Int64 = 0
        for case let file as URL in files {
            guard let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]),
                values.isRegularFile == true
            else { continue }
            total += Int64(values.fileSize ?? 0)
        }
        return total
    }
}
