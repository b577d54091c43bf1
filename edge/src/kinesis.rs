//! A Kinesis `PutRecord` call, built and SigV4-signed without the AWS SDK (which does not run in
//! Compute): the edge only needs this one request.

use crate::config::KinesisSettings;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use base64::Engine;
use std::time::SystemTime;

/// Secret store keys of the edge's AWS credentials (an IAM user that may only `PutRecord`).
pub const ACCESS_KEY_ID: &str = "aws_access_key_id";
pub const SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
/// Optional, for temporary credentials.
pub const SESSION_TOKEN: &str = "aws_session_token";

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// AWS credentials as read from the secret store.
#[derive(Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

/// A signed `PutRecord` request writing `data` under `partition_key`.
///
/// The request goes to `https://{host}/` and is signed for that host, so it is valid for AWS
/// whichever backend carries it.
pub fn put_record(
    settings: &KinesisSettings,
    credentials: &AwsCredentials,
    data: &[u8],
    partition_key: &str,
    now: SystemTime,
) -> Result<http::Request<Vec<u8>>, Error> {
    let body = serde_json::json!({
        "StreamName": settings.stream,
        "Data": base64::engine::general_purpose::STANDARD.encode(data),
        "PartitionKey": partition_key,
    });
    let mut request = http::Request::builder()
        .method("POST")
        .uri(format!("https://{}/", settings.host))
        .header("host", &settings.host)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "Kinesis_20131202.PutRecord")
        .body(serde_json::to_vec(&body)?)?;

    let identity: Identity = Credentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        credentials.session_token.clone(),
        None,
        "footfall-secret-store",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&settings.region)
        .name("kinesis")
        .time(now)
        .settings(SigningSettings::default())
        .build()?
        .into();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| Ok((name.as_str(), value.to_str()?)))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()?;
    let signable = SignableRequest::new(
        request.method().as_str(),
        request.uri().to_string(),
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )?;
    let (instructions, _signature) = sign(signable, &params)?.into_parts();
    instructions.apply_to_request_http1x(&mut request);
    Ok(request)
}

/// Kinesis caps a partition key at 256 characters; ids are far shorter, but never send one
/// Kinesis would reject.
pub fn partition_key(key: &str) -> &str {
    match key.char_indices().nth(256) {
        Some((end, _)) => &key[..end],
        None => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings() -> KinesisSettings {
        KinesisSettings {
            stream: "footfall-events".into(),
            region: "eu-central-1".into(),
            host: "kinesis.eu-central-1.amazonaws.com".into(),
            timeout_ms: 1000,
        }
    }

    fn credentials(token: Option<&str>) -> AwsCredentials {
        AwsCredentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: token.map(String::from),
        }
    }

    const NOW: Duration = Duration::from_secs(1_764_504_000); // 2025-11-30T12:00:00Z

    #[test]
    fn put_record_carries_the_event_and_the_json_protocol_headers() {
        let request = put_record(
            &settings(),
            &credentials(None),
            b"{\"a\":1}",
            "visitor",
            SystemTime::UNIX_EPOCH + NOW,
        )
        .unwrap();
        assert_eq!(request.method(), "POST");
        assert_eq!(request.uri(), "https://kinesis.eu-central-1.amazonaws.com/");
        assert_eq!(
            request.headers()["x-amz-target"],
            "Kinesis_20131202.PutRecord"
        );
        assert_eq!(
            request.headers()["content-type"],
            "application/x-amz-json-1.1"
        );
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(body["StreamName"], "footfall-events");
        assert_eq!(body["PartitionKey"], "visitor");
        let data = base64::engine::general_purpose::STANDARD
            .decode(body["Data"].as_str().unwrap())
            .unwrap();
        assert_eq!(data, b"{\"a\":1}");
    }

    #[test]
    fn signature_covers_host_target_and_date_and_changes_with_the_secret() {
        let at = SystemTime::UNIX_EPOCH + NOW;
        let request = put_record(&settings(), &credentials(None), b"x", "k", at).unwrap();
        let auth = request.headers()["authorization"].to_str().unwrap();
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251130/eu-central-1/kinesis/aws4_request"), "{auth}");
        let signed = auth
            .split("SignedHeaders=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        assert_eq!(signed, "content-type;host;x-amz-date;x-amz-target");
        assert_eq!(request.headers()["x-amz-date"], "20251130T120000Z");

        let again = put_record(&settings(), &credentials(None), b"x", "k", at).unwrap();
        assert_eq!(
            again.headers()["authorization"],
            request.headers()["authorization"]
        );
        let mut other = credentials(None);
        other.secret_access_key.push('x');
        let different = put_record(&settings(), &other, b"x", "k", at).unwrap();
        assert_ne!(
            different.headers()["authorization"],
            request.headers()["authorization"]
        );
    }

    #[test]
    fn session_token_is_sent_and_signed() {
        let request = put_record(
            &settings(),
            &credentials(Some("TOKEN")),
            b"x",
            "k",
            SystemTime::UNIX_EPOCH + NOW,
        )
        .unwrap();
        assert_eq!(request.headers()["x-amz-security-token"], "TOKEN");
        assert!(request.headers()["authorization"]
            .to_str()
            .unwrap()
            .contains("x-amz-security-token"));
    }

    #[test]
    fn a_host_that_is_not_a_host_is_an_error_not_a_panic() {
        let settings = KinesisSettings {
            host: "bad host/\r\n".into(),
            ..settings()
        };
        assert!(put_record(&settings, &credentials(None), b"x", "k", SystemTime::now()).is_err());
    }

    #[test]
    fn partition_keys_are_capped_at_256_characters() {
        assert_eq!(partition_key("abc"), "abc");
        assert_eq!(partition_key(&"é".repeat(300)).chars().count(), 256);
    }
}
