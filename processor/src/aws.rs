//! The AWS clients every part of footfall builds the same way: the SDK's own configuration
//! chain (so `AWS_ENDPOINT_URL` points them at local stand-ins), and S3 with path-style
//! addressing when an endpoint is set. The BigQuery client is [`crate::sink::warehouse`]'s.

/// The AWS configuration from the environment: region, credentials, endpoints.
pub async fn config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await
}

/// An S3 client; path-style addressing when a custom endpoint (a local stand-in) is set.
pub fn s3(aws: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(aws)
        .force_path_style(aws.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}
