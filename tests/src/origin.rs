//! A small origin for the tests: pages, assets, statuses and a large body, with fixed headers so
//! a test can compare what the edge served with what the origin sent. Built on hyper, which
//! (like real origins) accepts any header bytes HTTP allows.

use crate::kinesalite::runtime;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use tokio::net::TcpListener;

pub struct Origin {
    pub port: u16,
}

/// The body of `/big`: 1 MiB of varied bytes.
pub fn big_body() -> Vec<u8> {
    (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

/// The page body the origin sends for `path`.
pub fn page_body(path: &str) -> String {
    format!("<!doctype html><title>footfall test</title><p>page {path}</p>\n")
}

impl Origin {
    pub fn start() -> Origin {
        let listener = runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        runtime().spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request: Request<Incoming>| async move {
                            Ok::<_, Infallible>(respond(request.uri().path()))
                        });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Origin { port }
    }
}

fn respond(path: &str) -> Response<Full<Bytes>> {
    let (status, content_type, body) = if path == "/big" {
        (200, "application/octet-stream", big_body())
    } else if let Some(code) = path.strip_prefix("/status/") {
        (
            code.parse().unwrap_or(500),
            "text/html",
            page_body(path).into_bytes(),
        )
    } else if path.ends_with(".css") {
        (200, "text/css", b"body { color: #333 }\n".to_vec())
    } else if path.ends_with(".png") || path.starts_with("/media/") {
        (200, "image/png", b"\x89PNG\r\n\x1a\nnot really".to_vec())
    } else {
        (
            200,
            "text/html; charset=utf-8",
            page_body(path).into_bytes(),
        )
    };
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("cache-control", "public, max-age=60")
        .header("x-origin", "footfall-test-origin")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}
