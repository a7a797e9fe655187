//! Soracom Canal on a gateway: customer routes (the transit gateway routing table), VPC peering
//! connections, transit gateway peering connections and transit gateway VPC attachments.
//!
//! Invented where the provider documents nothing:
//! - Every gateway shows a `soracomTransitGateway` (`tgw-...`, ASN from the create request or
//!   64512, AWS account `000000000000`).
//! - Customer route ids are UUID-shaped; routes are `static`; a `destinationCidr` overlapping the
//!   device subnet is refused (400) unless `ignoreDeviceSubnetCidrRangeOverlap` is true, and a
//!   second route for the same `destinationCidr` is refused (400).
//! - VPC peering needs all four request fields (400 otherwise) and gets a `pcx-...` id; the
//!   gateway's `vpcPeeringConnections` map shows id → `peerVpcId`.
//! - Transit gateway peering connections (`tgw-attach-...`) are `pending` for the provision delay,
//!   then `active`. VPC attachments start `acceptancePending`; accepting one in any other state
//!   answers 400.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::net::Cidr;
use super::vpg::write;
use super::{ApiError, ApiResult, aws_id, body, millis, with_status};
use crate::Shared;

const DEFAULT_ASN: u32 = 64_512;
const SORACOM_ACCOUNT: &str = "000000000000";

/// Canal settings of one gateway.
pub(super) struct Canal {
    transit_gateway: Value,
    customer_routes: BTreeMap<String, Value>,
    vpc_peerings: BTreeMap<String, Value>,
    tgw_peerings: BTreeMap<String, TgwPeering>,
    tgw_attachments: BTreeMap<String, Value>,
}

struct TgwPeering {
    fields: Value,
    created: SystemTime,
    active_at: SystemTime,
}

impl Canal {
    pub(super) fn new(region: &str, asn: Option<u32>) -> Self {
        let id = aws_id("tgw");
        Canal {
            transit_gateway: json!({
                "id": id,
                "arn": format!("arn:aws:ec2:{region}:{SORACOM_ACCOUNT}:transit-gateway/{id}"),
                "asn": asn.unwrap_or(DEFAULT_ASN),
                "awsAccountId": SORACOM_ACCOUNT,
                "region": region,
                "resourceSharedStatus": {},
            }),
            customer_routes: BTreeMap::new(),
            vpc_peerings: BTreeMap::new(),
            tgw_peerings: BTreeMap::new(),
            tgw_attachments: BTreeMap::new(),
        }
    }

    pub(super) fn render(&self, out: &mut Map<String, Value>, now: SystemTime) {
        let vpc: Map<String, Value> = self
            .vpc_peerings
            .iter()
            .map(|(id, pcx)| (id.clone(), pcx["peerVpcId"].clone()))
            .collect();
        let peerings: Map<String, Value> = self
            .tgw_peerings
            .iter()
            .map(|(id, peering)| {
                let mut fields = peering.fields.clone();
                let (status, modified) = if now < peering.active_at {
                    ("pending", peering.created)
                } else {
                    ("active", peering.active_at)
                };
                if let Some(object) = fields.as_object_mut() {
                    object.insert("status".into(), status.into());
                    object.insert("lastModifiedTime".into(), millis(modified).into());
                }
                (id.clone(), fields)
            })
            .collect();
        out.insert("customerRoutes".into(), json!(self.customer_routes));
        out.insert("vpcPeeringConnections".into(), Value::Object(vpc));
        out.insert("transitGatewayAttachments".into(), json!({}));
        out.insert("soracomTransitGateway".into(), self.transit_gateway.clone());
        out.insert(
            "soracomTransitGatewayPeeringConnections".into(),
            Value::Object(peerings),
        );
        out.insert(
            "soracomTransitGatewayVpcAttachments".into(),
            json!(self.tgw_attachments),
        );
    }
}

pub(super) fn routes() -> Router<Arc<Shared>> {
    let vpg = "/virtual_private_gateways/{vpg_id}";
    Router::new()
        .route(&format!("{vpg}/customer_routes"), post(create_route))
        .route(
            &format!("{vpg}/customer_routes/{{route_id}}"),
            axum::routing::put(update_route).delete(delete_route),
        )
        .route(&format!("{vpg}/vpc_peering_connections"), post(create_pcx))
        .route(
            &format!("{vpg}/vpc_peering_connections/{{pcx_id}}"),
            delete(delete_pcx),
        )
        .route(
            &format!("{vpg}/transit_gateway_peering_connections"),
            post(create_tgw_peering),
        )
        .route(
            &format!("{vpg}/transit_gateway_peering_connections/{{attachment_id}}"),
            delete(delete_tgw_peering),
        )
        .route(
            &format!("{vpg}/transit_gateway_vpc_attachments"),
            post(create_attachment),
        )
        .route(
            &format!("{vpg}/transit_gateway_vpc_attachments/{{attachment_id}}"),
            delete(delete_attachment),
        )
        .route(
            &format!("{vpg}/transit_gateway_vpc_attachments/{{attachment_id}}/accept"),
            post(accept_attachment),
        )
}

/// A required, non-empty string field.
fn required(value: Option<String>, field: &str) -> Result<String, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("{field} is required")))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateRoute {
    destination_cidr: Option<String>,
    target: Option<String>,
    ignore_device_subnet_cidr_range_overlap: Option<bool>,
    /// The spec also carries this mis-cased spelling.
    #[serde(rename = "ignoreDeviceSubnetcidrRangeOverlap")]
    ignore_overlap_miscased: Option<Value>,
}

async fn create_route(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: CreateRoute = body(&bytes)?;
    let destination = required(request.destination_cidr, "destinationCidr")?;
    let cidr = Cidr::require(&destination, "destinationCidr")?;
    let target = required(request.target, "target")?;
    let ignore_overlap = request.ignore_device_subnet_cidr_range_overlap == Some(true)
        || request.ignore_overlap_miscased == Some(Value::Bool(true));
    write(&shared, &id, |ctx| {
        if !ignore_overlap && cidr.overlaps(ctx.vpg.device_subnet) {
            return Err(ApiError::bad_request(format!(
                "destinationCidr {destination} overlaps the device subnet {}",
                ctx.vpg.device_subnet
            )));
        }
        let routes = &ctx.vpg.canal.customer_routes;
        if routes
            .values()
            .any(|r| r["destinationCidr"] == *destination)
        {
            return Err(ApiError::state(format!(
                "a route for {destination} already exists"
            )));
        }
        let route_id = ctx.next_id();
        let route = json!({ "id": route_id, "destinationCidr": destination,
                            "target": target, "type": "static" });
        ctx.vpg
            .canal
            .customer_routes
            .insert(route_id, route.clone());
        Ok(with_status(StatusCode::CREATED, route))
    })
}

#[derive(Deserialize)]
struct UpdateRoute {
    target: Option<String>,
}

async fn update_route(
    State(shared): State<Arc<Shared>>,
    Path((id, route_id)): Path<(String, String)>,
    bytes: Bytes,
) -> ApiResult {
    let request: UpdateRoute = body(&bytes)?;
    let target = required(request.target, "target")?;
    write(&shared, &id, |ctx| {
        let route = ctx
            .vpg
            .canal
            .customer_routes
            .get_mut(&route_id)
            .ok_or_else(|| ApiError::not_found(format!("no customer route {route_id}")))?;
        route["target"] = target.into();
        Ok(with_status(StatusCode::OK, route.clone()))
    })
}

async fn delete_route(
    State(shared): State<Arc<Shared>>,
    Path((id, route_id)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg
            .canal
            .customer_routes
            .remove(&route_id)
            .ok_or_else(|| ApiError::not_found(format!("no customer route {route_id}")))?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatePcx {
    destination_cidr_block: Option<String>,
    peer_owner_id: Option<String>,
    peer_region: Option<String>,
    peer_vpc_id: Option<String>,
}

async fn create_pcx(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: CreatePcx = body(&bytes)?;
    let destination = required(request.destination_cidr_block, "destinationCidrBlock")?;
    Cidr::require(&destination, "destinationCidrBlock")?;
    let owner = required(request.peer_owner_id, "peerOwnerId")?;
    let region = required(request.peer_region, "peerRegion")?;
    let vpc = required(request.peer_vpc_id, "peerVpcId")?;
    write(&shared, &id, |ctx| {
        let pcx_id = aws_id("pcx");
        let pcx = json!({ "id": pcx_id, "destinationCidrBlock": destination,
                          "peerOwnerId": owner, "peerRegion": region, "peerVpcId": vpc });
        ctx.vpg.canal.vpc_peerings.insert(pcx_id, pcx.clone());
        Ok(with_status(StatusCode::CREATED, pcx))
    })
}

async fn delete_pcx(
    State(shared): State<Arc<Shared>>,
    Path((id, pcx_id)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg.canal.vpc_peerings.remove(&pcx_id).ok_or_else(|| {
            ApiError::not_found(format!("VPC peering connection {pcx_id} does not exist"))
        })?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTgwPeering {
    customer_aws_account_id: Option<String>,
    customer_region: Option<String>,
    customer_transit_gateway_id: Option<String>,
    name: Option<String>,
}

async fn create_tgw_peering(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: CreateTgwPeering = body(&bytes)?;
    let account = required(request.customer_aws_account_id, "customerAwsAccountId")?;
    let region = required(request.customer_region, "customerRegion")?;
    let tgw = required(
        request.customer_transit_gateway_id,
        "customerTransitGatewayId",
    )?;
    let delay = shared.delays().provision;
    write(&shared, &id, |ctx| {
        let attachment_id = aws_id("tgw-attach");
        let fields = json!({
            "id": attachment_id,
            "soracomTransitGatewayPeeringAttachmentId": attachment_id,
            "customerAwsAccountId": account,
            "customerRegion": region,
            "customerTransitGatewayId": tgw,
            "name": request.name.unwrap_or_default(),
            "createdTime": millis(ctx.now),
        });
        let peering = TgwPeering {
            fields,
            created: ctx.now,
            active_at: ctx.now + delay,
        };
        ctx.vpg.canal.tgw_peerings.insert(attachment_id, peering);
        Ok(with_status(StatusCode::CREATED, ctx.render()))
    })
}

async fn delete_tgw_peering(
    State(shared): State<Arc<Shared>>,
    Path((id, attachment_id)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg
            .canal
            .tgw_peerings
            .remove(&attachment_id)
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "transit gateway peering connection {attachment_id} does not exist"
                ))
            })?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateAttachment {
    customer_aws_account_id: Option<String>,
    customer_vpc_id: Option<String>,
    name: Option<String>,
}

async fn create_attachment(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: CreateAttachment = body(&bytes)?;
    let account = required(request.customer_aws_account_id, "customerAwsAccountId")?;
    let vpc = required(request.customer_vpc_id, "customerVpcId")?;
    write(&shared, &id, |ctx| {
        let attachment_id = aws_id("tgw-attach");
        let now = millis(ctx.now);
        let attachment = json!({
            "id": attachment_id,
            "customerTransitGatewayVpcAttachmentId": attachment_id,
            "customerAwsAccountId": account,
            "customerVpcId": vpc,
            "name": request.name.unwrap_or_default(),
            "status": "acceptancePending",
            "createdTime": now,
            "lastModifiedTime": now,
        });
        ctx.vpg
            .canal
            .tgw_attachments
            .insert(attachment_id, attachment);
        Ok(with_status(StatusCode::CREATED, ctx.render()))
    })
}

fn missing_attachment(attachment_id: &str) -> ApiError {
    ApiError::not_found(format!(
        "transit gateway VPC attachment {attachment_id} does not exist"
    ))
}

async fn accept_attachment(
    State(shared): State<Arc<Shared>>,
    Path((id, attachment_id)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        let now = millis(ctx.now);
        let attachment = ctx
            .vpg
            .canal
            .tgw_attachments
            .get_mut(&attachment_id)
            .ok_or_else(|| missing_attachment(&attachment_id))?;
        if attachment["status"] != "acceptancePending" {
            return Err(ApiError::state(format!(
                "transit gateway VPC attachment {attachment_id} is not pending acceptance"
            )));
        }
        attachment["status"] = "active".into();
        attachment["lastModifiedTime"] = now.into();
        Ok(StatusCode::ACCEPTED.into_response())
    })
}

async fn delete_attachment(
    State(shared): State<Arc<Shared>>,
    Path((id, attachment_id)): Path<(String, String)>,
) -> ApiResult {
    write(&shared, &id, |ctx| {
        ctx.vpg
            .canal
            .tgw_attachments
            .remove(&attachment_id)
            .ok_or_else(|| missing_attachment(&attachment_id))?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}
