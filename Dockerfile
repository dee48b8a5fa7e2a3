# Build with the official Swift image (BLAKE3 built from Debian's sources, linked statically), run on
# slim Debian with libgit2, cmark-gfm, LZ4, git and git-lfs.
FROM swift:6.3-bookworm AS build
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
RUN apt-get update && apt-get install -y --no-install-recommends \
        libgit2-1.5 libsqlite3-0 libssl3 git git-lfs ca-certificates libcurl4 libxml2 tzdata \
        libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6 liblz4-1 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/lib/swift/linux/*.so /usr/lib/swift/linux/
COPY --from=build /out/ /app/
ENV LD_LIBRARY_PATH=/usr/lib/swift/linux
WORKDIR /app
VOLUME /data
EXPOSE 8080
# The resource bundles (migrations, web templates and stylesheet) sit beside the binary, where it looks for them.
ENTRYPOINT ["/app/modelhub"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
