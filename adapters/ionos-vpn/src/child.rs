//! The child nouns (`tunnel`, `peer`): resources of one kind living under one gateway, at
//! `/<gateways>/{gatewayId}/<children>[/{childId}]`.
//!
//! Both nouns list, get, create, update and delete the same way; a [`Child`] descriptor holds
//! what differs between them: names, catalogue operations, and how specs, documents and pages
//! convert. The SDK has checked kind, filters and the parent before these run.

use portico_adapter_sdk::serde_json::{Map, Value, json};
use portico_adapter_sdk::{Locator, Query, Result, Spec, json, noun, spec};

use crate::api;
use crate::catalog::CATALOGUE;

/// The `NounDef` of a child noun implemented by the [`Child`] constant `$child`: every action;
/// the parent is required; kinds `$kinds`.
macro_rules! child_noun {
    ($child:path, $kinds:expr) => {
        portico_adapter_sdk::NounDef::child(portico_adapter_sdk::ParentRule::Required)
            .descriptions()
            .kinds($kinds)
            .on_list(|query| $child.list(query))
            .on_get(|target| $child.get(target))
            .on_create(|spec| $child.create(spec))
            .on_update(|target, spec| $child.update(target, spec))
            .on_delete(|target| $child.delete(target))
    };
}
pub(crate) use child_noun;

/// Builds the `properties` to send from `base` (the current properties on update, none on
/// create) and a spec.
pub type Properties<S> = fn(Map<String, Value>, &S) -> Result<Map<String, Value>>;

/// One child noun: spec `S`, record `R` and page `P`.
pub struct Child<S, R, P> {
    /// The noun, as error messages name it.
    pub noun: &'static str,
    /// The path parameter naming one child, next to `gatewayId`.
    pub id_param: &'static str,
    /// Catalogue operation: collection GET.
    pub list_op: &'static str,
    /// Catalogue operation: item GET.
    pub get_op: &'static str,
    /// Catalogue operation: POST.
    pub create_op: &'static str,
    /// Catalogue operation: item PUT.
    pub put_op: &'static str,
    /// Catalogue operation: item DELETE.
    pub delete_op: &'static str,
    /// The spec fields an update may clear, and why the others cannot be.
    pub clearable: (&'static [&'static str], &'static str),
    /// A child document of gateway `gateway_id` as a record.
    pub record: fn(&Value, &str) -> R,
    /// The `properties` to send for a spec.
    pub properties: Properties<S>,
    /// A page of records with its `next` and `ahead` cursors.
    pub page: fn(Vec<R>, Option<String>, Vec<String>) -> P,
}

impl<S: Spec, R, P> Child<S, R, P> {
    /// List the children of the gateway `query.parent-id`.
    pub fn list(&self, query: Query) -> Result<P> {
        let gateway_id = query.parent()?;
        let (docs, next, ahead) =
            api::list_page(self.list_op, &[("gatewayId", gateway_id)], &query.page)?;
        let items = docs
            .iter()
            .map(|doc| (self.record)(doc, gateway_id))
            .collect();
        Ok((self.page)(items, next, ahead))
    }

    /// Get one child.
    pub fn get(&self, target: Locator) -> Result<R> {
        let gateway_id = target.parent()?;
        let doc = self.fetch(gateway_id, &target.id)?;
        Ok((self.record)(&doc, gateway_id))
    }

    /// Create a child under `spec.parent-id`.
    pub fn create(&self, spec: S) -> Result<R> {
        let gateway_id = json::non_blank(spec.parent_id())
            .map(str::trim)
            .ok_or_else(|| noun::missing_parent(self.noun))?;
        let properties = (self.properties)(Map::new(), &spec)?;
        let doc = CATALOGUE.call_with_body(
            self.create_op,
            &[("gatewayId", gateway_id)],
            &json!({ "properties": properties }),
        )?;
        Ok((self.record)(
            &api::expect_resource(doc, "create")?,
            gateway_id,
        ))
    }

    /// Update a child: read it, overlay the spec, and replace it.
    pub fn update(&self, target: Locator, spec: S) -> Result<R> {
        let (clearable, why) = self.clearable;
        spec::check_clearable(&spec, clearable, why)?;
        let gateway_id = target.parent()?;
        let current = self.fetch(gateway_id, &target.id)?;
        let id = api::id_of(&current, &target.id);
        let properties = (self.properties)(api::properties(&current), &spec)?;
        let doc = CATALOGUE.call_with_body(
            self.put_op,
            &[("gatewayId", gateway_id), (self.id_param, &id)],
            &json!({ "id": id, "properties": properties }),
        )?;
        Ok((self.record)(
            &api::expect_resource(doc, "update")?,
            gateway_id,
        ))
    }

    /// Delete a child.
    pub fn delete(&self, target: Locator) -> Result<()> {
        let gateway_id = target.parent()?;
        CATALOGUE
            .call(
                self.delete_op,
                &[("gatewayId", gateway_id), (self.id_param, &target.id)],
            )
            .map(drop)
    }

    /// The child `id` of gateway `gateway_id`, as IONOS returns it.
    fn fetch(&self, gateway_id: &str, id: &str) -> Result<Value> {
        CATALOGUE.call(
            self.get_op,
            &[("gatewayId", gateway_id), (self.id_param, id)],
        )
    }
}
