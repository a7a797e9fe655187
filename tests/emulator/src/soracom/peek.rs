//! Soracom Peek on a gateway: packet capture sessions.
//!
//! A session moves `REQUESTED` → `ACCEPTED` → `CAPTURING` → `POST_PROCESSING` → `DONE` on the
//! emulator clock (the order is inferred from the spec's enum). Invented timing: `REQUESTED`,
//! `ACCEPTED` and `POST_PROCESSING` each last the provision delay in force when the session was
//! created (zero by default, so they pass at once), and `CAPTURING` lasts the session's
//! `duration`, so with the default settings a new session captures until the clock has moved
//! `duration` seconds. The create response always shows `REQUESTED`. Stopping is allowed only
//! while `CAPTURING` and leaves the session `STOPPED` for good; sessions may be deleted in any
//! state. `url` (shown once `DONE` or `STOPPED`) points at a made-up `.invalid` host.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::vpg::{read, write};
use super::{ApiError, ApiResult, Paging, body, ok};
use crate::Shared;

const MIN_DURATION: u32 = 30;
const MAX_DURATION: u32 = 86_400;
const MAX_PREFIX: usize = 100;

/// The capture sessions of one gateway, by id (ids sort in creation order).
#[derive(Default)]
pub(super) struct Captures {
    items: BTreeMap<String, Capture>,
}

struct Capture {
    id: String,
    created: SystemTime,
    /// Length of each of the short steps (requested, accepted, post-processing).
    step: Duration,
    duration: u32,
    prefix: String,
    stopped: Option<SystemTime>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Requested,
    Accepted,
    Capturing,
    PostProcessing,
    Done,
    Stopped,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "REQUESTED",
            Status::Accepted => "ACCEPTED",
            Status::Capturing => "CAPTURING",
            Status::PostProcessing => "POST_PROCESSING",
            Status::Done => "DONE",
            Status::Stopped => "STOPPED",
        }
    }
}

impl Capture {
    fn capture_start(&self) -> SystemTime {
        self.created + self.step * 2
    }

    fn capture_end(&self) -> SystemTime {
        self.capture_start() + Duration::from_secs(u64::from(self.duration))
    }

    fn status(&self, now: SystemTime) -> Status {
        if self.stopped.is_some() {
            Status::Stopped
        } else if now < self.created + self.step {
            Status::Requested
        } else if now < self.capture_start() {
            Status::Accepted
        } else if now < self.capture_end() {
            Status::Capturing
        } else if now < self.capture_end() + self.step {
            Status::PostProcessing
        } else {
            Status::Done
        }
    }

    fn render(&self, vpg_id: &str, status: Status) -> Value {
        let time = |t: SystemTime| humantime::format_rfc3339_millis(t).to_string();
        let mut session = json!({
            "sessionId": self.id,
            "status": status.as_str(),
            "duration": self.duration,
            "prefix": self.prefix,
            "createdTime": time(self.created),
        });
        let Some(fields) = session.as_object_mut() else {
            return session;
        };
        if !matches!(status, Status::Requested | Status::Accepted) {
            fields.insert("startedTime".into(), time(self.capture_start()).into());
        }
        let ended = match status {
            Status::Stopped => self.stopped,
            Status::PostProcessing | Status::Done => Some(self.capture_end()),
            _ => None,
        };
        if let Some(ended) = ended {
            fields.insert("endedTime".into(), time(ended).into());
        }
        if matches!(status, Status::Done | Status::Stopped) {
            let url = format!(
                "https://peek.soracom.invalid/{vpg_id}/{}{}.pcap",
                self.prefix, self.id
            );
            fields.insert("url".into(), url.into());
        }
        session
    }
}

pub(super) fn routes() -> Router<Arc<Shared>> {
    let sessions = "/virtual_private_gateways/{vpg_id}/packet_capture_sessions";
    Router::new()
        .route(sessions, get(list).post(create))
        .route(
            &format!("{sessions}/{{session_id}}"),
            get(get_one).delete(delete_one),
        )
        .route(&format!("{sessions}/{{session_id}}/stop"), post(stop))
}

#[derive(Deserialize)]
struct CreateRequest {
    duration: i64,
    prefix: Option<String>,
}

async fn create(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: CreateRequest = body(&bytes)?;
    let duration = u32::try_from(request.duration)
        .ok()
        .filter(|d| (MIN_DURATION..=MAX_DURATION).contains(d))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "duration must be between {MIN_DURATION} and {MAX_DURATION} seconds"
            ))
        })?;
    let prefix = request.prefix.unwrap_or_default();
    let prefix_ok = prefix.len() <= MAX_PREFIX
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !prefix_ok {
        return Err(ApiError::bad_request(
            "prefix must be at most 100 characters of 0-9, A-Z, a-z, '_' and '-'",
        ));
    }
    let step = shared.delays().provision;
    write(&shared, &id, |ctx| {
        let capture = Capture {
            id: ctx.next_id(),
            created: ctx.now,
            step,
            duration,
            prefix,
            stopped: None,
        };
        let rendered = capture.render(&ctx.vpg.id, Status::Requested);
        ctx.vpg.captures.items.insert(capture.id.clone(), capture);
        Ok(ok(rendered))
    })
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let paging = Paging::parse(&query)?;
    read(&shared, &id, |ctx| {
        let vpg = &*ctx.vpg;
        let items = vpg
            .captures
            .items
            .values()
            .map(|c| (c.id.clone(), c.render(&vpg.id, c.status(ctx.now))))
            .collect();
        Ok(paging.respond_by_key(items))
    })
}

fn missing(session: &str) -> ApiError {
    ApiError::not_found(format!("packet capture session {session} was not found"))
}

async fn get_one(
    State(shared): State<Arc<Shared>>,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult {
    read(&shared, &id, |ctx| {
        let capture = ctx
            .vpg
            .captures
            .items
            .get(&session)
            .ok_or_else(|| missing(&session))?;
        Ok(ok(capture.render(&ctx.vpg.id, capture.status(ctx.now))))
    })
}

async fn stop(
    State(shared): State<Arc<Shared>>,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        let now = ctx.now;
        let vpg = &mut *ctx.vpg;
        let capture = vpg
            .captures
            .items
            .get_mut(&session)
            .ok_or_else(|| missing(&session))?;
        let status = capture.status(now);
        if status != Status::Capturing {
            return Err(ApiError::state(format!(
                "the packet capture session can be stopped only when its status is CAPTURING \
                 (it is {})",
                status.as_str()
            )));
        }
        capture.stopped = Some(now);
        Ok(ok(capture.render(&vpg.id, Status::Stopped)))
    })
}

async fn delete_one(
    State(shared): State<Arc<Shared>>,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        let capture = ctx
            .vpg
            .captures
            .items
            .remove(&session)
            .ok_or_else(|| missing(&session))?;
        Ok(ok(capture.render(&ctx.vpg.id, capture.status(ctx.now))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_walk_through_their_states() {
        let created = SystemTime::now();
        let capture = Capture {
            id: "s".into(),
            created,
            step: Duration::from_secs(5),
            duration: 30,
            prefix: "p".into(),
            stopped: None,
        };
        let at = |secs| capture.status(created + Duration::from_secs(secs));
        assert_eq!(at(0), Status::Requested);
        assert_eq!(at(5), Status::Accepted);
        assert_eq!(at(10), Status::Capturing);
        assert_eq!(at(39), Status::Capturing);
        assert_eq!(at(40), Status::PostProcessing);
        assert_eq!(at(45), Status::Done);
        let done = capture.render("vpg", Status::Done);
        assert!(
            done["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/vpg/ps.pcap"))
        );
        assert!(done["endedTime"].is_string() && done["startedTime"].is_string());
        let requested = capture.render("vpg", Status::Requested);
        assert!(requested.get("startedTime").is_none() && requested.get("url").is_none());
    }
}
