//! Archives in S3-compatible storage, through `object_store`'s S3 client.
//!
//! Credentials and region come from the standard AWS variables
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
//! `AWS_DEFAULT_REGION` or `AWS_REGION`, else the bucket's own);
//! `AWS_ENDPOINT_URL` points at another
//! S3-compatible service (MinIO, Ceph, a local test server), and an
//! `http://` endpoint is allowed because the operator named it.
//! Uploads are multipart in 8 MiB parts, so an archive of any size goes up
//! without being held in memory.

use std::path::Path;

use futures_util::StreamExt;
use lottopro_core::{Error, Result};
use object_store::ClientOptions;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey, resolve_bucket_region};
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Bytes per uploaded part.
const PART: usize = 8 << 20;

/// A bucket and the prefix archives are kept under.
pub struct Remote {
    store: AmazonS3,
    bucket: String,
    prefix: String,
}

fn unavailable(e: object_store::Error) -> Error {
    Error::unavailable("S3", e)
}

/// An `s3://bucket/key` split in two.
pub fn parse_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/')?;
    (!bucket.is_empty() && !key.is_empty()).then_some((bucket, key))
}

impl Remote {
    /// The bucket `bucket` (archives under `prefix`), configured from the
    /// environment: the `AWS_*` variables that are set and not empty (an
    /// empty one is unset, as everywhere; object_store would take it as a
    /// value). With no region set and no endpoint, the bucket's own region
    /// is asked of S3 (a bucket in Seoul is not in us-east-1); with an
    /// endpoint, the region defaults to us-east-1, which S3-compatible
    /// servers accept.
    pub async fn new(bucket: &str, prefix: &str) -> Result<Remote> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new().with_bucket_name(bucket);
        for (name, _) in std::env::vars_os() {
            let Some(name) = name.to_str().filter(|n| n.starts_with("AWS_")) else {
                continue;
            };
            if let (Ok(key), Some(value)) = (
                name.to_ascii_lowercase().parse::<AmazonS3ConfigKey>(),
                crate::config::var(name),
            ) {
                builder = builder.with_config(key, value);
            }
        }
        let endpoint = crate::config::var("AWS_ENDPOINT_URL")
            .or_else(|| crate::config::var("AWS_ENDPOINT"))
            .unwrap_or_default();
        if endpoint.starts_with("http://") {
            builder = builder.with_allow_http(true);
        }
        if crate::config::var("AWS_DEFAULT_REGION").is_none()
            && crate::config::var("AWS_REGION").is_none()
        {
            let region = if endpoint.is_empty() {
                resolve_bucket_region(bucket, &ClientOptions::new())
                    .await
                    .map_err(|e| {
                        Error::invalid(
                            "AWS_DEFAULT_REGION",
                            format!("is not set, and the region of bucket {bucket} could not be found: {e}"),
                        )
                    })?
            } else {
                "us-east-1".to_owned()
            };
            builder = builder.with_region(region);
        }
        let store = builder
            .build()
            .map_err(|e| Error::invalid("S3_BACKUP_BUCKET", e.to_string()))?;
        Ok(Remote {
            store,
            bucket: bucket.to_owned(),
            prefix: prefix.trim_matches('/').to_owned(),
        })
    }

    /// The key of an archive named `name`.
    pub fn key(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.prefix)
        }
    }

    /// `s3://bucket/key`.
    pub fn url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    /// Uploads `file` as `key`, in parts.
    pub async fn put(&self, file: &Path, key: &str) -> Result<()> {
        let upload = self
            .store
            .put_multipart(&Key::from(key))
            .await
            .map_err(unavailable)?;
        let mut write = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut input = tokio::fs::File::open(file).await?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = input.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            write.wait_for_capacity(4).await.map_err(unavailable)?;
            write.write(&buf[..n]);
        }
        write.finish().await.map_err(unavailable)?;
        Ok(())
    }

    /// The archives under the prefix, oldest first (their names carry the
    /// UTC time they were taken).
    pub async fn list(&self) -> Result<Vec<String>> {
        let prefix = (!self.prefix.is_empty()).then(|| Key::from(self.prefix.as_str()));
        let mut listing = self.store.list(prefix.as_ref());
        let mut keys = Vec::new();
        while let Some(meta) = listing.next().await {
            let key = meta.map_err(unavailable)?.location.to_string();
            if super::is_archive_name(key.rsplit('/').next().unwrap_or("")) {
                keys.push(key);
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// Deletes `key`.
    pub async fn delete(&self, key: &str) -> Result<()> {
        self.store
            .delete(&Key::from(key))
            .await
            .map_err(unavailable)
    }

    /// Downloads `key` into `file`.
    pub async fn get(&self, key: &str, file: &Path) -> Result<()> {
        let found = self.store.get(&Key::from(key)).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => {
                Error::invalid("from", format!("{} does not exist", self.url(key)))
            }
            e => unavailable(e),
        })?;
        let mut out = tokio::fs::File::create(file).await?;
        let mut stream = found.into_stream();
        while let Some(chunk) = stream.next().await {
            out.write_all(&chunk.map_err(unavailable)?).await?;
        }
        out.flush().await?;
        Ok(())
    }
}
