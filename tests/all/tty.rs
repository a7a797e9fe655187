//! A real terminal: secrets typed at a prompt are not echoed, the install confirmation is
//! asked on the terminal, and tables fit the terminal's width with ids whole.
//!
//! The CLI runs on a pseudo-terminal it has as its controlling terminal. Input is typed only
//! once the prompt is shown and, for secrets, once the terminal's echo is off, so the test
//! checks portico's behaviour rather than a race.

use crate::support::{Env, random_hex};
use rustix::fd::OwnedFd;
use rustix::termios::LocalModes;
use std::io::{Read as _, Write as _};
use std::os::unix::process::CommandExt as _;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long to wait for a prompt before failing the test.
const PROMPT_TIMEOUT: Duration = Duration::from_secs(60);

struct Typing<'a> {
    /// Text to wait for on the terminal.
    prompt: &'a str,
    /// What to type then.
    input: &'a str,
    /// Whether to wait for echo to be switched off first.
    hidden: bool,
}

/// Runs portico on a pseudo-terminal, answering prompts; returns the exit code and the
/// terminal transcript.
fn run_on_terminal(
    env: &Env,
    args: &[&str],
    extra_env: &[(&str, &str)],
    typing: &[Typing<'_>],
) -> (i32, String) {
    run_on_terminal_of(env, args, extra_env, typing, 100)
}

/// [`run_on_terminal`] on a terminal `columns` wide.
fn run_on_terminal_of(
    env: &Env,
    args: &[&str],
    extra_env: &[(&str, &str)],
    typing: &[Typing<'_>],
    columns: u16,
) -> (i32, String) {
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
    rustix::termios::tcsetwinsize(
        &master,
        rustix::termios::Winsize {
            ws_row: 50,
            ws_col: columns,
            ws_xpixel: 0,
            ws_ypixel: 0,
        },
    )
    .expect("set the terminal size");
    grantpt(&master).expect("grantpt");
    unlockpt(&master).expect("unlockpt");
    let name = ptsname(&master, Vec::new()).expect("ptsname");
    let slave: OwnedFd = rustix::fs::open(
        name.as_c_str(),
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::NOCTTY,
        rustix::fs::Mode::empty(),
    )
    .expect("open the terminal");
    let mut cmd = env.command(args);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::from(slave.try_clone().expect("dup")))
        .stdout(Stdio::from(slave.try_clone().expect("dup")))
        .stderr(Stdio::from(slave.try_clone().expect("dup")));
    set_controlling_terminal(&mut cmd);
    let mut child = cmd.spawn().expect("portico runs");
    // The command keeps copies of the terminal; the reader only sees the end once all are gone.
    drop(cmd);

    let transcript = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let transcript = Arc::clone(&transcript);
        let mut master = std::fs::File::from(master.try_clone().expect("dup"));
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Reading ends with EIO once the last holder of the terminal closes it.
            while let Ok(n) = master.read(&mut buf) {
                if n == 0 {
                    break;
                }
                transcript.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let mut writer = std::fs::File::from(master);
    for step in typing {
        let started = Instant::now();
        loop {
            let seen = String::from_utf8_lossy(&transcript.lock().unwrap()).contains(step.prompt);
            let echo_off = !step.hidden
                || !rustix::termios::tcgetattr(&slave)
                    .expect("tcgetattr")
                    .local_modes
                    .contains(LocalModes::ECHO);
            if seen && echo_off {
                break;
            }
            if let Some(status) = child.try_wait().expect("wait") {
                panic!(
                    "portico exited ({status}) before prompting {:?}: {}",
                    step.prompt,
                    String::from_utf8_lossy(&transcript.lock().unwrap())
                );
            }
            assert!(
                started.elapsed() < PROMPT_TIMEOUT,
                "no prompt {:?}",
                step.prompt
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        writer.write_all(step.input.as_bytes()).expect("type");
    }
    let status = child.wait().expect("portico finishes");
    drop(slave);
    drop(writer);
    reader.join().expect("reader");
    let text = String::from_utf8_lossy(&transcript.lock().unwrap()).into_owned();
    (status.code().unwrap_or(-1), text)
}

#[expect(
    unsafe_code,
    reason = "pre_exec makes the pseudo-terminal the child's controlling terminal"
)]
fn set_controlling_terminal(cmd: &mut std::process::Command) {
    // SAFETY: setsid and ioctl(TIOCSCTTY) are async-signal-safe system calls.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::setsid()?;
            rustix::process::ioctl_tiocsctty(rustix::stdio::stdin())?;
            Ok(())
        });
    }
}

#[test]
fn credential_prompt_does_not_echo() {
    let env = Env::with_emulator(Env::config());
    let token = env.emu().config().ionos_token.clone();
    let (code, transcript) = run_on_terminal(
        &env,
        &["credential", "set", "typed"],
        &[],
        &[Typing {
            prompt: "token: ",
            input: &format!("{token}\n"),
            hidden: true,
        }],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        transcript.contains("stored credential typed"),
        "{transcript}"
    );
    assert!(
        !transcript.contains(&token),
        "the token was echoed: {transcript}"
    );
    // The typed value is the one stored.
    env.install_ionos(Some("typed"));
    env.run(&["gateway", "list"]).expect_code(0);
}

#[test]
fn secret_input_prompt_does_not_echo_and_reaches_the_provider() {
    let env = Env::ionos(Env::config());
    let gw = crate::support::create_ipsec(&env, "tty-gw", &[]);
    let gw_id = gw["id"].as_str().unwrap();
    let psk = format!("typed-{}", random_hex(12));
    let (code, transcript) = run_on_terminal(
        &env,
        &[
            "tunnel",
            "create",
            "--gateway",
            gw_id,
            "--name",
            "t",
            "--remote-address",
            "198.51.100.9",
            "--local-network",
            "192.168.2.0/24",
            "--remote-network",
            "10.1.0.0/16",
            "--secret",
            "pre-shared-key=prompt",
            "-o",
            "json",
        ],
        &[],
        &[Typing {
            prompt: "pre-shared-key: ",
            input: &format!("{psk}\n"),
            hidden: true,
        }],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains(&psk),
        "the key was echoed: {transcript}"
    );
    let post = env
        .emu()
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/tunnels"))
        .unwrap();
    assert!(post.body.contains(&psk));
}

#[test]
fn install_asks_on_the_terminal() {
    let env = Env::new();
    let (code, transcript) = run_on_terminal(
        &env,
        &["adapter", "install", portico_test_artifacts::IONOS_VPN],
        &[],
        &[Typing {
            prompt: "[y/N]",
            input: "n\n",
            hidden: false,
        }],
    );
    assert_eq!(code, 1, "{transcript}");
    assert!(transcript.contains("not approved"), "{transcript}");
    assert!(
        env.json(&["adapter", "list"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (code, transcript) = run_on_terminal(
        &env,
        &["adapter", "install", portico_test_artifacts::IONOS_VPN],
        &[],
        &[Typing {
            prompt: "[y/N]",
            input: "y\n",
            hidden: false,
        }],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        transcript.contains("installed adapter ionos-vpn"),
        "{transcript}"
    );
}

/// The transcript's lines with escape sequences and carriage returns removed.
fn visible_lines(transcript: &str) -> Vec<String> {
    let mut out = String::new();
    let mut chars = transcript.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ ... final byte in @..~
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out.lines().map(str::to_string).collect()
}

#[test]
fn tables_fit_80_and_120_columns_with_ids_whole() {
    use unicode_width::UnicodeWidthStr as _;
    let env = Env::ionos(Env::config());
    let mut ids = Vec::new();
    for name in ["a-long-gateway-name-for-a-narrow-terminal", "edge"] {
        let g = crate::support::create_wireguard(&env, name, &[]);
        ids.push(g["id"].as_str().unwrap().to_string());
    }
    for columns in [80u16, 120] {
        for args in [
            &["gateway", "list"][..],
            &["op", "list"][..],
            &["adapter", "list"][..],
        ] {
            // The harness sets NO_COLOR; an empty one means colours are on.
            let (code, transcript) =
                run_on_terminal_of(&env, args, &[("NO_COLOR", "")], &[], columns);
            assert_eq!(code, 0, "{transcript}");
            let lines = visible_lines(&transcript);
            for line in &lines {
                assert!(
                    line.width() <= usize::from(columns),
                    "{args:?} at {columns}: {} columns: {line}",
                    line.width()
                );
            }
            if args[0] == "gateway" {
                for id in &ids {
                    assert!(
                        lines.iter().any(|l| l.contains(id.as_str())),
                        "{id} cut: {lines:#?}"
                    );
                }
                // On a terminal, states are coloured.
                assert!(transcript.contains("\u{1b}[32mavailable"), "{transcript:?}");
            }
        }
    }
    let (_, op80) = run_on_terminal_of(&env, &["op", "list"], &[], &[], 80);
    assert!(
        op80.contains('…'),
        "summaries are shortened at 80 columns: {op80}"
    );
    let (_, plain) = run_on_terminal_of(&env, &["gateway", "list"], &[("NO_COLOR", "1")], &[], 80);
    assert!(!plain.contains("\u{1b}[32m"), "NO_COLOR: {plain}");
    // Piped, the same command prints every column whole and plain.
    let piped = env.run(&["op", "list"]).expect_code(0);
    assert!(!piped.stdout.contains('…') && !piped.stdout.contains('\u{1b}'));
}

#[test]
fn wait_shows_each_state_change_and_all_shows_a_page_counter_on_a_terminal() {
    let config = portico_emulator::Config {
        provision_delay: Duration::from_millis(1500),
        ..Env::config()
    };
    let env = Env::ionos(config);
    let key = crate::support::random_key();
    let props = crate::support::connections(1);
    let (code, transcript) = run_on_terminal_of(
        &env,
        &[
            "gateway",
            "create",
            "--kind",
            "wireguard",
            "--name",
            "slow",
            "--public-address",
            "203.0.113.10",
            "--network",
            "10.8.0.1/24",
            "--properties",
            &props,
            "--secret",
            "private-key=env:WG_KEY",
            "--wait",
        ],
        &[("WG_KEY", &key)],
        &[],
        100,
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        transcript.contains("provisioning → available after"),
        "{transcript:?}"
    );
    crate::support::create_wireguard(&env, "second", &[]);
    env.emu().set_latency(Duration::from_millis(300));
    let (code, transcript) = run_on_terminal_of(
        &env,
        &["gateway", "list", "--all", "--limit", "1"],
        &[],
        &[],
        100,
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        transcript.contains("listing gateways: page"),
        "{transcript:?}"
    );
    // Not on a terminal: no counter, no spinner.
    let piped = env
        .run(&["gateway", "list", "--all", "--limit", "1"])
        .expect_code(0);
    assert!(!piped.stderr.contains("page"), "{}", piped.stderr);
}
