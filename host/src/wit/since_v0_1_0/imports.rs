//! The 0.1.0 imports' arguments in the newest form, and the newest answers in 0.1.0's.

use super::describe::method;
use super::{credentials, http, log};
use crate::wit as latest;

/// A 0.1.0 request in the newest form; `Err` names a method the contract does not have.
pub(crate) fn request(r: http::Request) -> Result<latest::http::Request, String> {
    Ok(latest::http::Request {
        method: method(&r.method)?,
        url: r.url,
        headers: r.headers,
        body: r.body,
        credential: r.credential,
        signatures: r.signatures.into_iter().map(signature).collect(),
        idempotent: None,
    })
}

fn signature(s: http::HeaderSignature) -> latest::http::HeaderSignature {
    latest::http::HeaderSignature {
        header: s.header,
        prefix: s.prefix,
        sign: sign_request(s.sign),
        encoding: match s.encoding {
            http::SignatureEncoding::Base64 => latest::http::SignatureEncoding::Base64,
            http::SignatureEncoding::Hex => latest::http::SignatureEncoding::Hex,
        },
    }
}

/// A 0.1.0 signature request in the newest form.
pub(crate) fn sign_request(r: credentials::SignRequest) -> latest::credentials::SignRequest {
    latest::credentials::SignRequest {
        credential: r.credential,
        field: r.field,
        algorithm: match r.algorithm {
            credentials::Algorithm::HmacSha256 => latest::credentials::Algorithm::HmacSha256,
            credentials::Algorithm::HmacSha512 => latest::credentials::Algorithm::HmacSha512,
        },
        key_prefix: r.key_prefix,
        derivation: r.derivation,
        message: r.message,
    }
}

/// A response in 0.1.0's form.
pub(crate) fn response(r: latest::http::Response) -> http::Response {
    http::Response {
        status: r.status,
        headers: r.headers,
        body: r.body,
    }
}

/// A 0.1.0 log level in the newest form.
pub(crate) fn level(l: log::Level) -> latest::log::Level {
    match l {
        log::Level::Trace => latest::log::Level::Trace,
        log::Level::Debug => latest::log::Level::Debug,
        log::Level::Info => latest::log::Level::Info,
        log::Level::Warn => latest::log::Level::Warn,
        log::Level::Error => latest::log::Level::Error,
    }
}
