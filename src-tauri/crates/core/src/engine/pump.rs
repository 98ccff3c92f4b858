//! The per-session task that consumes what codex sends: stores completed items and turns,
//! answers server requests, forwards everything to the UI, and notices when codex dies.

use std::sync::Arc;
use std::time::Duration;

use codex_desk_protocol::{ApprovalOutcome, SessionEvent, SessionStatus};
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::drafts::{Drafts, CHECKPOINT_EVERY};
use super::usage::UsageTracker;
use super::Engine;
use crate::codex::approvals;
use crate::codex::client::Incoming;
use crate::codex::requests::{self, Answer};
use crate::codex::session::LiveSession;
use crate::codex::wire;
use crate::store::{now_ms, NewItem};

pub(super) async fn run(
    engine: Engine,
    id: String,
    live: Arc<LiveSession>,
    mut incoming: mpsc::Receiver<Incoming>,
) {
    let mut drafts = Drafts::default();
    let mut usage = UsageTracker::default();
    let mut checkpoint = tokio::time::interval(CHECKPOINT_EVERY);
    checkpoint.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let message = tokio::select! {
            message = incoming.recv() => match message {
                Some(message) => message,
                None => break,
            },
            _ = checkpoint.tick() => {
                for item in drafts.take_changed(&id) {
                    engine.store().upsert_item(item);
                }
                continue;
            }
        };
        match message {
            Incoming::Notification {
                method,
                params,
                read_at_ms,
            } => {
                // Another thread this codex has loaded (a fork it made): not this session's.
                if other_thread(&live.thread_id, &params) {
                    tracing::debug!(session = %id, %method, "a notification about another thread");
                    continue;
                }
                drafts.apply(&method, &params);
                if method == wire::method::SERVER_REQUEST_RESOLVED {
                    withdrawn(&engine, &id, &live, &params).await;
                }
                if let Err(e) = on_notification(
                    &engine,
                    &id,
                    &live,
                    &mut drafts,
                    &mut usage,
                    &method,
                    &params,
                )
                .await
                {
                    tracing::error!(session = %id, %method, error = %e, "could not record a codex event");
                }
                if let Some(message) = warning(&engine, &id, &method, &params) {
                    engine
                        .emit(&id, SessionEvent::SetupWarning { message })
                        .await;
                }
                // The model refused the credentials: the turn it failed, if codex is done retrying.
                let refused = (method == wire::method::ERROR)
                    .then(|| wire::read::<wire::ErrorEvent>("an error notification", &params))
                    .flatten()
                    .filter(|e| !e.will_retry && refused_credentials(&e.error))
                    .map(|e| e.turn_id);
                engine
                    .emit_read_at(
                        &id,
                        SessionEvent::Codex {
                            notification: json!({ "method": method, "params": params }),
                        },
                        read_at_ms,
                    )
                    .await;
                if let Some(turn_id) = refused {
                    sign_in_required(&engine, &id, Some(&turn_id), None).await;
                }
            }
            Incoming::Request {
                id: request_id,
                method,
                params,
            } if method == REFRESH => {
                tracing::debug!(session = %id, ?params, "codex asks for a renewed token");
                tokio::spawn(renew_token(
                    engine.clone(),
                    id.clone(),
                    live.clone(),
                    request_id,
                ));
            }
            Incoming::Request {
                id: request_id,
                method,
                params,
            } => {
                // A question for the user waits for their answer (or Stop, or codex's exit).
                if let Some(parked) = approvals::Parked::read_request(
                    &live.process,
                    request_id.clone(),
                    &method,
                    &params,
                    now_ms(),
                ) {
                    tracing::info!(session = %id, key = %parked.request.key, kind = ?parked.request.kind, "codex asks the user");
                    let request = parked.request.clone();
                    // Kept in the transcript where it is asked (how it ends, too).
                    engine.store().question_asked(&id, &request);
                    live.approvals.park(parked);
                    engine
                        .emit(&id, SessionEvent::ApprovalRequested { request })
                        .await;
                    continue;
                }
                let summary = match requests::answer(&method, &params) {
                    Answer::Result { result, summary } => {
                        let _ = live.client().respond(request_id, result).await;
                        summary
                    }
                    Answer::Error {
                        code,
                        message,
                        summary,
                    } => {
                        let _ = live
                            .client()
                            .respond_error(request_id, code, &message)
                            .await;
                        summary
                    }
                };
                tracing::info!(session = %id, %method, "answered a codex request by default");
                engine
                    .emit(&id, SessionEvent::AutoAnswered { method, summary })
                    .await;
            }
        }
    }
    for item in drafts.finish_all(&id) {
        engine.store().upsert_item(item);
    }
    on_exit(&engine, &id, &live).await;
}

/// Codex no longer waits on a question (answered, or dropped as its turn ended): one still
/// parked is withdrawn from the window.
async fn withdrawn(engine: &Engine, id: &str, live: &LiveSession, params: &Value) {
    let Some(request_id) = params.get("requestId") else {
        return;
    };
    if let Some(parked) = live
        .approvals
        .take(&approvals::key_of(&live.process, request_id))
    {
        engine
            .approvals_ended(id, [parked.request], ApprovalOutcome::Withdrawn)
            .await;
    }
}

async fn on_notification(
    engine: &Engine,
    id: &str,
    live: &Arc<LiveSession>,
    drafts: &mut Drafts,
    usage: &mut UsageTracker,
    method: &str,
    params: &Value,
) -> crate::error::Result<()> {
    let store = engine.store();
    match method {
        wire::method::TOKEN_USAGE_UPDATED => {
            let Some(update) =
                wire::read::<wire::TokenUsageUpdated>("a thread/tokenUsage/updated", params)
            else {
                return Ok(());
            };
            let used = usage.update(&update.turn_id, &update.token_usage);
            store.set_turn_usage(id, &update.turn_id, &used);
            engine
                .emit(
                    id,
                    SessionEvent::TurnUsage {
                        turn_id: update.turn_id,
                        usage: used,
                    },
                )
                .await;
        }
        wire::method::ITEM_COMPLETED => {
            let Some(event) = wire::read::<wire::ItemEvent>("an item/completed", params) else {
                return Ok(());
            };
            store.upsert_item(NewItem {
                session_id: id.to_string(),
                turn_id: event.turn_id,
                item_id: event.item.id,
                kind: event.item.kind,
                json: params["item"].to_string(),
            });
        }
        wire::method::TURN_PLAN_UPDATED => {
            if let Some(plan) = wire::read::<wire::TurnPlanUpdated>("a turn/plan/updated", params) {
                store.plan_updated(id, &plan);
            }
        }
        wire::method::TURN_STARTED => {
            let Some(started) = wire::read::<wire::TurnStarted>("a turn/started", params) else {
                return Ok(());
            };
            if live.turn_began(&started.turn.id) {
                // Stop was pressed while codex started it: it stops now that codex can.
                tracing::info!(session = %id, turn = %started.turn.id, "stopping a turn asked to stop as it began");
                // Its own task: the pump reads on meanwhile.
                let (engine, id, live) = (engine.clone(), id.to_string(), live.clone());
                tokio::spawn(async move {
                    if let Err(e) = live.interrupt_turn(&started.turn.id).await {
                        tracing::warn!(error = %e, "could not stop the turn that just began");
                        // Stop had answered already: the user hears it did not take.
                        engine
                            .emit(
                                &id,
                                SessionEvent::SetupWarning {
                                    message: format!("The turn could not be stopped as it began: {e} Press Stop again."),
                                },
                            )
                            .await;
                    }
                });
            }
        }
        wire::method::TURN_COMPLETED => {
            let completed = wire::read::<wire::TurnCompleted>("a turn/completed", params);
            // Unreadable (a codex newer than this app knows): the turn still ends, as failed.
            let (turn_id, status, error) = match &completed {
                Some(c) => (
                    Some(c.turn.id.clone()),
                    c.turn.status,
                    c.turn.error.as_ref().map(|e| e.message.as_str()),
                ),
                None => (
                    live.running_turn(),
                    wire::TurnStatus::Failed,
                    Some("Codex ended the turn with a message this version of Codex Desk cannot read. Check that codex and Codex Desk are up to date."),
                ),
            };
            if let Some(turn_id) = &turn_id {
                // A question of the ended turn is no longer asked (codex says so too, normally).
                let asked = live
                    .approvals
                    .take_turn(turn_id)
                    .into_iter()
                    .map(|p| p.request);
                engine
                    .approvals_ended(id, asked, ApprovalOutcome::Withdrawn)
                    .await;
                // What still streamed is kept as it was, before the turn counts as ended.
                for item in drafts.finish_turn(id, turn_id) {
                    store.upsert_item(item);
                }
                store.turn_finished(id, turn_id, status.as_str(), error);
            }
            let (session_status, message) = match status {
                wire::TurnStatus::Failed => (
                    SessionStatus::Failed,
                    Some(error.unwrap_or("The turn failed.")),
                ),
                _ => (SessionStatus::Idle, None),
            };
            // Recorded before the turn counts as ended, so whoever waits for that (a quit)
            // writes after it.
            engine
                .store()
                .set_session_status(id, session_status, message);
            // A failed or stopped turn leaves the queue to the user: held before the turn
            // counts as ended, so a follow-up queued at that moment does not send it.
            if status != wire::TurnStatus::Completed {
                engine.hold_queue(id).await;
            }
            live.turn_finished();
            // Signed in or out (or another key) while the turn ran: the session catches up now,
            // not only at its next message (a sign-out must not leave it holding the token).
            if live.credentials_generation() != engine.account().generation() {
                engine.signal_handoff();
            }
            // The window hears it last: a message sent on hearing it finds the turn ended
            // and the queue as it stays.
            engine
                .emit_status(id, session_status, message, Some(&live.thread_id))
                .await;
            // The next follow-up the user queued, once this one completed. Its own task: it
            // waits on codex's answer.
            if status == wire::TurnStatus::Completed {
                tokio::spawn(next_queued(engine.clone(), id.to_string()));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Codex's warnings about its setup (a config it could not accept, settings it ignores), in
/// terms of the user's own files: codex names the session's generated config, which the user
/// never edits.
fn warning(engine: &Engine, id: &str, method: &str, params: &Value) -> Option<String> {
    let raw = match method {
        wire::method::CONFIG_WARNING => {
            let w = wire::read::<wire::ConfigWarning>("a configWarning", params)?;
            match w.details {
                Some(details) => format!("{} {details}", w.summary),
                None => w.summary,
            }
        }
        wire::method::WARNING => wire::read::<wire::Warning>("a warning", params)?.message,
        _ => return None,
    };
    let session_config = engine.folder(id).config_file();
    let user_home = engine.inner.config.user_codex_home.as_deref();
    Some(crate::sessions::locate_setting::in_user_terms(
        &raw,
        &session_config,
        user_home,
    ))
}

/// Codex asks for a new access token because the model refused the one it has.
const REFRESH: &str = "account/chatgptAuthTokens/refresh";

/// Answers codex's refresh request from the account (which refreshes at most once for all
/// sessions), or tells codex and the user that signing in again is needed.
async fn renew_token(engine: Engine, id: String, live: Arc<LiveSession>, request_id: Value) {
    let stale = live.token();
    let renewed = engine.account().renewed(stale.as_ref()).await;
    match renewed.map(|c| (c.refresh_answer(), c)) {
        Ok((Some(answer), credentials)) => {
            live.token_renewed(credentials.token().clone());
            live.set_credentials_generation(engine.account().generation());
            let _ = live.client().respond(request_id, answer).await;
            tracing::info!(session = %id, "handed codex a renewed access token");
        }
        Ok((None, _)) => {
            let message = "The account is signed in with an API key now; sign in with ChatGPT for this session.";
            let _ = live
                .client()
                .respond_error(request_id, -32000, message)
                .await;
            sign_in_required(&engine, &id, None, Some(message.into())).await;
        }
        Err(e) => {
            tracing::warn!(session = %id, error = %e, "could not renew the access token");
            let _ = live
                .client()
                .respond_error(request_id, -32000, &e.to_string())
                .await;
            sign_in_required(&engine, &id, None, Some(e.to_string())).await;
        }
    }
}

/// Whether a codex error means the model refused the credentials (HTTP 401, or a failed renewal).
fn refused_credentials(error: &wire::TurnError) -> bool {
    if let Some(info) = &error.codex_error_info {
        if info.as_str() == Some("unauthorized") {
            return true;
        }
        let status_401 = |v: &Value| v.get("httpStatusCode").and_then(Value::as_u64) == Some(401);
        if info.as_object().is_some_and(|o| o.values().any(status_401)) {
            return true;
        }
    }
    let message = &error.message;
    message.contains("401 Unauthorized") || message.contains("auth refresh request failed")
}

/// Tells the user the model refused the credentials, and what to do about it.
async fn sign_in_required(engine: &Engine, id: &str, turn_id: Option<&str>, why: Option<String>) {
    let provider = engine.account().state().provider;
    let message = match (why, provider.uses_account) {
        (Some(why), _) => why,
        (None, true) => format!(
            "{} refused the credentials of this session. Sign in again to continue.",
            provider.name
        ),
        (None, false) => format!(
            "{} refused the credentials of this session. Check the key your codex config gives provider `{}` (its `env_key` variable or headers), then send your message again.",
            provider.name, provider.id
        ),
    };
    engine
        .emit(
            id,
            SessionEvent::SignInRequired {
                turn_id: turn_id.map(str::to_string),
                message,
            },
        )
        .await;
}

/// Codex's stdout closed: a requested stop, or a crash to report. What it still asked is
/// withdrawn last: whoever hears that (the window, a test) finds the crash recorded and can
/// start the next codex.
async fn on_exit(engine: &Engine, id: &str, live: &Arc<LiveSession>) {
    let fault = live.client().fault();
    if fault.is_some() {
        // Codex still runs but broke the connection: stop it and what it started.
        live.control().kill();
    }
    if live.is_closing() {
        // Stopped on purpose: whoever closed it has seen to the session.
        engine.forget_live(id, live);
        live.control().exited(Duration::from_secs(3)).await;
        withdraw_all(engine, id, live).await;
        return;
    }
    // No codex starts for the session until the crash is recorded, and this one is not used
    // again: a prompt sent meanwhile starts a new one after, and its turn is not taken for the
    // one that crashed.
    let gate = engine.launch_gate(id);
    let _no_launch = gate.lock().await;
    engine.forget_live(id, live);
    let exit = live.control().exited(Duration::from_secs(3)).await;
    if live.is_closing() {
        // Closed meanwhile (the app quits): not a crash.
        withdraw_all(engine, id, live).await;
        return;
    }
    let message = match (fault, exit.map(|e| e.description), live.control().last_words()) {
        (Some(fault), _, _) => format!("Codex was stopped: {fault}. Send a message to start it again and continue."),
        (None, how, Some(line)) => format!(
            "Codex stopped unexpectedly ({}). Its last words: {line}. Send a message to restart it and continue.",
            how.unwrap_or_else(|| "it stopped answering".into())
        ),
        (None, how, None) => format!(
            "Codex stopped unexpectedly ({}). Send a message to restart it and continue.",
            how.unwrap_or_else(|| "it stopped answering".into())
        ),
    };
    tracing::warn!(session = %id, %message, "codex crashed");
    engine.hold_queue(id).await;
    engine.store().fail_open_turns(id, &message);
    if let Err(e) = engine
        .set_status(
            id,
            SessionStatus::Crashed,
            Some(&message),
            Some(&live.thread_id),
        )
        .await
    {
        tracing::error!(session = %id, error = %e, "could not record the crash");
    }
    withdraw_all(engine, id, live).await;
}

/// Codex is gone: nothing it asked can be answered any more.
async fn withdraw_all(engine: &Engine, id: &str, live: &LiveSession) {
    let asked = live.approvals.drain().into_iter().map(|p| p.request);
    engine
        .approvals_ended(id, asked, ApprovalOutcome::Withdrawn)
        .await;
}

/// Whether a notification names a thread other than `ours` (`threadId`, or `thread.id` for
/// thread/started).
fn other_thread(ours: &str, params: &Value) -> bool {
    let named = params["threadId"]
        .as_str()
        .or_else(|| params["thread"]["id"].as_str());
    named.is_some_and(|thread| thread != ours)
}

/// Sends the session's next queued follow-up. Boxed: sending may start codex, whose pump is
/// this very function's caller.
fn next_queued(
    engine: Engine,
    id: String,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(async move { engine.send_next_queued(&id).await })
}
