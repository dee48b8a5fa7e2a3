#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CFileWriteback
import HubCore
import Crypto
import NIOCore
import NIOPosix

/// Writes a new file and hashes it with SHA-256 on NIO's blocking-I/O pool, one batch of a few
/// MiB at a time, hashing and writing each batch on two threads at once, while the caller goes
/// on receiving the next batch: an upload then runs at the speed of its slowest stage (network,
/// hashing or disk) instead of at the sum of all three.
///
/// It also starts the disk writeback of each batch as soon as it is written (`sync_file_range`)
/// and waits for batches a few MiB behind, so a multi-gigabyte upload never piles up dirty pages
/// and the final `fsync` only has the last batches left to flush.
///
/// One batch is in flight at a time, so the file is written and hashed in order and the writer
/// holds at most two batches of memory.
struct HashingFileWriter {
    static let batchSize = 4 << 20
    /// How far behind the newest batch writeback is awaited.
    static let writebackWindow: Int64 = 32 << 20

    private let descriptor: CInt
    private let pool: NIOThreadPool
    private var batch: [ByteBuffer] = []
    private var batchBytes = 0
    private(set) var byteCount: Int64 = 0
    /// The hash of everything before the batch in flight (the batch's task carries it on).
    private var hasher = SHA256()
    private var inFlight: EventLoopFuture<SHA256>?
    /// The write half of the batch in flight: the file is closed only once it is done.
    private var writeInFlight: EventLoopFuture<Void>?
    private var closed = false

    /// Creates the file; it must not exist.
    init(creating path: String, pool: NIOThreadPool = .singleton) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "open \(path)") }
        self.descriptor = descriptor
        self.pool = pool
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        guard buffer.readableBytes > 0 else { return }
        batch.append(buffer)
        batchBytes += buffer.readableBytes
        byteCount += Int64(buffer.readableBytes)
        if batchBytes >= Self.batchSize {
            try await submitBatch()
        }
    }

    /// Writes and hashes what is left and returns the SHA-256 of everything written, in hex.
    /// The file is not yet synced: call `synchronizeAndClose` to keep it, `abandon` to drop it.
    mutating func finishWriting() async throws -> String {
        try await submitBatch()
        try await waitForBatchInFlight()
        return hasher.finalize().hexString
    }

    /// Flushes the file to the disk and closes it (after `finishWriting`).
    mutating func synchronizeAndClose() async throws {
        try await waitForBatchInFlight()
        let descriptor = self.descriptor
        closed = true
        try await pool.runIfActive {
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else { throw IOError(errnoCode: errno, reason: "fsync") }
        }
    }

    /// Waits for any batch in flight (ignoring its failure) and closes the file; for the error
    /// path, where the file is about to be removed.
    mutating func abandon() async {
        guard !closed else { return }
        closed = true
        _ = try? await inFlight?.get()
        _ = try? await writeInFlight?.get()
        close(descriptor)
    }

    private mutating func waitForBatchInFlight() async throws {
        if let inFlight {
            self.inFlight = nil
            hasher = try await inFlight.get()
        }
    }

    private mutating func submitBatch() async throws {
        try await waitForBatchInFlight()
        guard batchBytes > 0 else { return }
        let buffers = batch
        let offset = byteCount - Int64(batchBytes)
        let descriptor = self.descriptor
        let hasher = self.hasher
        batch = []
        batchBytes = 0
        // Hashed on one pool thread while written on another: a batch then takes the longer of
        // the two, not their sum (SHA-256 at ~1 GB/s is a quarter of a 1 GiB upload's time).
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let hashed = pool.runIfActive(eventLoop: loop) {
            var hasher = hasher
            for buffer in buffers {
                buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            }
            return hasher
        }
        let written = pool.runIfActive(eventLoop: loop) {
            try Self.write(buffers, to: descriptor, at: offset)
        }
        writeInFlight = written
        inFlight = hashed.and(written).map { hasher, _ in hasher }
    }

    private static func write(_ buffers: [ByteBuffer], to descriptor: CInt, at start: Int64) throws {
        var offset = start
        for buffer in buffers {
            try buffer.withUnsafeReadableBytes { bytes in
                var done = 0
                while done < bytes.count {
                    let count = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw IOError(errnoCode: errno, reason: "pwrite")
                    }
                    done += count
                }
            }
            offset += Int64(buffer.readableBytes)
        }
        // Start writing this batch to the disk now, and wait for the batches well behind it, so
        // dirty pages stay bounded. Failures here only lose the head start: fsync reports errors.
        _ = modelhub_start_writeback(descriptor, start, offset - start)
        if start >= writebackWindow {
            _ = modelhub_wait_writeback(descriptor, start - writebackWindow, offset - start)
        }
    }
}
