//! A minimal HTTP/1.1 server for the mocks: one request per connection, routed by a function,
//! answered with JSON, a redirect, HTML or an SSE stream.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MAX_REQUEST: usize = 32 * 1024 * 1024;

/// A request as the mocks see it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path without the query.
    pub path: String,
    pub query: HashMap<String, String>,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The bearer token of the `Authorization` header.
    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization")?.strip_prefix("Bearer ")
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as `application/x-www-form-urlencoded` fields.
    pub fn form(&self) -> HashMap<String, String> {
        parse_query(&String::from_utf8_lossy(&self.body))
    }
}

/// What a route answers.
#[derive(Debug, Clone)]
pub enum Response {
    Json {
        code: u16,
        body: Value,
    },
    Html {
        code: u16,
        body: String,
    },
    Redirect {
        location: String,
    },
    /// `200 text/event-stream` with these events, `delay` apart.
    Sse {
        events: Vec<Value>,
        delay: Duration,
    },
}

impl Response {
    pub fn json(code: u16, body: Value) -> Self {
        Response::Json { code, body }
    }

    pub fn not_found(path: &str) -> Self {
        Response::json(
            404,
            serde_json::json!({"error": {"message": format!("no route for {path}")}}),
        )
    }
}

pub type Router = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

pub(crate) async fn serve(listener: TcpListener, router: Router) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let router = router.clone();
        tokio::spawn(async move {
            if let Err(e) = handle(stream, router).await {
                tracing::debug!(error = %e, "mock connection ended");
            }
        });
    }
}

async fn handle(mut stream: TcpStream, router: Router) -> std::io::Result<()> {
    let request = read_request(&mut stream).await?;
    match router(&request) {
        Response::Json { code, body } => {
            write_simple(
                &mut stream,
                code,
                "application/json",
                &body.to_string(),
                &[],
            )
            .await
        }
        Response::Html { code, body } => {
            write_simple(&mut stream, code, "text/html", &body, &[]).await
        }
        Response::Redirect { location } => {
            write_simple(
                &mut stream,
                302,
                "text/plain",
                "",
                &[("Location", &location)],
            )
            .await
        }
        Response::Sse { events, delay } => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n")
                .await?;
            // The window bench measures from the last delta sent to the text on screen.
            let report = std::env::var_os("MOCK_MODEL_REPORT_STREAMS").is_some();
            let last_delta = events.iter().rposition(|e| {
                e.get("type").and_then(Value::as_str) == Some("response.output_text.delta")
            });
            for (index, event) in events.into_iter().enumerate() {
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
                if report && Some(index) == last_delta {
                    let at = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_millis());
                    #[allow(clippy::print_stdout)]
                    {
                        println!("LAST_DELTA_AT={at}");
                    }
                }
            }
            stream.shutdown().await
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Request> {
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
    let mut lines = head.lines();
    let first = lines.next().unwrap_or_default();
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or("/");
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_query(q)),
        None => (target.to_string(), HashMap::new()),
    };
    let headers: HashMap<String, String> = lines
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_string()))
        })
        .collect();
    let length = headers
        .get("content-length")
        .and_then(|v| v.parse::<usize>().ok())
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
    Ok(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

async fn write_simple(
    stream: &mut TcpStream,
    code: u16,
    content_type: &str,
    body: &str,
    extra: &[(&str, &str)],
) -> std::io::Result<()> {
    let reason = match code {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// Parses `a=1&b=x%20y` (also `+` for space).
pub fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_round_trip() {
        let q = parse_query("a=1&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fcb&s=x+y&bad=%zz");
        assert_eq!(q["a"], "1");
        assert_eq!(q["redirect_uri"], "http://localhost:1455/cb");
        assert_eq!(q["s"], "x y");
        assert_eq!(q["bad"], "%zz");
        assert_eq!(percent_decode(&percent_encode("a b/c?d=é")), "a b/c?d=é");
    }
}
