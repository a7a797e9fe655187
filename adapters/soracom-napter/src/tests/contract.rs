//! What contract 0.2.0 adds, for this adapter: the capability declaration, the example through
//! the noun, refusals of undeclared input, and creates and deletes whose outcome is unknown.

use portico_adapter_sdk::serde_json::json;
use portico_adapter_sdk::testing::{self, Step, json_response};
use portico_adapter_sdk::{Action, Error, Noun, ParentRule, spec as sdk_spec};

use super::{body_of, entry, fake, locator, page, query, requests, spec};
use crate::SoracomNapter;
use crate::mappings::MAPPINGS;

#[test]
fn describes_mappings_under_an_optional_sim_filtered_by_sim_or_imsi() {
    let d = SoracomNapter::ADAPTER.describe();
    assert_eq!(d.name, "soracom-napter");
    assert_eq!(d.version, env!("CARGO_PKG_VERSION"));
    let [support] = d.nouns.as_slice() else {
        panic!("one noun: {:?}", d.nouns);
    };
    assert_eq!(support.noun, Noun::Mapping);
    assert_eq!(
        support.actions,
        [Action::List, Action::Get, Action::Create, Action::Delete]
    );
    assert_eq!(support.parent, ParentRule::Optional);
    let filters: Vec<&str> = support.filters.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(filters, ["sim-id", "imsi"]);
    assert!(!support.labels && !support.unique_names);
    assert_eq!(d.kinds.len(), 1);
    assert_eq!(d.kinds[0].kind, "port-mapping");
    assert_eq!(d.hosts, portico_soracom::describe::hosts());
    assert_eq!(d.credentials, [portico_soracom::describe::credential()]);
    assert_eq!(d.settings, portico_soracom::describe::settings());
    assert!(d.secret_inputs.is_empty());
    assert_eq!(testing::assert_examples(&SoracomNapter::ADAPTER), 1);
}

#[test]
fn the_example_creates_an_entry_for_a_sim() {
    let _host = fake(|_, _, body| {
        let mut doc = entry("203.0.113.9", 40001, "8942310022000012345", 22);
        doc["source"] = body.unwrap()["source"].clone();
        json_response(201, &doc)
    });
    let example = &SoracomNapter::ADAPTER.describe().examples[0];
    let created = MAPPINGS
        .create(testing::example_spec(example, Step::Create, None))
        .unwrap();
    assert_eq!(
        created.destination.as_deref(),
        Some("sim:8942310022000012345:22")
    );
    assert_eq!(created.allowed_networks, ["198.51.100.0/24"]);
    assert_eq!(
        body_of(0),
        json!({
            "destination": {"simId": "8942310022000012345", "port": 22},
            "duration": 3600,
            "source": {"ipRanges": ["198.51.100.0/24"]}
        })
    );
}

#[test]
fn undeclared_input_is_refused_before_sending() {
    let _host = fake(|_, path, _| panic!("unexpected request {path}"));
    let err = MAPPINGS
        .list(query(&[("status", "x")], None, None))
        .unwrap_err();
    assert_eq!(err.field(), Some("filters.status"));
    assert_eq!(
        err.message(),
        "unknown filter `status` (known: `sim-id`, `imsi`)"
    );
    let labelled = portico_adapter_sdk::MappingSpec {
        labels: vec![sdk_spec::label("a", "b")],
        ..spec(Some("sim:1:22"), "", &[])
    };
    assert_eq!(
        MAPPINGS.create(labelled).unwrap_err().field(),
        Some("labels")
    );
    let err = MAPPINGS
        .update(locator("203.0.113.1:40001", None), spec(None, "", &[]))
        .unwrap_err();
    assert_eq!(
        err,
        Error::Unsupported(
            "mapping.update is not supported by this adapter; Soracom Napter cannot change an \
             entry: delete it and create a new one"
                .into()
        )
    );
    assert!(testing::sent().is_empty());
}

#[test]
fn a_create_whose_response_was_lost_says_entries_have_no_natural_key() {
    testing::reset();
    let _host = testing::mock_http(|_| Err(testing::lost_response()));
    let err = MAPPINGS
        .create(spec(Some("sim:8942:22"), "", &[]))
        .unwrap_err();
    assert!(matches!(err, Error::Host(_)), "{err:?}");
    assert!(err.message().contains("no natural key"), "{err:?}");
    assert!(err.message().contains("the new mapping"), "{err:?}");
    assert_eq!(requests(), ["POST /port_mappings"]);
}

#[test]
fn a_delete_whose_response_was_lost_is_checked_by_listing() {
    testing::reset();
    let _host = testing::mock_http(|request| match request.method.as_str() {
        "DELETE" => Err(testing::lost_response()),
        _ => Ok(page(vec![entry("203.0.113.1", 40002, "b", 22)], None)),
    });
    MAPPINGS.delete(locator("203.0.113.1:40001", None)).unwrap();
    assert_eq!(
        requests(),
        [
            "DELETE /port_mappings/203.0.113.1/40001",
            "GET /port_mappings"
        ]
    );
}
