//! Which requests are page views: the only requests the edge tracks.
//!
//! Decided in two steps because the edge learns in two steps: the request (method, host, path)
//! before it goes to the origin, the response's `Content-Type` when it comes back.

use crate::config::TrackSettings;

/// Whether a request may be a page view, judged before the origin is asked.
pub fn is_page_request(settings: &TrackSettings, method: &str, host: &str, path: &str) -> bool {
    let host = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    let path_lower = path.to_ascii_lowercase();
    let under = |prefixes: &[String]| prefixes.iter().any(|p| path_lower.starts_with(p.as_str()));
    (method == "GET" || method == "HEAD")
        && (settings.hosts.is_empty()
            || settings.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
        && under(&settings.paths)
        && !under(&settings.exclude_paths)
        && !has_asset_extension(settings, &path_lower)
}

fn has_asset_extension(settings: &TrackSettings, path_lower: &str) -> bool {
    let last_segment = path_lower.rsplit('/').next().unwrap_or("");
    last_segment
        .rsplit_once('.')
        .is_some_and(|(_, ext)| settings.asset_extensions.iter().any(|asset| asset == ext))
}

/// Whether a response is a page, judged by its `Content-Type`: everything but the media types
/// of static assets. A response without one (a redirect, an error) is a page.
pub fn is_page_response(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let asset = ["image/", "font/", "audio/", "video/"]
        .iter()
        .any(|p| media.starts_with(p))
        || media.ends_with("javascript")
        || media.starts_with("application/font")
        || matches!(
            media.as_str(),
            "text/css" | "application/wasm" | "application/manifest+json"
        );
    !asset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> TrackSettings {
        TrackSettings {
            hosts: vec![],
            paths: vec!["/".into()],
            exclude_paths: vec!["/admin".into()],
            asset_extensions: vec!["css".into(), "png".into(), "js".into()],
        }
    }

    #[test]
    fn pages_are_get_or_head_outside_excluded_paths_and_not_assets() {
        let s = settings();
        assert!(is_page_request(&s, "GET", "example.com", "/"));
        assert!(is_page_request(&s, "HEAD", "example.com", "/blog/post"));
        assert!(is_page_request(&s, "GET", "example.com", "/v1.2/notes"));
        assert!(!is_page_request(&s, "POST", "example.com", "/"));
        assert!(!is_page_request(&s, "get", "example.com", "/"));
        assert!(!is_page_request(
            &s,
            "GET",
            "example.com",
            "/static/site.CSS"
        ));
        assert!(!is_page_request(&s, "GET", "example.com", "/logo.png"));
        assert!(!is_page_request(&s, "GET", "example.com", "/Admin/users"));
    }

    #[test]
    fn hosts_and_paths_limit_tracking_when_set() {
        let s = TrackSettings {
            hosts: vec!["www.example.com".into()],
            paths: vec!["/blog".into()],
            ..settings()
        };
        assert!(is_page_request(&s, "GET", "WWW.example.com:443", "/blog/a"));
        assert!(!is_page_request(&s, "GET", "cdn.example.com", "/blog/a"));
        assert!(!is_page_request(&s, "GET", "www.example.com", "/shop"));
    }

    #[test]
    fn asset_media_types_are_not_pages() {
        assert!(is_page_response(Some("text/html; charset=utf-8")));
        assert!(is_page_response(Some("application/pdf")));
        assert!(is_page_response(None));
        assert!(!is_page_response(Some("image/webp")));
        assert!(!is_page_response(Some("Text/CSS")));
        assert!(!is_page_response(Some(
            "application/javascript; charset=utf-8"
        )));
        assert!(!is_page_response(Some("font/woff2")));
    }
}
