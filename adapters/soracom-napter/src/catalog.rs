//! The six operations of the Soracom API tagged `PortMapping`, named by their operationId.
//!
//! The noun code builds its requests from this table too, so the paths live in one place.

use portico_adapter_sdk::Method;
use portico_adapter_sdk::operations::{Catalogue, OperationDef, ParamDef};

use crate::api;

/// The catalogue, reached through the profile's Soracom endpoint; `listPortMappings` pages
/// through the `x-soracom-next-key` header.
pub static CATALOGUE: Catalogue = Catalogue::new(OPERATIONS)
    .with_api(api::api)
    .with_next_page(api::next_page);

/// `GET /port_mappings`.
pub const LIST: &str = "listPortMappings";
/// `POST /port_mappings`.
pub const CREATE: &str = "createPortMapping";
/// `DELETE /port_mappings/{ip_address}/{port}`.
pub const DELETE: &str = "deletePortMapping";
/// `GET /port_mappings/sims/{sim_id}`.
pub const LIST_FOR_SIM: &str = "listPortMappingsForSim";
/// `POST /port_mappings/sims/{sim_id}`.
pub const CREATE_FOR_SIM: &str = "createPortMappingForSim";
/// `GET /port_mappings/subscribers/{imsi}`.
pub const LIST_FOR_SUBSCRIBER: &str = "listPortMappingsForSubscriber";

const SIM_ID: ParamDef = ParamDef::path("sim_id", "SIM ID of the target IoT SIM.");

/// The six operations.
pub static OPERATIONS: &[OperationDef] = &[
    OperationDef {
        name: LIST,
        method: Method::Get,
        path: "/port_mappings",
        summary: "List the Napter On-Demand Remote Access entries, one page at a time.",
        params: &[
            ParamDef::query(
                "limit",
                false,
                "Maximum number of results per response page.",
            ),
            ParamDef::query(
                "last_evaluated_key",
                false,
                "The last entry retrieved on the previous page (the `x-soracom-next-key` header); \
                 the list continues after it.",
            ),
        ],
        takes_body: false,
        paginated: true,
        default_body: None,
        idempotent: None,
    },
    OperationDef {
        name: CREATE,
        method: Method::Post,
        path: "/port_mappings",
        summary: "Create an entry from {destination: {simId, service | imsi, port}, duration, \
                  source: {ipRanges}, tlsRequired}.",
        params: &[],
        takes_body: true,
        paginated: false,
        default_body: None,
        idempotent: None,
    },
    OperationDef {
        name: DELETE,
        method: Method::Delete,
        path: "/port_mappings/{ip_address}/{port}",
        summary: "Delete the entry published at ip_address:port.",
        params: &[
            ParamDef::path("ip_address", "IP address of the entry to delete."),
            ParamDef::path("port", "Port number of the entry to delete."),
        ],
        takes_body: false,
        paginated: false,
        default_body: None,
        idempotent: None,
    },
    OperationDef {
        name: LIST_FOR_SIM,
        method: Method::Get,
        path: "/port_mappings/sims/{sim_id}",
        summary: "List the entries created for a SIM ID (404 when there are none).",
        params: &[SIM_ID],
        takes_body: false,
        paginated: false,
        default_body: None,
        idempotent: None,
    },
    OperationDef {
        name: CREATE_FOR_SIM,
        method: Method::Post,
        path: "/port_mappings/sims/{sim_id}",
        summary: "Create an entry for a SIM ID from {destination: {port, service}, duration, \
                  source: {ipRanges}, tlsRequired}.",
        params: &[SIM_ID],
        takes_body: true,
        paginated: false,
        default_body: None,
        idempotent: None,
    },
    OperationDef {
        name: LIST_FOR_SUBSCRIBER,
        method: Method::Get,
        path: "/port_mappings/subscribers/{imsi}",
        summary: "List the entries created for an IMSI (IMSI_PRIORITIZED; 404 when there are none).",
        params: &[ParamDef::path("imsi", "IMSI of the target.")],
        takes_body: false,
        paginated: false,
        default_body: None,
        idempotent: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use portico_adapter_sdk::Location;

    #[test]
    fn six_operations_with_spec_parameters() {
        let names: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
        assert_eq!(
            names,
            [
                "listPortMappings",
                "createPortMapping",
                "deletePortMapping",
                "listPortMappingsForSim",
                "createPortMappingForSim",
                "listPortMappingsForSubscriber"
            ]
        );
        let catalog = CATALOGUE.catalog();
        let params = |name: &str| -> Vec<(String, Location, bool)> {
            catalog
                .iter()
                .find(|op| op.name == name)
                .unwrap()
                .parameters
                .iter()
                .map(|p| (p.name.clone(), p.location, p.required))
                .collect()
        };
        assert_eq!(
            params(LIST),
            [
                ("limit".into(), Location::Query, false),
                ("last_evaluated_key".into(), Location::Query, false)
            ]
        );
        assert!(params(CREATE).is_empty());
        assert_eq!(
            params(DELETE),
            [
                ("ip_address".into(), Location::Path, true),
                ("port".into(), Location::Path, true)
            ]
        );
        assert_eq!(
            params(LIST_FOR_SIM),
            [("sim_id".into(), Location::Path, true)]
        );
        assert_eq!(
            params(CREATE_FOR_SIM),
            [("sim_id".into(), Location::Path, true)]
        );
        assert_eq!(
            params(LIST_FOR_SUBSCRIBER),
            [("imsi".into(), Location::Path, true)]
        );
        let paged: Vec<&str> = OPERATIONS
            .iter()
            .filter(|op| op.paginated)
            .map(|op| op.name)
            .collect();
        assert_eq!(paged, [LIST]);
        let with_body: Vec<&str> = OPERATIONS
            .iter()
            .filter(|op| op.takes_body)
            .map(|op| op.name)
            .collect();
        assert_eq!(with_body, [CREATE, CREATE_FOR_SIM]);
        for op in &catalog {
            assert!(op.path.starts_with("/port_mappings"), "{}", op.path);
            assert!(!op.summary.is_empty());
        }
    }
}
