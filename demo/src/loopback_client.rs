//! `GET` over HTTP/1.1 from a chosen loopback source address.
//!
//! Under Viceroy the edge takes the client's address from the connection, and every address in
//! 127.0.0.0/8 is this machine's: a socket bound to 127.0.0.9 before it connects reaches the edge
//! as a client at 127.0.0.9. That is how the demo's and the tests' visitors appear from the
//! places Viceroy's geolocation (fastly.toml) knows, and crawlers from inside or outside the
//! test ranges marked as an operator's. One fresh connection per request (`connection: close`),
//! as a request reusing a connection to Viceroy waits ~40 ms for it.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

/// A response as received: status, headers (names lower-cased, in order) and the body bytes as
/// sent (a chunked body keeps its framing).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Response {
    /// Every value of a header, in order.
    pub fn header_all(&self, name: &str) -> impl Iterator<Item = String> + '_ {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }
}

/// `GET url` (`http://IP:PORT/path`) from `source`, with `headers`, waiting at most `timeout`
/// for each step.
pub fn get_from(
    source: IpAddr,
    url: &str,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> io::Result<Response> {
    let invalid = |why: &str| io::Error::new(io::ErrorKind::InvalidInput, format!("{url}: {why}"));
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| invalid("not an http:// URL"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let target: SocketAddr = authority
        .parse()
        .map_err(|_| invalid("the host must be IP:port"))?;
    let domain = socket2::Domain::for_address(target);
    let socket = socket2::Socket::new(domain, socket2::Type::STREAM, None)?;
    socket
        .bind(&SocketAddr::new(source, 0).into())
        .map_err(|e| io::Error::new(e.kind(), format!("bind {source}: {e}")))?;
    socket.connect_timeout(&target.into(), timeout)?;
    let mut stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let path = if path.is_empty() { "/" } else { path };
    let mut head = format!("GET {path} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    stream.write_all(format!("{head}\r\n").as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse(&raw).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{url}: not an HTTP response"),
        )
    })
}

fn parse(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().as_bytes().to_vec()))
        .collect();
    Some(Response {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn the_server_sees_the_bound_source_address() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/page?x=1", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            let (mut stream, peer) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let n = stream.read(&mut request).unwrap();
            stream
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\ngone",
                )
                .unwrap();
            (
                peer.ip(),
                String::from_utf8_lossy(&request[..n]).into_owned(),
            )
        });
        let source: IpAddr = "127.0.0.9".parse().unwrap();
        let response = get_from(
            source,
            &url,
            &[("user-agent", "test")],
            Duration::from_secs(5),
        )
        .unwrap();
        let (peer, request) = server.join().unwrap();
        assert_eq!(peer, source);
        assert!(
            request.starts_with("GET /page?x=1 HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(request.contains("user-agent: test\r\n"), "{request}");
        assert_eq!(response.status, 404);
        assert_eq!(
            response.header_all("Set-Cookie").collect::<Vec<_>>(),
            ["a=1", "b=2"]
        );
        assert_eq!(response.body, b"gone");
    }

    #[test]
    fn a_url_it_cannot_reach_is_an_error() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let timeout = Duration::from_secs(1);
        for url in ["https://127.0.0.1/", "http://localhost:80/"] {
            let error = get_from(local, url, &[], timeout).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{url}");
        }
        assert!(parse(b"garbage").is_none());
    }
}
