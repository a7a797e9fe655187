//! `--wait`: polling a resource until it is ready or gone, with a spinner on stderr and a
//! timeout that names the state last seen.

use super::{Resource, state_word};
use crate::error::{AdapterError, input};
use crate::runtime::Session;
use crate::wit::types::{self, State};
use anyhow::{Result, bail};
use serde_json::Value;
use std::time::{Duration, Instant};

fn spinner(message: String, show: bool) -> indicatif::ProgressBar {
    let target = if show {
        indicatif::ProgressDrawTarget::stderr()
    } else {
        indicatif::ProgressDrawTarget::hidden()
    };
    let bar = indicatif::ProgressBar::with_draw_target(None, target);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(message);
    bar
}

/// On a terminal, one line per state change above the spinner (`provisioning → available
/// after 4s`); the first state seen is the starting point.
fn note_change(
    bar: &indicatif::ProgressBar,
    noun: &str,
    id: &str,
    seen: &mut Option<State>,
    state: State,
    started: Instant,
) {
    if let Some(before) = *seen
        && before != state
    {
        bar.println(format!(
            "{noun} {id}: {} → {} after {}",
            state_word(before),
            state_word(state),
            humantime::format_duration(Duration::from_secs(started.elapsed().as_secs()))
        ));
    }
    *seen = Some(state);
}

fn next_interval(interval: Duration) -> Duration {
    (interval.mul_f32(1.5)).min(Duration::from_secs(5))
}

/// Polls `l` until it is ready (available, inactive or unknown), with a spinner on stderr.
pub(crate) async fn wait_ready<R: Resource>(
    s: &mut Session,
    l: &types::Locator,
    timeout: Duration,
) -> Result<R> {
    poll_ready(s, l, timeout, true).await
}

/// [`wait_ready`], with the spinner only when `show` (`apply` has its own progress bar).
pub(crate) async fn poll_ready<R: Resource>(
    s: &mut Session,
    l: &types::Locator,
    timeout: Duration,
    show: bool,
) -> Result<R> {
    let started = Instant::now();
    let bar = spinner(format!("waiting for {} {}", R::NOUN, l.id), show);
    let mut interval = Duration::from_millis(200);
    let mut seen: Option<State> = None;
    loop {
        let r = R::get(s, l).await?;
        let state = r.state();
        note_change(&bar, R::NOUN, &l.id, &mut seen, state, started);
        bar.set_message(format!(
            "waiting for {} {}: {}",
            R::NOUN,
            l.id,
            state_word(state)
        ));
        match state {
            State::Provisioning | State::Updating | State::Deleting => {}
            State::Failed => {
                bar.finish_and_clear();
                return Err(input(format!(
                    "{} {} failed (provider state {})",
                    R::NOUN,
                    l.id,
                    r.view()
                        .get("provider_state")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                )));
            }
            State::Available | State::Inactive | State::Unknown => {
                bar.finish_and_clear();
                tracing::info!(
                    "{} {} is {} after {:?}",
                    R::NOUN,
                    l.id,
                    state_word(state),
                    started.elapsed()
                );
                return Ok(r);
            }
        }
        if started.elapsed() >= timeout {
            bar.finish_and_clear();
            bail!(
                "timed out after {} waiting for {} {} (still {})",
                humantime::format_duration(timeout),
                R::NOUN,
                l.id,
                state_word(state)
            );
        }
        tokio::time::sleep(interval).await;
        interval = next_interval(interval);
    }
}

/// Polls `l` until the adapter says it does not exist, with a spinner on stderr.
pub(crate) async fn wait_gone<R: Resource>(
    s: &mut Session,
    l: &types::Locator,
    timeout: Duration,
) -> Result<()> {
    poll_gone::<R>(s, l, timeout, true).await
}

/// [`wait_gone`], with the spinner only when `show`.
pub(crate) async fn poll_gone<R: Resource>(
    s: &mut Session,
    l: &types::Locator,
    timeout: Duration,
    show: bool,
) -> Result<()> {
    let started = Instant::now();
    let bar = spinner(format!("waiting for {} {} to go", R::NOUN, l.id), show);
    let mut interval = Duration::from_millis(200);
    let mut seen: Option<State> = None;
    loop {
        match R::get(s, l).await {
            Ok(r) => {
                note_change(&bar, R::NOUN, &l.id, &mut seen, r.state(), started);
                bar.set_message(format!(
                    "waiting for {} {} to go: {}",
                    R::NOUN,
                    l.id,
                    state_word(r.state())
                ));
            }
            Err(err)
                if err
                    .downcast_ref::<AdapterError>()
                    .is_some_and(AdapterError::is_not_found) =>
            {
                bar.finish_and_clear();
                return Ok(());
            }
            Err(err) => {
                bar.finish_and_clear();
                return Err(err);
            }
        }
        if started.elapsed() >= timeout {
            bar.finish_and_clear();
            bail!(
                "timed out after {} waiting for {} {} to be deleted",
                humantime::format_duration(timeout),
                R::NOUN,
                l.id
            );
        }
        tokio::time::sleep(interval).await;
        interval = next_interval(interval);
    }
}
