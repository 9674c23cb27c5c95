//! The SDK clients of one Region, built from one shared SDK config, each counting its
//! attempts into the recorder.

use super::{Limits, Recorder, GLOBAL};
use crate::model::service::Service;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

/// How to reach AWS: credentials, role and endpoints.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// Named profile of the shared config files (SSO profiles included).
    pub profile: Option<String>,
    /// Role to assume with STS before collecting.
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
}

/// Counts every HTTP attempt, retries included, per operation, into the [`Recorder`].
#[derive(Debug, Clone)]
pub struct AttemptCounter {
    recorder: Recorder,
    service: Service,
    region: String,
}

impl aws_sdk_sesv2::config::Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        "msgready::AttemptCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &aws_sdk_sesv2::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _components: &aws_sdk_sesv2::config::RuntimeComponents,
        cfg: &mut aws_sdk_sesv2::config::ConfigBag,
    ) -> std::result::Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if let Some(m) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
            let op = self.service.iam_action(m.name());
            tracing::trace!(service = self.service.name(), region = %self.region, operation = op, "attempt");
            self.recorder.attempt(self.service, &self.region, op);
        }
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        context: &aws_sdk_sesv2::config::interceptors::BeforeDeserializationInterceptorContextRef<
            '_,
        >,
        _components: &aws_sdk_sesv2::config::RuntimeComponents,
        cfg: &mut aws_sdk_sesv2::config::ConfigBag,
    ) -> std::result::Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let response = context.response();
        let status = response.status().as_u16();
        // JSON protocols name the error in a header; S3 throttles with 503 SlowDown.
        let kind = response.headers().get("x-amzn-errortype").unwrap_or("");
        let throttled = status == 429
            || kind.contains("Throttl")
            || kind.contains("TooManyRequests")
            || (status == 503 && self.service == Service::S3);
        if throttled {
            if let Some(m) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
                let op = self.service.iam_action(m.name());
                tracing::debug!(service = self.service.name(), region = %self.region, operation = op, status, "throttled");
                self.recorder.throttle(self.service, &self.region, op);
            }
        }
        Ok(())
    }
}

/// The SDK clients of one Region. Global services (IAM, and S3 and CloudTrail reads that
/// make global facts) record under the Region `global`.
#[derive(Debug, Clone)]
pub struct RegionClients {
    pub ses: aws_sdk_sesv2::Client,
    pub sms_voice: aws_sdk_pinpointsmsvoicev2::Client,
    pub pinpoint: aws_sdk_pinpoint::Client,
    pub firehose: aws_sdk_firehose::Client,
    pub kinesis: aws_sdk_kinesis::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub s3: aws_sdk_s3::Client,
    pub iam: aws_sdk_iam::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
}

/// True when the environment points S3 at an emulator, which needs path-style addressing.
pub(super) fn s3_endpoint_overridden() -> bool {
    ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
}

impl RegionClients {
    /// Clients for `region` whose every attempt is counted in `recorder`.
    pub fn new(sdk: &SdkConfig, region: &str, recorder: &Recorder) -> RegionClients {
        let counter = |service: Service, in_region: &str| AttemptCounter {
            recorder: recorder.clone(),
            service,
            region: in_region.to_string(),
        };
        let r = region;
        let region = Region::new(region.to_string());
        macro_rules! client {
            ($krate:ident, $service:expr, $rec:expr) => {
                $krate::Client::from_conf(
                    $krate::config::Builder::from(sdk)
                        .region(region.clone())
                        .interceptor(counter($service, $rec))
                        .build(),
                )
            };
        }
        RegionClients {
            ses: client!(aws_sdk_sesv2, Service::Ses, r),
            sms_voice: client!(aws_sdk_pinpointsmsvoicev2, Service::SmsVoice, r),
            pinpoint: client!(aws_sdk_pinpoint, Service::Pinpoint, r),
            firehose: client!(aws_sdk_firehose, Service::Firehose, r),
            kinesis: client!(aws_sdk_kinesis, Service::Kinesis, r),
            lambda: client!(aws_sdk_lambda, Service::Lambda, r),
            cloudwatch: client!(aws_sdk_cloudwatch, Service::CloudWatch, r),
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(sdk)
                    .region(region.clone())
                    .force_path_style(s3_endpoint_overridden())
                    .interceptor(counter(Service::S3, GLOBAL))
                    .build(),
            ),
            iam: client!(aws_sdk_iam, Service::Iam, GLOBAL),
            cloudtrail: client!(aws_sdk_cloudtrail, Service::CloudTrail, GLOBAL),
        }
    }
}

/// Loads the standard credential chain (environment, shared profiles including SSO,
/// container and instance credentials), then assumes `role_arn` if given. `AWS_ENDPOINT_URL`
/// and `AWS_ENDPOINT_URL_<SERVICE>` are honoured by aws-config.
pub async fn load_sdk_config(creds: &Credentials, limits: &Limits) -> SdkConfig {
    let retry = RetryConfig::standard().with_max_attempts(limits.max_attempts.max(1));
    let loader = || {
        let l = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry.clone());
        match &creds.profile {
            Some(p) => l.profile_name(p),
            None => l,
        }
    };
    let base = loader().load().await;
    let Some(role) = &creds.role_arn else {
        return base;
    };
    let mut provider = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("msgready")
        .configure(&base);
    if let Some(x) = &creds.external_id {
        provider = provider.external_id(x);
    }
    let provider = provider.build().await;
    loader()
        .credentials_provider(provider)
        .region(base.region().cloned())
        .load()
        .await
}
