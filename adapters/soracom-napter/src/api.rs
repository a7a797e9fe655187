//! The Soracom API as this adapter sees it: catalogue calls and list answers. Where it lives
//! (coverage, sandbox, endpoint), how it pages (`last_evaluated_key` / `x-soracom-next-key`) and
//! how it fails (`{code, message}`) is `portico_soracom::api`, shared with the VPG adapter and
//! re-exported here.

use portico_adapter_sdk::http::Response;
use portico_adapter_sdk::serde_json::Value;
use portico_adapter_sdk::{Result, error};

pub use portico_soracom::api::{api, next_key, next_page};

use crate::catalog::CATALOGUE;

/// Send catalogue operation `name` and return the response (non-2xx already mapped to errors).
pub fn send(name: &str, params: &[(&str, &str)], body: Option<&Value>) -> Result<Response> {
    let api = api()?;
    let request = CATALOGUE.request(&api, name, params)?;
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    api.execute(request)
}

/// The JSON array a list operation answered; anything else is a provider error.
pub fn array(response: &Response, what: &str) -> Result<Vec<Value>> {
    match response.json()? {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        _ => Err(error::provider(format!(
            "Soracom answered {what} with something other than a JSON array"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::Error;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn arrays_are_required() {
        assert_eq!(array(&response(200, "[1]"), "x").unwrap().len(), 1);
        assert!(array(&response(200, ""), "x").unwrap().is_empty());
        let err = array(&response(200, "{}"), "the list").unwrap_err();
        assert!(matches!(err, Error::Provider(_)));
    }
}
