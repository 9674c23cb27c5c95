//! The event pipeline: Firehose delivery streams and Kinesis data streams.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FirehoseStream {
    pub name: String,
    pub arn: String,
    /// `CREATING`, `ACTIVE`, `DELETING`, ...
    pub status: String,
    #[serde(default)]
    pub s3_destination: Option<S3Destination>,
    /// Source Kinesis stream when the delivery stream reads from one.
    #[serde(default)]
    pub source_stream_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Destination {
    pub bucket_arn: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KinesisStream {
    pub name: String,
    pub arn: String,
    /// `CREATING`, `DELETING`, `ACTIVE`, `UPDATING`.
    pub status: String,
}
