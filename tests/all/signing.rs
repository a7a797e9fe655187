//! Host-side request signing with multi-step key derivation, proven against AWS's published
//! Signature Version 4 `get-vanilla` test vector with the `sigv4-probe` test adapter: the
//! adapter builds the string to sign, the host derives the key and signs, and the secret access
//! key never enters the guest.

use crate::support::{Env, assert_no_secrets, outputs};

/// AWS's example credentials from the SigV4 test suite.
const ACCESS_KEY: &str = "AKIDEXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The published signature of the `get-vanilla` request.
const SIGNATURE: &str = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

fn sigv4() -> Env {
    let env = Env::with_emulator(Env::config());
    env.set_credential(
        "aws-test",
        &["access-key-id", "secret-access-key"],
        &[ACCESS_KEY, SECRET_KEY],
    );
    env.install_with_profile(
        portico_test_artifacts::SIGV4_PROBE,
        "sigv4-probe",
        Some("aws-test"),
        &[],
    );
    env
}

#[test]
fn sigv4_get_vanilla_matches_the_published_signature() {
    let env = sigv4();
    let run = env.run_dumping(&["op", "call", "get-vanilla", "-o", "json"], &[]);
    let run = run.expect_code(0);
    let out = run.json();
    // What `credentials.sign` returned to the adapter.
    assert_eq!(out["signature"], SIGNATURE, "{out}");
    // What the host put on the wire for `http.request.signatures`.
    let requests = env.emu().requests();
    let sent = requests
        .iter()
        .find(|r| r.path == "/sigv4")
        .expect("the signed request reached the emulator");
    assert_eq!(
        sent.header("authorization"),
        Some(
            format!(
                "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20150830/us-east-1/service/\
                 aws4_request, SignedHeaders=host;x-amz-date, Signature={SIGNATURE}"
            )
            .as_str()
        )
    );
    assert_eq!(sent.header("x-amz-date"), Some("20150830T123600Z"));
    // The secret key is nowhere: not in the output, the audit log, other home files or the
    // adapter's memory.
    let mut haystacks = outputs(&[run]);
    haystacks.push(("audit log".into(), env.audit().into_bytes()));
    haystacks.extend(env.home_files().into_iter().filter(|(path, _)| {
        !path.ends_with("/config/credentials.toml") && !path.contains("/memory-dumps/")
    }));
    let dumps = env.memory_dumps();
    // Control: the access key id, which the adapter did read, is in its memory.
    assert!(
        dumps.iter().any(|(_, b)| b
            .windows(ACCESS_KEY.len())
            .any(|w| w == ACCESS_KEY.as_bytes())),
        "the access key id is not in any dump"
    );
    haystacks.extend(dumps);
    assert_no_secrets(&haystacks, &[("secret access key", SECRET_KEY)]);
}

#[test]
fn signing_with_a_credential_the_profile_lacks_is_refused() {
    let env = Env::with_emulator(Env::config());
    // The stored credential has no secret key: the host cannot sign, and says so.
    env.set_credential("aws-test", &["access-key-id"], &[ACCESS_KEY]);
    env.install_with_profile(
        portico_test_artifacts::SIGV4_PROBE,
        "sigv4-probe",
        Some("aws-test"),
        &[],
    );
    let run = env.run(&["op", "call", "get-vanilla"]).expect_code(1);
    assert!(run.stderr.contains("sigv4-probe"), "{}", run.stderr);
    assert!(run.stderr.contains("secret-access-key"), "{}", run.stderr);
    assert!(
        env.emu().requests().iter().all(|r| r.path != "/sigv4"),
        "nothing was sent"
    );
}
