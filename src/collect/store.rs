//! The AWS side of the report sink `--out s3://bucket/prefix/`: listing, reading and writing
//! objects of the bucket the user named. It lives here so that `collect/` stays the only code
//! that uses the AWS SDK; what to write where is decided by `crate::output::s3`.
//!
//! PutObject here is THE ONLY WRITE MSGREADY MAKES TO AWS, always with server-side encryption
//! (SSE-S3, or SSE-KMS with `--sse-kms-key-id`). Everything else msgready sends to AWS reads.

use super::clients::s3_endpoint_overridden;
use super::{load_sdk_config, Credentials, Limits};
use crate::error::{Error, Result};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;

/// One bucket, reached with the collection's credential chain.
pub struct S3Store {
    client: aws_sdk_s3::Client,
    pub bucket: String,
}

/// `s3://bucket/key: Code: message` for an S3 error.
fn failed<E>(location: &str, what: &str, err: aws_sdk_s3::error::SdkError<E>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let detail = match (err.code(), err.message()) {
        (Some(code), Some(m)) => format!("{code}: {m}"),
        (Some(code), None) => code.to_string(),
        _ => DisplayErrorContext(&err).to_string(),
    };
    Error::Usage(format!("cannot {what} {location}: {detail}"))
}

impl S3Store {
    /// A client for `bucket` from the standard credential chain (or `creds`).
    pub async fn connect(creds: &Credentials, bucket: String) -> S3Store {
        let sdk = load_sdk_config(creds, &Limits::default()).await;
        let mut conf =
            aws_sdk_s3::config::Builder::from(&sdk).force_path_style(s3_endpoint_overridden());
        if sdk.region().is_none() {
            conf = conf.region(aws_config::Region::new("us-east-1"));
        }
        S3Store {
            client: aws_sdk_s3::Client::from_conf(conf.build()),
            bucket,
        }
    }

    pub fn location(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    /// The "folders" directly under `prefix` (common prefixes at `/`), without `prefix` and
    /// the trailing `/`, sorted.
    pub async fn folders(&self, prefix: &str) -> Result<Vec<String>> {
        let mut names = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .delimiter("/")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| failed(&self.location(prefix), "list", e))?;
            for p in page.common_prefixes() {
                if let Some(name) = p
                    .prefix()
                    .and_then(|p| p.strip_prefix(prefix))
                    .map(|p| p.trim_end_matches('/'))
                    .filter(|p| !p.is_empty())
                {
                    names.push(name.to_string());
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// The object's bytes; `None` when it cannot be read.
    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let Ok(obj) = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        else {
            tracing::info!("no readable object at {}", self.location(key));
            return None;
        };
        obj.body
            .collect()
            .await
            .ok()
            .map(|b| b.into_bytes().to_vec())
    }

    /// PutObject, encrypted at rest: SSE-KMS under `kms_key`, else SSE-S3.
    pub async fn put(
        &self,
        key: &str,
        bytes: &[u8],
        content_type: &str,
        kms_key: Option<&str>,
    ) -> Result<()> {
        let put = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes.to_vec()));
        let put = match kms_key {
            Some(k) => put
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(k),
            None => put.server_side_encryption(ServerSideEncryption::Aes256),
        };
        put.send()
            .await
            .map(|_| ())
            .map_err(|e| failed(&self.location(key), "write", e))
    }
}
