import Foundation

/// libFuzzer's entry: the input of one run, handed to the target chosen on the command line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    ModelHubFuzz.target?.run(bytes)
    return 0
}

/// libFuzzer's driver (linked by `-sanitize=fuzzer`): it parses libFuzzer's own flags and calls
/// `LLVMFuzzerTestOneInput` for every input it makes.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// `ModelHubFuzz <target> [libFuzzer flags] [corpus folders]`: one binary for every parser, so the
/// sanitized dependency graph is linked once.
@main
enum ModelHubFuzz {
    nonisolated(unsafe) static var target: FuzzTarget?

    static func main() {
        var arguments = CommandLine.arguments
        guard arguments.count >= 2, let chosen = FuzzTarget(rawValue: arguments[1]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: ModelHubFuzz <target> [libFuzzer options]\ntargets: \(names)\n".utf8))
            exit(2)
        }
        target = chosen
        arguments.remove(at: 1)
        // libFuzzer keeps pointers into argv for the whole run: these strings are never freed.
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var count = Int32(arguments.count)
        let status = pointers.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress
            return LLVMFuzzerRunDriver(&count, &argv, fuzzOneInput)
        }
        exit(status)
    }
}
