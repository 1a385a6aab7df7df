# syntax=docker/dockerfile:1
# LottoPro service image: build in the Rust image, run in a slim Debian.
#   docker build -t lottopro:0.1.0 .
#   docker run -p 5000:5000 -v lottopro-data:/data lottopro:0.1.0
# Base images carry exact version tags; `hadolint Dockerfile` is part of the
# test suite (lottopro-http/tests/ops/test_packaging.py).
FROM rust:1.95.0-bookworm AS build
WORKDIR /src
COPY . .
# BuildKit keeps the crate registry and the target folder between builds.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p lottopro-http \
 && cp target/release/lottopro /usr/local/bin/lottopro

FROM debian:12.11-slim
# A fixed UID, so volumes and docker-compose.yml's `user:` agree.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 lottopro \
 && useradd --system --uid 10001 --gid 10001 --home /data --shell /usr/sbin/nologin lottopro \
 && mkdir -p /data /backups && chown lottopro:lottopro /data /backups
COPY --from=build /usr/local/bin/lottopro /usr/local/bin/lottopro
USER 10001:10001
WORKDIR /data
ENV LOTTOPRO_BIND=0.0.0.0:5000 \
    LOTTOPRO_DB=/data/lottopro.db
VOLUME /data
EXPOSE 5000
# /api/ready probes the database (and Redis when configured).
HEALTHCHECK --interval=10s --timeout=3s CMD ["curl", "-fsS", "http://127.0.0.1:5000/api/ready"]
ENTRYPOINT ["lottopro"]
CMD ["serve"]
