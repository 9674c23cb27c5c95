//! What a failed call means: an SDK error mapped to a [`FailureReason`] and a detail with
//! personal data removed.

use super::HttpResponse;
use crate::model::facts::FailureReason;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};

/// Removes what could be personal data from an error message: anything that looks like an
/// email address or a phone number.
pub fn scrub(message: &str) -> String {
    message
        .split(' ')
        .map(|word| {
            let digits = word.chars().filter(|c| c.is_ascii_digit()).count();
            if word.contains('@') || digits >= 7 {
                "[redacted]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Regions an account must opt in to (AWS General Reference), where an unrecognised client
/// means "not enabled" rather than bad credentials.
const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// Maps an SDK error to a reason and a detail (error code and scrubbed message).
pub fn classify<E>(err: &SdkError<E, HttpResponse>, region: &str) -> (FailureReason, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(ctx) => {
            let e = ctx.err();
            let status = ctx.raw().status().as_u16();
            let code = e.code().unwrap_or("");
            let message = e.message().map(scrub).unwrap_or_default();
            let detail = match (code.is_empty(), message.is_empty()) {
                (false, false) => format!("{code}: {message}"),
                (false, true) => code.to_string(),
                (true, _) => format!("HTTP {status} with no recognised error code"),
            };
            (classify_code(code, &message, status, region), detail)
        }
        SdkError::ResponseError(_) => (
            FailureReason::Unsupported,
            "the response could not be parsed (operation not supported by the endpoint?)".into(),
        ),
        SdkError::DispatchFailure(d) => {
            // A service with no endpoint in a Region fails at name resolution; the connector
            // error only says so in its text.
            let text = format!("{:?}", d).to_lowercase();
            if text.contains("dns") || text.contains("lookup address") {
                (
                    FailureReason::NotOffered,
                    "the service endpoint does not resolve in this Region".into(),
                )
            } else if d.is_timeout() {
                (FailureReason::Other, "request timed out".into())
            } else {
                (FailureReason::Other, "the request could not be sent".into())
            }
        }
        SdkError::ConstructionFailure(_) => {
            let text = format!("{:?}", err).to_lowercase();
            if text.contains("endpoint") {
                (
                    FailureReason::NotOffered,
                    "no endpoint for this service in this Region".into(),
                )
            } else {
                (
                    FailureReason::Other,
                    "the request could not be built".into(),
                )
            }
        }
        SdkError::TimeoutError(_) => (FailureReason::Other, "request timed out".into()),
        _ => (FailureReason::Other, "unexpected SDK error".into()),
    }
}

fn classify_code(code: &str, message: &str, status: u16, region: &str) -> FailureReason {
    let lower = message.to_lowercase();
    match code {
        "AccessDenied" | "AccessDeniedException" => FailureReason::AccessDenied,
        "OptInRequired" => FailureReason::RegionNotEnabled,
        "UnrecognizedClientException" | "InvalidClientTokenId" => {
            if OPT_IN_REGIONS.contains(&region) || lower.contains("not enabled") {
                FailureReason::RegionNotEnabled
            } else {
                FailureReason::Other
            }
        }
        "ThrottlingException"
        | "TooManyRequestsException"
        | "Throttling"
        | "SlowDown"
        | "RequestLimitExceeded" => FailureReason::ThrottledOut,
        "UnknownOperationException" | "InvalidAction" | "UnsupportedOperation" => {
            FailureReason::Unsupported
        }
        "" if matches!(status, 404 | 405 | 501) => FailureReason::Unsupported,
        _ if lower.contains("not enabled") => FailureReason::RegionNotEnabled,
        _ => FailureReason::Other,
    }
}

pub(crate) fn error_chain<E: std::error::Error>(e: &E) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    scrub(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_addresses_and_numbers() {
        assert_eq!(
            scrub("Email identity bob@example.com does not exist"),
            "Email identity [redacted] does not exist"
        );
        assert_eq!(scrub("number +12065550100 bad"), "number [redacted] bad");
        assert_eq!(
            scrub("User: arn:aws:iam::123:role/x"),
            "User: arn:aws:iam::123:role/x"
        );
    }

    #[test]
    fn codes_map_to_reasons() {
        use FailureReason::*;
        assert_eq!(
            classify_code("AccessDeniedException", "", 403, "us-east-1"),
            AccessDenied
        );
        assert_eq!(
            classify_code("AccessDenied", "", 403, "us-east-1"),
            AccessDenied
        );
        assert_eq!(
            classify_code("UnrecognizedClientException", "", 403, "af-south-1"),
            RegionNotEnabled
        );
        assert_eq!(
            classify_code("InvalidClientTokenId", "", 403, "us-east-1"),
            Other
        );
        assert_eq!(
            classify_code("ThrottlingException", "", 400, "us-east-1"),
            ThrottledOut
        );
        assert_eq!(
            classify_code("TooManyRequestsException", "", 429, "us-east-1"),
            ThrottledOut
        );
        assert_eq!(classify_code("", "", 404, "us-east-1"), Unsupported);
        assert_eq!(
            classify_code("UnknownOperationException", "", 400, "us-east-1"),
            Unsupported
        );
        assert_eq!(
            classify_code("ValidationException", "", 400, "us-east-1"),
            Other
        );
    }
}
