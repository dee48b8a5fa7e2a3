/// The names git refuses as a path component because some file system would take them for
/// `.git` (git's fsck.c: `is_hfs_dotgit`, `is_ntfs_dotgit`, the fixes for CVE-2014-9390).
public enum GitPathRules {
    /// Whether `component` is `.git` to git, to a case-insensitive file system, to HFS+ (which
    /// ignores some invisible code points) or to NTFS (trailing dots and spaces, the 8.3 short
    /// name `git~1`, alternate data streams).
    public static func isDotGit(_ component: some StringProtocol) -> Bool {
        let visible = String(String.UnicodeScalarView(component.unicodeScalars.filter { !hfsIgnores($0) })).lowercased()
        if visible == ".git" { return true }
        let lowered = component.lowercased()
        if lowered == "git~1" { return true }
        guard lowered.hasPrefix(".git") else { return false }
        let rest = lowered.dropFirst(4)
        return rest.allSatisfy { $0 == "." || $0 == " " } || rest.hasPrefix(":")
    }

    /// Code points HFS+ drops when it compares names.
    static func hfsIgnores(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200C...0x200F, 0x202A...0x202E, 0x206A...0x206F, 0xFEFF: true
        default: false
        }
    }
}
