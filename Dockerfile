# LottoPro service image: build in the Rust image, run in a slim Debian.
#   docker build -t lottopro .
#   docker run -p 5000:5000 -v lottopro-data:/data lottopro
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p lottopro-http \
 && cp target/release/lottopro /usr/local/bin/lottopro

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data --shell /usr/sbin/nologin lottopro \
 && mkdir -p /data && chown lottopro /data
COPY --from=build /usr/local/bin/lottopro /usr/local/bin/lottopro
USER lottopro
WORKDIR /data
ENV LOTTOPRO_BIND=0.0.0.0:5000 \
    LOTTOPRO_DB=/data/lottopro.db
VOLUME /data
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:5000/api/ready || exit 1
ENTRYPOINT ["lottopro"]
CMD ["serve"]
