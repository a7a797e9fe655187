//! The fake host's state (per thread) and its answers to the imports, called by
//! [`crate::host`] in native builds.

use std::cell::RefCell;
use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};

use crate::credentials::{Algorithm, SignRequest};
use crate::http::{Response, WireRequest};
use crate::log::Level;
use crate::{Denial, DenialReason, HostError};

/// Answers `http.send` for one request.
pub type Handler = Box<dyn FnMut(&WireRequest) -> Result<Response, HostError>>;
/// Answers `credentials.sign`.
pub type Signer = Box<dyn FnMut(&SignRequest) -> Result<Vec<u8>, HostError>>;

#[derive(Default)]
pub(crate) struct Host {
    pub(crate) handler: Option<Handler>,
    pub(crate) signer: Option<Signer>,
    pub(crate) config: BTreeMap<String, String>,
    pub(crate) identities: BTreeMap<(String, String), String>,
    pub(crate) keys: BTreeMap<(String, String), Vec<u8>>,
    pub(crate) sent: Vec<WireRequest>,
    pub(crate) signed: Vec<SignRequest>,
    pub(crate) logs: Vec<(Level, String)>,
}

thread_local! {
    static HOST: RefCell<Host> = RefCell::new(Host::default());
}

/// Run `f` with the fake host of this thread.
pub(crate) fn with<T>(f: impl FnOnce(&mut Host) -> T) -> T {
    HOST.with(|host| f(&mut host.borrow_mut()))
}

fn denied(reason: DenialReason, message: String) -> HostError {
    HostError::Denied(Denial { reason, message })
}

/// `http.send`: recorded, then answered by the installed handler.
pub fn send(request: &WireRequest) -> Result<Response, HostError> {
    // The handler is taken out while it runs so that it may itself use the SDK (config, log).
    let handler = with(|host| {
        host.sent.push(request.clone());
        host.handler.take()
    });
    let Some(mut handler) = handler else {
        return Err(denied(
            DenialReason::HostNotGranted,
            format!(
                "no HTTP mock installed for {} {}",
                request.method.as_str(),
                request.url
            ),
        ));
    };
    let result = handler(request);
    with(|host| {
        if host.handler.is_none() {
            host.handler = Some(handler);
        }
    });
    result
}

/// `http.send-all`: each request in turn, as `send` answers it.
pub fn send_all(requests: &[WireRequest]) -> Vec<Result<Response, HostError>> {
    requests.iter().map(send).collect()
}

/// `credentials.identity`: a field set with `testing::set_identity`.
pub fn identity(credential: &str, field: &str) -> Result<String, HostError> {
    with(|host| {
        host.identities
            .get(&(credential.to_owned(), field.to_owned()))
            .cloned()
    })
    .ok_or_else(|| {
        denied(
            DenialReason::CredentialNotBound,
            format!("credential `{credential}` has no field `{field}`"),
        )
    })
}

/// `credentials.sign`: the installed signer, or a real HMAC with the key set for the field.
pub fn sign(request: &SignRequest) -> Result<Vec<u8>, HostError> {
    let (signer, key) = with(|host| {
        host.signed.push(request.clone());
        let key = host
            .keys
            .get(&(request.credential.clone(), request.field.clone()))
            .cloned();
        (host.signer.take(), key)
    });
    if let Some(mut signer) = signer {
        let result = signer(request);
        with(|host| {
            host.signer.get_or_insert(signer);
        });
        return result;
    }
    let key = key.ok_or_else(|| {
        denied(
            DenialReason::SignatureNotAllowed,
            format!(
                "no signing key set for `{}.{}` (testing::set_signing_key)",
                request.credential, request.field
            ),
        )
    })?;
    Ok(hmac(request, &key))
}

/// `config.get`.
pub fn config(key: &str) -> Option<String> {
    with(|host| host.config.get(key).cloned())
}

/// `log.log`.
pub fn log(level: Level, message: &str) {
    with(|host| host.logs.push((level, message.to_owned())));
}

/// The signature `credentials.sign` defines: key = `key-prefix ++ secret`, each derivation step
/// replaces the key with HMAC(key, step), then HMAC(key, message).
pub fn hmac(request: &SignRequest, secret: &[u8]) -> Vec<u8> {
    let mut key = request.key_prefix.clone();
    key.extend_from_slice(secret);
    for step in &request.derivation {
        key = mac(request.algorithm, &key, step);
    }
    mac(request.algorithm, &key, &request.message)
}

fn mac(algorithm: Algorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    match algorithm {
        Algorithm::HmacSha256 => {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Algorithm::HmacSha512 => {
            let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(key).expect("any key length");
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
    }
}
