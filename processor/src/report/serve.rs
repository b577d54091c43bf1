//! `footfall-processor serve`: the report on 127.0.0.1, queried anew on every load, the range
//! and host as URL parameters (`/?start=2026-11-02&end=2026-11-03&host=www.example.com`). A bad
//! parameter or a failing query answers with an error page, and the server keeps running.

use super::generate;
use super::html::{document, escape};
use crate::cli::QuestionArgs;
use crate::sink::warehouse::Warehouse;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Serves until the process is stopped.
pub async fn serve(warehouse: Warehouse, questions: QuestionArgs, port: u16) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("serve: 127.0.0.1:{port}: {e}"))?;
    eprintln!("footfall-processor: the report is at http://127.0.0.1:{port}/ (?start=YYYY-MM-DD&end=YYYY-MM-DD&host=...)");
    let shared = Arc::new((warehouse, questions));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(%error, "serve: accept failed");
                continue;
            }
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(answer(&shared.0, &shared.1, &request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    warehouse: &Warehouse,
    questions: &QuestionArgs,
    request: &Request<Incoming>,
) -> Response<Full<Bytes>> {
    if request.uri().path() != "/" {
        return page(
            StatusCode::NOT_FOUND,
            error_page("Not found", "The report is at /."),
        );
    }
    let now = time::OffsetDateTime::now_utc();
    let params: Vec<(String, String)> =
        form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    };
    let options = match questions.options(param("start"), param("end"), param("host"), now.date()) {
        Ok(options) => options,
        Err(reason) => return page(StatusCode::BAD_REQUEST, error_page("Not a range", &reason)),
    };
    match generate(warehouse, &options, now).await {
        Ok(html) => page(StatusCode::OK, html),
        Err(reason) => {
            tracing::warn!(%reason, "serve: the report failed");
            page(
                StatusCode::BAD_GATEWAY,
                error_page("BigQuery did not answer the report's queries", &reason),
            )
        }
    }
}

fn error_page(title: &str, reason: &str) -> String {
    document(
        "footfall report",
        title,
        &format!("<section><p>{}</p></section>\n", escape(reason)),
        "",
    )
}

fn page(status: StatusCode, html: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(html)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
