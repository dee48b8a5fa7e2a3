import Foundation

/// One LFS object on its way from the upstream hub into this hub's store, written to a file in
/// the scratch area as it arrives: the clients that asked for it read that file as it grows
/// (`LFSService.readMirrored`), so the first download of a large file starts at once instead of
/// after the whole object has been fetched, and 32 clients asking at once make one fetch.
actor MirrorDownload {
    /// The file the bytes are written to; it goes once the object is stored (readers that opened
    /// it keep reading it).
    nonisolated let file: URL
    nonisolated let size: Int64
    private var written: Int64 = 0
    private var started = false
    private var outcome: Result<Void, any Error>?
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(file: URL, size: Int64) {
        self.file = file
        self.size = size
    }

    /// Upstream answered and its bytes are coming.
    func begin() {
        started = true
        wake()
    }

    /// `count` more bytes are in the file.
    func advance(by count: Int64) {
        written += count
        wake()
    }

    /// The fetch ended: every byte is in the file (and the object stored), or it failed.
    func finish(_ result: Result<Void, any Error>) {
        started = true
        outcome = result
        wake()
    }

    /// Returns once upstream has started sending, or throws why it did not (nothing was sent to
    /// any client yet, so the request can still be answered with the error's status).
    func waitUntilStarted() async throws {
        while !started { await sleep() }
        if written == 0, case .failure(let error)? = outcome { throw error }
    }

    /// Returns once the fetch ended and, when it succeeded, the object is stored and bound;
    /// throws why it failed.
    func waitUntilFinished() async throws {
        while true {
            switch outcome {
            case .success?: return
            case .failure(let error)?: throw error
            case nil: await sleep()
            }
        }
    }

    /// How many bytes may be read once more than `offset` may; throws when the fetch failed
    /// before reaching past it. The object's last byte is held back until it is checked and
    /// stored: a client whose download completed can rely on the object being here (another
    /// instance serves it even if upstream is gone by then), and one that was sent other bytes
    /// than the pointer's sees its download fail instead of completing.
    func available(beyond offset: Int64) async throws -> Int64 {
        while true {
            switch outcome {
            case .success?: return written
            case .failure(let error)?: throw error
            case nil:
                let readable = min(written, size - 1)
                if readable > offset { return readable }
                await sleep()
            }
        }
    }

    private func sleep() async {
        await withCheckedContinuation { waiters.append($0) }
    }

    private func wake() {
        let woken = waiters
        waiters = []
        for waiter in woken { waiter.resume() }
    }
}
