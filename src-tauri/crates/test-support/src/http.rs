//! A minimal HTTP/1.1 server for the mock: one request per connection, SSE until done.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::{ModelRequest, Reply, Script};

const MAX_REQUEST: usize = 32 * 1024 * 1024;

pub(crate) async fn serve(
    listener: TcpListener,
    script: Script,
    requests: Arc<Mutex<Vec<ModelRequest>>>,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let script = script.clone();
        let requests = requests.clone();
        tokio::spawn(async move {
            if let Err(e) = handle(stream, script, requests).await {
                tracing::debug!(error = %e, "mock model connection ended");
            }
        });
    }
}

async fn handle(
    mut stream: TcpStream,
    script: Script,
    requests: Arc<Mutex<Vec<ModelRequest>>>,
) -> std::io::Result<()> {
    let (head, body) = read_request(&mut stream).await?;
    let first = head.lines().next().unwrap_or_default().to_string();
    if !first.starts_with("POST") || !first.contains("/responses") {
        return write_simple(&mut stream, 404, "{\"error\":{\"message\":\"not found\"}}").await;
    }
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return write_simple(
                &mut stream,
                400,
                &format!("{{\"error\":{{\"message\":\"bad json: {e}\"}}}}"),
            )
            .await
        }
    };
    let request = ModelRequest { body };
    requests
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(request.clone());
    match script(&request) {
        Reply::Status { code, body } => write_simple(&mut stream, code, &body.to_string()).await,
        Reply::Sse { events, delay } => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n")
                .await?;
            for event in events {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let kind = event
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("message");
                stream
                    .write_all(format!("event: {kind}\ndata: {event}\n\n").as_bytes())
                    .await?;
                stream.flush().await?;
            }
            stream.shutdown().await
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed before the request ended",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        if buf.len() > MAX_REQUEST {
            return Err(std::io::Error::other("request head too large"));
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
        .min(MAX_REQUEST);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok((head, body))
}

async fn write_simple(stream: &mut TcpStream, code: u16, body: &str) -> std::io::Result<()> {
    let reason = match code {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Error",
    };
    let response = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
