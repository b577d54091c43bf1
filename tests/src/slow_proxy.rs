//! A TCP proxy in front of a real server that holds every answer back: Kinesis "answering
//! after 2 s" without faking Kinesis. It notes the [`crate::order`] moment of each answer.

use crate::kinesalite::runtime;
use crate::order::tick;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct SlowProxy {
    pub port: u16,
    answered: Arc<Mutex<Vec<u64>>>,
}

impl SlowProxy {
    pub fn start(upstream_port: u16, delay: Duration) -> SlowProxy {
        let answered = Arc::new(Mutex::new(Vec::new()));
        let listener = runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = answered.clone();
        runtime().spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    if let Ok(upstream) = TcpStream::connect(("127.0.0.1", upstream_port)).await {
                        relay(client, upstream, delay, log).await;
                    }
                });
            }
        });
        SlowProxy { port, answered }
    }

    /// The moments at which answers were released to the client.
    pub fn answered(&self) -> Vec<u64> {
        self.answered.lock().unwrap().clone()
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
