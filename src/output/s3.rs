//! `--out s3://bucket/prefix/`: the report files of a run under `prefix/runs/<UTC time>/` and
//! `prefix/latest/`, and the earlier runs' report.json read back for the trend.
//!
//! THIS IS THE ONLY WRITE MSGREADY MAKES TO AWS: PutObject of report files into the bucket the
//! user named with `--out`, with server-side encryption (SSE-S3 by default, SSE-KMS with
//! `--sse-kms-key-id`). Everything else msgready sends to AWS only reads. The reads here
//! (ListObjectsV2, GetObject) are of that same report location.

use super::{RunFile, TrendPoint, TREND_RUNS};
use crate::error::{Error, Result};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;

pub struct S3Sink {
    client: aws_sdk_s3::Client,
    pub bucket: String,
    /// Empty or ending in `/`.
    pub prefix: String,
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        Some("sarif") => "application/sarif+json",
        Some("xml") => "application/xml",
        Some("md") => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
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

impl S3Sink {
    pub fn new(sdk: &aws_config::SdkConfig, bucket: String, prefix: String) -> S3Sink {
        let mut conf = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(crate::collect::s3_endpoint_overridden());
        if sdk.region().is_none() {
            conf = conf.region(aws_config::Region::new("us-east-1"));
        }
        S3Sink {
            client: aws_sdk_s3::Client::from_conf(conf.build()),
            bucket,
            prefix,
        }
    }

    pub fn location(&self, key: &str) -> String {
        format!("s3://{}/{}{key}", self.bucket, self.prefix)
    }

    /// The run names under `prefix/runs/`, sorted.
    pub async fn runs(&self) -> Result<Vec<String>> {
        let runs_prefix = format!("{}runs/", self.prefix);
        let mut names = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&runs_prefix)
            .delimiter("/")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| failed(&self.location("runs/"), "list", e))?;
            for p in page.common_prefixes() {
                if let Some(name) = p
                    .prefix()
                    .and_then(|p| p.strip_prefix(&runs_prefix))
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

    /// The trend points of the last [`TREND_RUNS`] earlier runs (a run without a readable
    /// report.json is left out).
    pub async fn trend(&self, runs: &[String]) -> Vec<TrendPoint> {
        let skip = runs.len().saturating_sub(TREND_RUNS);
        let mut points = Vec::new();
        for run in runs.iter().skip(skip) {
            let key = format!("{}runs/{run}/report.json", self.prefix);
            let Ok(obj) = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
            else {
                tracing::info!("no readable report.json in {}", self.location(&key));
                continue;
            };
            let Ok(bytes) = obj.body.collect().await else {
                continue;
            };
            if let Some(p) = super::trend_point(run, &String::from_utf8_lossy(&bytes.into_bytes()))
            {
                points.push(p);
            }
        }
        points
    }

    /// PutObject of every file under `runs/<run>/`, then under `latest/`; encrypted at rest.
    pub async fn put_run(
        &self,
        run: &str,
        files: &[RunFile],
        kms_key: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut written = Vec::new();
        for folder in [format!("runs/{run}/"), "latest/".to_string()] {
            for f in files {
                let key = format!("{folder}{}", f.name);
                let mut put = self
                    .client
                    .put_object()
                    .bucket(&self.bucket)
                    .key(format!("{}{key}", self.prefix))
                    .content_type(content_type(f.name))
                    .body(ByteStream::from(f.bytes.clone()));
                put = match kms_key {
                    Some(k) => put
                        .server_side_encryption(ServerSideEncryption::AwsKms)
                        .ssekms_key_id(k),
                    None => put.server_side_encryption(ServerSideEncryption::Aes256),
                };
                put.send()
                    .await
                    .map_err(|e| failed(&self.location(&key), "write", e))?;
            }
            written.push(self.location(&folder));
        }
        Ok(written)
    }
}
