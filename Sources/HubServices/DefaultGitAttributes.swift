import HubCore

/// The `.gitattributes` of a new repository's first commit: the public hub's LFS patterns, so
/// that `git add model.safetensors` goes to LFS with no set-up.
enum DefaultGitAttributes {
    static let modelPatterns = [
        "*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gguf", "*.gz", "*.h5", "*.joblib",
        "*.lfs.*", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz", "*.onnx", "*.ot", "*.parquet",
        "*.pb", "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar", "*.safetensors", "saved_model/**/*",
        "*.tar.*", "*.tar", "*.tflite", "*.tgz", "*.wasm", "*.xz", "*.zip", "*.zst", "*tfevents*",
    ]

    /// Datasets also hold audio, images and video.
    static let datasetExtraPatterns = [
        "*.mds", "*.lz4",
        "*.pcm", "*.sam", "*.raw", "*.aac", "*.flac", "*.mp3", "*.ogg", "*.wav",
        "*.bmp", "*.gif", "*.png", "*.tiff", "*.jpg", "*.jpeg", "*.webp",
        "*.mp4", "*.webm",
    ]

    static func contents(for kind: RepoKind) -> String {
        let patterns = kind == .dataset ? modelPatterns + datasetExtraPatterns : modelPatterns
        var text = ""
        for pattern in patterns {
            text += "\(pattern) filter=lfs diff=lfs merge=lfs -text\n"
        }
        return text
    }
}
