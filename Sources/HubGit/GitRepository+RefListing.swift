import CLibGit2
import Foundation

/// The ref listing git's ref advertisement and `ls-refs` are made of.
extension GitRepository {
    /// git follows at most this many symbolic refs in a chain (refs.h, SYMREF_MAXDEPTH).
    private static let symbolicRefDepth = 5

    /// `HEAD` and the refs under `refs/` as `git upload-pack` sees them: a symbolic ref that
    /// does not resolve is left out, as git leaves it out.
    public func refListing() throws(GitError) -> GitRefListing {
        let (refs, missingObjects) = try listedRefs()
        return GitRefListing(head: head(), refs: refs, hasRefsToMissingObjects: missingObjects)
    }

    private func head() -> GitRefListing.Head {
        var name = Array("HEAD".utf8)
        var followed = false
        for _ in 0...Self.symbolicRefDepth {
            var reference: OpaquePointer?
            let code = (name + [0]).withUnsafeBytes { cName in
                git_reference_lookup(&reference, handle, cName.baseAddress?.assumingMemoryBound(to: CChar.self))
            }
            if code == GIT_ENOTFOUND.rawValue { return followed ? .unborn(target: name) : .missing }
            guard code == 0, let reference else { return .missing }
            defer { git_reference_free(reference) }
            if git_reference_type(reference) == GIT_REFERENCE_SYMBOLIC {
                guard let target = git_reference_symbolic_target(reference) else { return .missing }
                name = Self.bytes(target)
                followed = true
                continue
            }
            guard let id = git_reference_target(reference) else { return .missing }
            return .resolved(entry(named: Array("HEAD".utf8), id: id.pointee, symrefTarget: followed ? name : nil))
        }
        return .missing
    }

    private func listedRefs() throws(GitError) -> ([GitRefListing.Entry], missingObjects: Bool) {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle), "open object database")
        defer { git_odb_free(odb) }
        var iterator: OpaquePointer?
        try LibGit2.check(git_reference_iterator_new(&iterator, handle), "list refs")
        defer { git_reference_iterator_free(iterator) }
        var found: [GitRefListing.Entry] = []
        var missingObjects = false
        while true {
            var reference: OpaquePointer?
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code, "read ref")
            defer { git_reference_free(reference) }
            guard let reference, let rawName = git_reference_name(reference) else { continue }
            let name = Self.bytes(rawName)
            guard name.starts(with: Array("refs/".utf8)) else { continue }
            var symrefTarget: [UInt8]?
            var id: git_oid
            if git_reference_type(reference) == GIT_REFERENCE_SYMBOLIC {
                var resolved: OpaquePointer?
                guard git_reference_resolve(&resolved, reference) == 0, let resolved else { continue }
                defer { git_reference_free(resolved) }
                guard let target = git_reference_target(resolved), let targetName = git_reference_name(resolved) else {
                    continue
                }
                id = target.pointee
                symrefTarget = Self.bytes(targetName)
            } else {
                guard let target = git_reference_target(reference) else { continue }
                id = target.pointee
            }
            if git_odb_exists(odb, &id) != 1 { missingObjects = true }
            found.append(entry(named: name, id: id, symrefTarget: symrefTarget))
        }
        return (found.sorted { $0.name.lexicographicallyPrecedes($1.name) }, missingObjects)
    }

    private func entry(named name: [UInt8], id: git_oid, symrefTarget: [UInt8]?) -> GitRefListing.Entry {
        var id = id
        var object: OpaquePointer?
        var peeled: String?
        if git_object_lookup(&object, handle, &id, GIT_OBJECT_ANY) == 0, let object {
            defer { git_object_free(object) }
            if git_object_type(object) == GIT_OBJECT_TAG {
                // GIT_OBJECT_ANY peels until the object is no longer a tag (git2/object.h).
                var target: OpaquePointer?
                if git_object_peel(&target, object, GIT_OBJECT_ANY) == 0, let target {
                    peeled = git_object_id(target).pointee.hex
                    git_object_free(target)
                }
            }
        }
        return GitRefListing.Entry(name: name, object: id.hex, peeled: peeled, symrefTarget: symrefTarget)
    }

    private static func bytes(_ text: UnsafePointer<CChar>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
    }
}
