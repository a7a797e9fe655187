//! The audit log: one JSON line per brokered request in `data/audit.jsonl`.
//!
//! A record names the credential (never its value), the method, host and path (never the
//! query string, which could carry data), the status and the duration.

use crate::home::{Area, Home};
use anyhow::{Context as _, Result};
use cap_std::fs::{Dir, OpenOptions};
use serde::Serialize;
use std::io::Write as _;
use std::sync::Arc;

/// The audit file's name under `data/`.
pub(crate) const FILE: &str = "audit.jsonl";

/// One audit record.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Record {
    /// RFC 3339 time the request started.
    pub time: String,
    /// Adapter name.
    pub adapter: String,
    /// Profile name.
    pub profile: Option<String>,
    /// Stored credential name applied, if any.
    pub credential: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Host (with port when not the default).
    pub host: String,
    /// URL path.
    pub path: String,
    /// Final HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// Milliseconds from the first attempt to the end.
    pub duration_ms: u64,
    /// Attempts made (retries included).
    pub attempts: u32,
    /// `ok`, `refused` or `failed`.
    pub outcome: &'static str,
    /// Why it was refused or failed.
    pub reason: Option<String>,
}

/// Every record of the audit log of `home`, oldest first.
pub(crate) fn read(home: &Home) -> Result<Vec<serde_json::Value>> {
    let dir = home.dir(Area::Data)?;
    let Some(bytes) = crate::home::read_optional(&dir, FILE)? else {
        return Ok(Vec::new());
    };
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect())
}

impl Record {
    /// A record of a request starting now, not yet sent: `refused` until the caller says
    /// otherwise.
    pub(crate) fn start(
        adapter: &str,
        profile: Option<&str>,
        method: &str,
        host: String,
        path: String,
    ) -> Self {
        Self {
            time: humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string(),
            adapter: adapter.to_string(),
            profile: profile.map(str::to_string),
            credential: None,
            method: method.to_string(),
            host,
            path,
            status: None,
            duration_ms: 0,
            attempts: 0,
            outcome: "refused",
            reason: None,
        }
    }
}

/// Appends records to the audit file.
#[derive(Debug, Clone)]
pub(crate) struct Audit {
    dir: Arc<Dir>,
}

impl Audit {
    /// The audit log of `home`.
    pub(crate) fn open(home: &Home) -> Result<Self> {
        Ok(Self {
            dir: Arc::new(home.dir(Area::Data)?),
        })
    }

    /// Appends one record. Failures are logged, not fatal: the request already happened.
    pub(crate) fn write(&self, record: &Record) {
        if let Err(err) = self.append(record) {
            tracing::warn!("failed to write the audit log: {err:#}");
        }
    }

    fn append(&self, record: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(record).context("failed to encode audit record")?;
        line.push(b'\n');
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        cap_std::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = self
            .dir
            .open_with(FILE, &options)
            .context("failed to open audit log")?;
        file.write_all(&line)
            .context("failed to append to audit log")
    }
}
