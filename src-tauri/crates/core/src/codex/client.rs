//! The JSON-RPC client of one `codex app-server`: one actor task owns stdin and the map of
//! pending requests; a reader task owns stdout and sorts each line into a response (to the
//! actor), or a notification / server request (into a bounded queue for the session).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{ChildStdin, ChildStdout};
use tokio::sync::{mpsc, oneshot};

use crate::error::{CoreError, Result};
use crate::secrets::redacted;

/// Capacity of the queue of notifications and server requests. When the session falls behind,
/// the reader stops reading and codex blocks on its stdout: nothing is lost.
pub const INCOMING_CAPACITY: usize = 1024;

/// Default time a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest line codex may send. Codex's messages are far smaller (a 10,000-item thread
/// resumes in about 3 MB); a longer one is a fault, and reading it whole could exhaust memory.
pub const MAX_LINE: usize = 64 * 1024 * 1024;

/// A message codex sent on its own.
#[derive(Debug, Clone)]
pub enum Incoming {
    Notification {
        method: String,
        params: Value,
        /// When it was read from codex (Unix ms).
        read_at_ms: i64,
    },
    /// A server request: must be answered with [`CodexClient::respond`].
    Request {
        id: Value,
        method: String,
        params: Value,
    },
}

enum Command {
    Request {
        id: i64,
        method: String,
        params: Value,
        reply: oneshot::Sender<Result<Value>>,
    },
    Send(Value),
    Forget(i64),
}

struct Response {
    id: i64,
    outcome: std::result::Result<Value, (i64, String)>,
}

#[derive(Clone)]
pub struct CodexClient {
    commands: mpsc::Sender<Command>,
    next_id: Arc<AtomicI64>,
    /// Why the connection ended, when codex broke it (a message over [`MAX_LINE`]).
    fault: Arc<std::sync::Mutex<Option<String>>>,
}

impl CodexClient {
    /// Starts the actor and the reader over the process's pipes.
    pub fn start(stdin: ChildStdin, stdout: ChildStdout) -> (Self, mpsc::Receiver<Incoming>) {
        let (commands, commands_rx) = mpsc::channel(256);
        let (responses, responses_rx) = mpsc::channel(256);
        let (incoming, incoming_rx) = mpsc::channel(INCOMING_CAPACITY);
        let fault = Arc::new(std::sync::Mutex::new(None));
        tokio::spawn(read_stdout(stdout, responses, incoming, fault.clone()));
        tokio::spawn(run_actor(stdin, commands_rx, responses_rx));
        (
            Self {
                commands,
                next_id: Arc::new(AtomicI64::new(1)),
                fault,
            },
            incoming_rx,
        )
    }

    /// Why codex's connection ended, if codex broke it (or why it was stopped).
    pub fn fault(&self) -> Option<String> {
        self.fault.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Records why codex is being stopped (the first reason stays): its exit then reads as
    /// that, not as a crash.
    pub fn mark_fault(&self, why: String) {
        self.fault
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(why);
    }

    pub async fn request(&self, method: &str, params: Value) -> Result<Value> {
        self.request_with_timeout(method, params, REQUEST_TIMEOUT)
            .await
    }

    pub async fn request_with_timeout(
        &self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (reply, rx) = oneshot::channel();
        let gone = || CoreError::CodexGone(format!("it exited before answering `{method}`"));
        self.commands
            .send(Command::Request {
                id,
                method: method.to_string(),
                params,
                reply,
            })
            .await
            .map_err(|_| gone())?;
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(gone()),
            Err(_) => {
                let _ = self.commands.send(Command::Forget(id)).await;
                Err(CoreError::Timeout {
                    method: method.to_string(),
                    secs: timeout.as_secs(),
                })
            }
        }
    }

    /// True once the actor has stopped (codex exited).
    pub fn is_closed(&self) -> bool {
        self.commands.is_closed()
    }

    pub async fn notify(&self, method: &str, params: Value) -> Result<()> {
        self.send(json!({ "method": method, "params": params }))
            .await
    }

    /// Answers a server request.
    pub async fn respond(&self, id: Value, result: Value) -> Result<()> {
        self.send(json!({ "id": id, "result": result })).await
    }

    /// Answers a server request with an error.
    pub async fn respond_error(&self, id: Value, code: i64, message: &str) -> Result<()> {
        self.send(json!({ "id": id, "error": { "code": code, "message": message } }))
            .await
    }

    async fn send(&self, message: Value) -> Result<()> {
        self.commands
            .send(Command::Send(message))
            .await
            .map_err(|_| CoreError::CodexGone("it has exited".into()))
    }
}

async fn run_actor(
    mut stdin: ChildStdin,
    mut commands: mpsc::Receiver<Command>,
    mut responses: mpsc::Receiver<Response>,
) {
    let mut pending: HashMap<i64, (String, oneshot::Sender<Result<Value>>)> = HashMap::new();
    loop {
        tokio::select! {
            command = commands.recv() => {
                let Some(command) = command else { break };
                match command {
                    Command::Request { id, method, params, reply } => {
                        let line = json!({ "id": id, "method": method, "params": params });
                        tracing::trace!(line = %redacted(&line), "to codex");
                        match write_line(&mut stdin, &line).await {
                            Ok(()) => { pending.insert(id, (method, reply)); }
                            Err(e) => { let _ = reply.send(Err(CoreError::CodexGone(format!("writing `{method}` failed: {e}")))); }
                        }
                    }
                    Command::Send(line) => {
                        tracing::trace!(line = %redacted(&line), "to codex");
                        if let Err(e) = write_line(&mut stdin, &line).await {
                            tracing::warn!(error = %e, "could not write to codex");
                        }
                    }
                    Command::Forget(id) => { pending.remove(&id); }
                }
            }
            response = responses.recv() => {
                let Some(Response { id, outcome }) = response else { break };
                let Some((method, reply)) = pending.remove(&id) else {
                    tracing::debug!(id, "response to a request nobody waits for");
                    continue;
                };
                let _ = reply.send(outcome.map_err(|(code, message)| CoreError::Rpc { method, code, message }));
            }
        }
    }
    for (method, reply) in pending.into_values() {
        let _ = reply.send(Err(CoreError::CodexGone(format!(
            "it exited before answering `{method}`"
        ))));
    }
}

async fn write_line(stdin: &mut ChildStdin, line: &Value) -> std::io::Result<()> {
    let mut bytes = serde_json::to_vec(line)?;
    bytes.push(b'\n');
    stdin.write_all(&bytes).await?;
    stdin.flush().await
}

/// One line of codex's output, read without ever holding more than [`MAX_LINE`] of it.
enum Line {
    Text(Vec<u8>),
    TooLong,
    End,
}

async fn read_line(reader: &mut BufReader<ChildStdout>, max: usize) -> std::io::Result<Line> {
    let mut line = Vec::new();
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(if line.is_empty() {
                Line::End
            } else {
                Line::Text(line)
            });
        }
        match available.iter().position(|b| *b == b'\n') {
            Some(end) => {
                if line.len() + end > max {
                    reader.consume(end + 1);
                    return Ok(Line::TooLong);
                }
                line.extend_from_slice(&available[..end]);
                reader.consume(end + 1);
                return Ok(Line::Text(line));
            }
            None => {
                let n = available.len();
                if line.len() + n > max {
                    reader.consume(n);
                    return Ok(Line::TooLong);
                }
                line.extend_from_slice(available);
                reader.consume(n);
            }
        }
    }
}

async fn read_stdout(
    stdout: ChildStdout,
    responses: mpsc::Sender<Response>,
    incoming: mpsc::Sender<Incoming>,
    fault: Arc<std::sync::Mutex<Option<String>>>,
) {
    let mut reader = BufReader::with_capacity(64 * 1024, stdout);
    loop {
        let line = match read_line(&mut reader, MAX_LINE).await {
            Ok(Line::Text(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
            Ok(Line::End) => break,
            Ok(Line::TooLong) => {
                let why = format!(
                    "codex sent a message larger than {} MB, which Codex Desk does not read",
                    MAX_LINE / (1024 * 1024)
                );
                tracing::error!(%why, "ending the connection to codex");
                *fault.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
                break;
            }
            Err(e) => {
                tracing::warn!(error = %e, "reading codex stdout failed");
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let read_at_ms = crate::relay::unix_ms();
        let Ok(mut message) = serde_json::from_str::<Value>(&line) else {
            tracing::warn!(bytes = line.len(), "codex wrote a line that is not JSON");
            continue;
        };
        tracing::trace!(line = %redacted(&message), "from codex");
        let method = message
            .get("method")
            .and_then(Value::as_str)
            .map(str::to_string);
        let params = message
            .get_mut("params")
            .map(Value::take)
            .unwrap_or(Value::Null);
        match (method, message.get("id").cloned()) {
            (Some(method), Some(id)) => {
                if incoming
                    .send(Incoming::Request { id, method, params })
                    .await
                    .is_err()
                {
                    break;
                }
            }
            (Some(method), None) => {
                if incoming
                    .send(Incoming::Notification {
                        method,
                        params,
                        read_at_ms,
                    })
                    .await
                    .is_err()
                {
                    break;
                }
            }
            (None, Some(id)) => {
                let Some(id) = id.as_i64() else { continue };
                let outcome = match message.get_mut("error") {
                    Some(error) => Err((
                        error.get("code").and_then(Value::as_i64).unwrap_or(0),
                        error
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or("unknown error")
                            .to_string(),
                    )),
                    None => Ok(message
                        .get_mut("result")
                        .map(Value::take)
                        .unwrap_or(Value::Null)),
                };
                if responses.send(Response { id, outcome }).await.is_err() {
                    break;
                }
            }
            (None, None) => {
                tracing::warn!("codex wrote a message with neither id nor method")
            }
        }
    }
}
