# backpropd container image: build with the Swift toolchain, run on a slim Debian with only the
# statically linked binary (the Swift runtime and Foundation are inside it).
#   podman build --pull=never --format docker -t backpropd .     (docker build -t backpropd . elsewhere)
#   podman run --rm --network host -v backpropd-data:/data -e BACKPROPD_API_TOKEN_FILE=/run/secrets/api-token \
#     -v "$PWD/api-token:/run/secrets/api-token:ro" backpropd     (0.0.0.0 without a token is refused)

FROM swift:6.3-bookworm AS build
WORKDIR /src
# The manifest alone first: dependency resolution stays cached while only sources change.
COPY Package.swift ./
RUN swift package resolve
COPY Plugins ./Plugins
COPY Sources ./Sources
COPY Tests ./Tests
COPY Benchmarks ./Benchmarks
RUN swift build -c release --static-swift-stdlib --product backpropd \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/backpropd" /out/usr/local/bin/backpropd \
    && install -d -m 0700 /out/data

FROM debian:bookworm-slim
ARG VERSION=dev
LABEL org.opencontainers.image.title="backpropd" \
      org.opencontainers.image.description="Training service for the numpy gradient-descent tutorial's sigmoid networks: POST a sweep, poll its error curves" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
COPY --from=build /out/usr/local/bin/backpropd /usr/local/bin/backpropd
COPY --from=build --chown=10001:10001 /out/data /data
ENV BACKPROPD_HOST=0.0.0.0 \
    BACKPROPD_DATA_DIR=/data
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/backpropd", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/backpropd"]
CMD ["serve"]
