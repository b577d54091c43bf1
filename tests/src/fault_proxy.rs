//! A TCP proxy in front of a real server that misbehaves on purpose: holds every answer back
//! (Kinesis "answering after 2 s"), or answers the first connections with HTTP 500 (S3 or
//! BigQuery "down for a while"), without faking the server itself. It notes the
//! [`crate::order`] moment of each answer it releases.

use crate::kinesalite::runtime;
use crate::order::tick;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the proxy misbehaves.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// Every chunk of every answer is held back this long.
    Delay(Duration),
    /// The first this many connections get `500 Internal Server Error`; later ones pass.
    FailFirst(usize),
}

pub struct FaultProxy {
    pub port: u16,
    answered: Arc<Mutex<Vec<u64>>>,
    failed: Arc<AtomicUsize>,
}

const ERROR_RESPONSE: &[u8] =
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\ncontent-length: 22\r\nconnection: close\r\n\r\ninjected by the tests\n";

impl FaultProxy {
    pub fn start(upstream_port: u16, fault: Fault) -> FaultProxy {
        let answered = Arc::new(Mutex::new(Vec::new()));
        let failed = Arc::new(AtomicUsize::new(0));
        let listener = runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let (log, failures) = (answered.clone(), failed.clone());
        runtime().spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let (log, failures) = (log.clone(), failures.clone());
                tokio::spawn(async move {
                    let delay = match fault {
                        Fault::FailFirst(n) if failures.fetch_add(1, Ordering::SeqCst) < n => {
                            // Read the request head so the client sees an answer, not a reset.
                            let mut buf = vec![0u8; 64 * 1024];
                            let _ = client.read(&mut buf).await;
                            let _ = client.write_all(ERROR_RESPONSE).await;
                            let _ = client.shutdown().await;
                            return;
                        }
                        Fault::FailFirst(_) => Duration::ZERO,
                        Fault::Delay(delay) => delay,
                    };
                    if let Ok(upstream) = TcpStream::connect(("127.0.0.1", upstream_port)).await {
                        relay(client, upstream, delay, log).await;
                    }
                });
            }
        });
        FaultProxy {
            port,
            answered,
            failed,
        }
    }

    /// The moments at which answers were released to the client.
    pub fn answered(&self) -> Vec<u64> {
        self.answered.lock().unwrap().clone()
    }

    /// Connections the proxy has seen (failed or passed).
    pub fn connections(&self) -> usize {
        self.failed.load(Ordering::SeqCst)
    }
}

async fn relay(client: TcpStream, upstream: TcpStream, delay: Duration, log: Arc<Mutex<Vec<u64>>>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    tokio::spawn(async move { tokio::io::copy(&mut client_read, &mut upstream_write).await });
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = upstream_read.read(&mut buf).await {
        if n == 0 {
            break;
        }
        tokio::time::sleep(delay).await;
        log.lock().unwrap().push(tick());
        if client_write.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
}
