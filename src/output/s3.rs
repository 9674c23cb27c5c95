//! `--out s3://bucket/prefix/`: the report files of a run under `prefix/runs/<UTC time>/` and
//! `prefix/latest/`, and the earlier runs' report.json read back for the trend. The calls
//! themselves are made by [`crate::collect::store::S3Store`], msgready's one write to AWS.

use super::{RunFile, TREND_RUNS};
use crate::collect::store::S3Store;
use crate::error::Result;
use crate::model::report::TrendPoint;

pub struct S3Sink {
    store: S3Store,
    /// Empty or ending in `/`.
    pub prefix: String,
}

impl S3Sink {
    pub fn new(store: S3Store, prefix: String) -> S3Sink {
        S3Sink { store, prefix }
    }

    pub fn location(&self, key: &str) -> String {
        self.store.location(&format!("{}{key}", self.prefix))
    }

    /// The run names under `prefix/runs/`, sorted.
    pub async fn runs(&self) -> Result<Vec<String>> {
        self.store.folders(&format!("{}runs/", self.prefix)).await
    }

    /// The trend points of the last [`TREND_RUNS`] earlier runs (a run without a readable
    /// report.json is left out).
    pub async fn trend(&self, runs: &[String]) -> Vec<TrendPoint> {
        let skip = runs.len().saturating_sub(TREND_RUNS);
        let mut points = Vec::new();
        for run in runs.iter().skip(skip) {
            let key = format!("{}runs/{run}/report.json", self.prefix);
            let Some(bytes) = self.store.get(&key).await else {
                continue;
            };
            if let Some(p) = super::trend_point(run, &String::from_utf8_lossy(&bytes)) {
                points.push(p);
            }
        }
        points
    }

    /// Every file under `runs/<run>/`, then under `latest/`; encrypted at rest.
    pub async fn put_run(
        &self,
        run: &str,
        files: &[RunFile],
        kms_key: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut written = Vec::new();
        for folder in [format!("runs/{run}/"), "latest/".to_string()] {
            for f in files {
                let key = format!("{}{folder}{}", self.prefix, f.name);
                let content_type = crate::report::by_file(f.name)
                    .map_or("application/octet-stream", |f| f.content_type);
                self.store
                    .put(&key, &f.bytes, content_type, kms_key)
                    .await?;
            }
            written.push(self.location(&folder));
        }
        Ok(written)
    }
}
