# Build with the official Swift image (BLAKE3 built from Debian's sources, linked statically), run on
# slim Debian with libgit2, cmark-gfm, LZ4, git and git-lfs, as an unprivileged user.
# Every package the build installs is in .ci/debian-packages, and the runtime installs the library
# each -dev package provides: Tests/EndToEnd/test_packaging.py checks both, and runs hadolint.
FROM swift:6.3-bookworm AS build
# Debian stable's point releases replace package versions: pins would break the build, not secure it.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends libgit2-dev libsqlite3-dev libssl-dev pkg-config \
        libcmark-gfm-dev libcmark-gfm-extensions-dev liblz4-dev librust-blake3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash .ci/build-blake3 && swift build -c release --product modelhub \
    && mkdir -p /out \
    && cp "$(swift build -c release --show-bin-path)/modelhub" /out/ \
    && cp -R "$(swift build -c release --show-bin-path)"/*.resources /out/

FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends \
        libgit2-1.5 libsqlite3-0 libssl3 git git-lfs ca-certificates curl libcurl4 libxml2 tzdata \
        libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6 liblz4-1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 modelhub \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin modelhub \
    && mkdir -p /data && chown modelhub:modelhub /data
COPY --from=build /usr/lib/swift/linux/*.so /usr/lib/swift/linux/
# The resource bundles (migrations, web templates and stylesheet) sit beside the binary, where it looks for them.
COPY --from=build /out/ /app/
ENV LD_LIBRARY_PATH=/usr/lib/swift/linux
WORKDIR /app
USER 10001:10001
VOLUME /data
EXPOSE 8080
# Ready: the index answers, /data takes a write, git is on PATH, the blob store answers.
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["/app/modelhub"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
