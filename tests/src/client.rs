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
/// under Viceroy sees it as the client's address (every 127.0.0.0/8 address is this machine's).
/// A raw HTTP/1.1 exchange, because the client must bind its socket before it connects.
pub fn get_from(source: std::net::IpAddr, url: &str, headers: &[(&str, &str)]) -> Page {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let target: std::net::SocketAddr = authority.parse().expect("an IP:port authority");
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&std::net::SocketAddr::new(source, 0).into())
        .unwrap_or_else(|e| panic!("bind {source}: {e}"));
    socket.connect(&target.into()).unwrap();
    let mut stream: std::net::TcpStream = socket.into();
    let mut head = format!("GET {path} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    stream.write_all(format!("{head}\r\n").as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().as_bytes().to_vec()))
        .collect();
    Page {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}
