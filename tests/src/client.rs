//! A plain HTTP client for the tests, with every byte of the request under the test's control.

use std::sync::OnceLock;
use ureq::http::{HeaderName, HeaderValue, Method, Request};
use ureq::Agent;

/// A response as the client received it, whole.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Page {
    /// Every value of a header, in order.
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.header_all(name).into_iter().next()
    }

    /// The `name=value` part of the `Set-Cookie` for `name`, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.header_all("set-cookie")
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(|c| c.split(';').next().unwrap().to_string())
    }

    /// The headers minus those that legitimately differ per response or hop.
    pub fn stable_headers(&self) -> Vec<(String, Vec<u8>)> {
        let mut headers: Vec<_> = self
            .headers
            .iter()
            .filter(|(n, _)| {
                ![
                    "date",
                    "set-cookie",
                    "connection",
                    "transfer-encoding",
                    "content-length",
                    "keep-alive",
                ]
                .contains(&n.as_str())
            })
            .cloned()
            .collect();
        headers.sort();
        headers
    }
}

fn agent() -> &'static Agent {
    static AGENT: OnceLock<Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .allow_non_standard_methods(true)
            .build()
            .into()
    })
}

/// Sends a request with raw header bytes and reads the whole response.
pub fn request(method: &str, url: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Page {
    let mut builder = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(url);
    for (name, value) in headers {
        builder = builder.header(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    let request = builder.body(body.to_vec()).unwrap();
    let mut response = agent()
        .run(request)
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .expect("the whole body");
    Page {
        status: response.status().as_u16(),
        headers,
        body,
    }
}

/// `GET url` with the given headers.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Page {
    let raw: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
    request("GET", url, &raw, b"")
}

/// `GET url` (plain `http://127.0.0.1:PORT/...`) from the loopback address `source`: the edge
/// under Viceroy sees it as the client's address (see `footfall_demo::loopback_client`).
pub fn get_from(source: std::net::IpAddr, url: &str, headers: &[(&str, &str)]) -> Page {
    let timeout = std::time::Duration::from_secs(60);
    let response = footfall_demo::loopback_client::get_from(source, url, headers, timeout)
        .unwrap_or_else(|e| panic!("GET {url} from {source}: {e}"));
    Page {
        status: response.status,
        headers: response.headers,
        body: response.body,
    }
}
