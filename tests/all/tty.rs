//! Prompts on a real terminal: secrets typed at a prompt are not echoed, and the install
//! confirmation is asked on the terminal.
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
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
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
