//! IAM on the request path (docs/security.md#iam-users-and-policies): a
//! call made with a key that belongs to an IAM user is decided by the user's
//! policies before it runs. The action is `partnercentral:<Operation>` for
//! both services; the resource is the ARN AWS's data gives the action's
//! resource type, built from the caller's account and region and the
//! request's identifiers (so it never reveals another account's records);
//! the context carries the catalog, the request's tags, the tags of the
//! caller's own opportunity, the principal, the service clock and the peer. Tags sent on a call other than TagResource
//! also need `partnercentral:TagResource` (a dependent action, as AWS lists
//! for the operations that take tags).
//!
//! A user's policies are parsed once per stored version: every call reads
//! the user's row (so a change made on any node is seen at once) and reuses
//! the parsed set while the version is the same.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use pcentral_core::iam_users;
use pcentral_core::records::{user_arn, IamUser};
use pcentral_core::OpResult;
use pcentral_iam::data::{authorization, fill_arn, PREFIX};
use pcentral_iam::{denial_message, Context, Deciding, Decision, PolicySet, Request};
use pcentral_model::{timestamp, AccountId, ApiError, Catalog, ErrorKind, Millis, Operation, Service};
use serde_json::Value;

/// A user's parsed policies and the stored version they were parsed from.
type Parsed = (i64, Arc<PolicySet>);

/// Parsed policy sets by (account, user).
#[derive(Default)]
pub struct PolicyCache {
    sets: Mutex<HashMap<(String, String), Parsed>>,
}

impl PolicyCache {
    /// The parsed policies of `user` as stored now (an unknown user: none, so everything is denied).
    pub fn policies(&self, user: Option<&IamUser>) -> Arc<PolicySet> {
        let Some(user) = user else { return Arc::new(PolicySet::default()) };
        let key = (user.account.to_string(), user.name.clone());
        if let Ok(sets) = self.sets.lock() {
            if let Some((version, set)) = sets.get(&key) {
                if *version == user.version {
                    return set.clone();
                }
            }
        }
        // Stored policies were checked when they were put; one that no longer
        // parses (data files changed between releases) grants nothing.
        let set = Arc::new(iam_users::policies(user).unwrap_or_else(|e| {
            tracing::warn!(user = %user.arn(), error = %e, "a stored IAM policy does not parse; the user is denied");
            PolicySet::default()
        }));
        if let Ok(mut sets) = self.sets.lock() {
            sets.insert(key, (user.version, set.clone()));
        }
        set
    }
}

/// Who asks and from where.
pub struct Principal<'a> {
    pub account: &'a AccountId,
    pub user: &'a str,
    pub region: &'a str,
    pub source_ip: Option<IpAddr>,
    /// `aws:SecureTransport`: a trusted proxy said the client used TLS.
    pub secure: bool,
}

/// One question put to the policies: an action on a resource.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Asked {
    pub action: String,
    pub resource: String,
}

/// The decision on a call: every action it needs, and the first that was refused, if any.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verdict {
    pub asked: Asked,
    pub decision: Decision,
    pub statement: Option<Deciding>,
}

impl Verdict {
    /// A line for the log and the requests list: `Allowed by p/Statement[0] (Sid)`.
    pub fn describe(&self) -> String {
        let how = match self.decision {
            Decision::Allowed => "allowed",
            Decision::ImplicitDeny => "denied by default",
            Decision::ExplicitDeny => "denied explicitly",
        };
        let by = self.statement.as_ref().map(|st| format!(" by {st}")).unwrap_or_default();
        format!("{} on {}: {how}{by}", self.asked.action, self.asked.resource)
    }
}

/// The actions `operation` with `input` needs, each with its resource ARN.
pub fn asked(operation: Operation, input: &Value, account: &AccountId, region: &str) -> Vec<Asked> {
    let name = operation.name();
    let resource = resource_of(name, input, account, region);
    let mut out = vec![Asked { action: format!("{PREFIX}:{name}"), resource: resource.clone() }];
    let tags = input.get("Tags").and_then(Value::as_array).is_some_and(|t| !t.is_empty());
    if tags && name != "TagResource" {
        out.push(Asked { action: format!("{PREFIX}:TagResource"), resource });
    }
    out
}

/// The ARN the action of `operation` acts on: its first required resource
/// type's format (the first type when none is required), filled from the
/// request; `*` for an action without a resource type. An identifier the
/// request does not give (the record a create makes) is `*`.
fn resource_of(operation: &str, input: &Value, account: &AccountId, region: &str) -> String {
    if let Some(arn) = input.get("ResourceArn").and_then(Value::as_str) {
        return arn.to_string();
    }
    let data = authorization();
    let Some(action) = data.action(operation) else { return "*".into() };
    let chosen = action.resource_types.iter().find(|r| r.required).or(action.resource_types.first());
    let Some(kind) = chosen.and_then(|r| data.resource_type(&r.name)) else { return "*".into() };
    let camel: String = kind
        .name
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect();
    let text = |member: &str| input.get(member).and_then(Value::as_str);
    let identifier = text(&format!("{camel}Identifier"))
        .or_else(|| text(&format!("Related{camel}Identifier")))
        .or_else(|| text("Identifier"));
    if let Some(arn) = identifier.filter(|i| i.starts_with("arn:")) {
        return arn.to_string();
    }
    let catalog = text("Catalog").unwrap_or("*");
    let account = account.to_string();
    let mut fields: Vec<(String, String)> = vec![
        ("Partition".into(), "aws".into()),
        ("Region".into(), region.into()),
        ("Account".into(), account),
        ("Catalog".into(), catalog.into()),
        ("Identifier".into(), identifier.unwrap_or("*").into()),
    ];
    // The other fields of a format (EngagementIdentifier, TemplateIdentifier, …) by their name,
    // or with the resource type's name before it.
    for field in placeholders(&kind.arn) {
        if fields.iter().any(|(n, _)| *n == field) {
            continue;
        }
        let value = text(&field).or_else(|| text(&format!("{camel}{field}"))).unwrap_or("*");
        fields.push((field, value.to_string()));
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    fill_arn(&kind.arn, &borrowed).unwrap_or_else(|| "*".into())
}

fn placeholders(format: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// The request context IAM would build for this call.
pub fn context(who: &Principal<'_>, operation: Operation, input: &Value, now: Millis) -> Context {
    let mut ctx = Context::new();
    if let Some(catalog) = input.get("Catalog").and_then(Value::as_str) {
        ctx.set("partnercentral:Catalog", catalog);
    }
    // The action's own keys the request carries under the same name (RelatedEntityType, VerificationType, …).
    if let Some(action) = authorization().action(operation.name()) {
        for key in &action.condition_keys {
            if let Some(member) = key.strip_prefix("partnercentral:").filter(|m| *m != "Catalog") {
                if let Some(value) = input.get(member).and_then(Value::as_str) {
                    ctx.set(key, value);
                }
            }
        }
    }
    if let Some(tags) = input.get("Tags").and_then(Value::as_array) {
        let mut keys = Vec::new();
        for tag in tags {
            if let (Some(k), Some(v)) =
                (tag.get("Key").and_then(Value::as_str), tag.get("Value").and_then(Value::as_str))
            {
                ctx.set(&format!("aws:RequestTag/{k}"), v);
                keys.push(k.to_string());
            }
        }
        ctx.set_all("aws:TagKeys", keys);
    }
    if let Some(keys) = input.get("TagKeys").and_then(Value::as_array) {
        ctx.set_all("aws:TagKeys", keys.iter().filter_map(Value::as_str).map(str::to_string).collect());
    }
    ctx.set("aws:PrincipalAccount", who.account.to_string());
    ctx.set("aws:PrincipalArn", user_arn(who.account, who.user));
    ctx.set("aws:PrincipalType", "User");
    ctx.set("aws:username", who.user);
    ctx.set("aws:RequestedRegion", who.region);
    ctx.set("aws:CurrentTime", timestamp::format(now));
    ctx.set("aws:EpochTime", (now.div_euclid(1000)).to_string());
    if let Some(ip) = who.source_ip {
        ctx.set("aws:SourceIp", crate::proxies::canonical(ip).to_string());
    }
    // pcentral serves plain HTTP: only a trusted proxy's X-Forwarded-Proto makes this true.
    ctx.set("aws:SecureTransport", if who.secure { "true" } else { "false" });
    ctx
}

/// Decide every action a call needs; the verdict is the first refusal, or the main action's allowance.
pub fn decide(set: &PolicySet, asked: &[Asked], ctx: &Context) -> Option<Verdict> {
    let mut first = None;
    for a in asked {
        let out = set.evaluate(&Request { action: &a.action, resource: &a.resource, context: ctx });
        let allowed = out.allowed();
        let verdict = Verdict { asked: a.clone(), decision: out.decision, statement: out.statement };
        if !allowed {
            return Some(verdict);
        }
        first.get_or_insert(verdict);
    }
    first
}

/// The modeled refusal of `service`: AccessDeniedException (403), with AWS's wording;
/// `Reason` ACCESS_DENIED where the service's model has that value.
pub fn refusal(service: Service, principal: &str, verdict: &Verdict) -> ApiError {
    let outcome = pcentral_iam::Outcome { decision: verdict.decision, statement: verdict.statement.clone() };
    let message = denial_message(principal, &verdict.asked.action, &verdict.asked.resource, &outcome)
        .unwrap_or_else(|| "Access denied".to_string());
    match service {
        Service::Account => {
            ApiError::access_denied(pcentral_model::account::AccessDeniedExceptionReason::AccessDenied, message)
        }
        Service::Selling => ApiError::of(Service::Selling, ErrorKind::AccessDenied, message),
    }
}

/// What a call's decision reads from the store, in one read transaction.
pub struct Loaded {
    pub user: Option<IamUser>,
    /// Service time.
    pub now: Millis,
    /// The tags of the resource the call acts on (`aws:ResourceTag/…`): read for
    /// the caller's own records of the taggable types pcentral stores tags on
    /// (opportunities, partners, resource snapshot jobs); none for any other resource.
    pub resource_tags: Vec<(String, String)>,
}

/// Read the user, the service clock and the tags of `resource` (the call's resource ARN).
pub fn load(
    tx: &mut dyn pcentral_core::Tx,
    account: &AccountId,
    user: &str,
    resource: &str,
    wall: Millis,
) -> OpResult<Loaded> {
    let (now, _) = pcentral_core::clock::service_now(tx, wall)?;
    let user = tx.iam_user(account, user)?;
    let resource_tags = match own_tagged(resource, account) {
        Some(Tagged::Opportunity(catalog, id)) => {
            tx.opportunity(catalog, &id)?.filter(|o| &o.owner == account).map(|o| o.tags)
        }
        Some(Tagged::Partner(catalog, id)) => {
            tx.partner_by_id(catalog, &id)?.filter(|p| &p.account == account).map(|p| p.tags)
        }
        Some(Tagged::SnapshotJob(catalog, id)) => {
            tx.resource_snapshot_job(catalog, &id)?.filter(|j| &j.account == account).map(|j| j.tags)
        }
        None => None,
    };
    Ok(Loaded { user, now, resource_tags: resource_tags.unwrap_or_default() })
}

/// A record whose tags `aws:ResourceTag/…` reads: the resource types AWS's
/// authorization data marks taggable that pcentral stores tags on.
enum Tagged {
    Opportunity(Catalog, pcentral_model::OpportunityId),
    Partner(Catalog, pcentral_model::PartnerId),
    SnapshotJob(Catalog, pcentral_model::ResourceSnapshotJobId),
}

/// The taggable record `arn` names when it is one of `account`'s.
fn own_tagged(arn: &str, account: &AccountId) -> Option<Tagged> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", _, "partnercentral", _, owner, rest] = parts.as_slice() else { return None };
    if *owner != account.as_str() {
        return None;
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let ["catalog", catalog, kind, id] = segments.as_slice() else { return None };
    let catalog: Catalog = catalog.parse().ok()?;
    match *kind {
        "opportunity" => Some(Tagged::Opportunity(catalog, pcentral_model::OpportunityId::parse(id).ok()?)),
        "partner" => Some(Tagged::Partner(catalog, pcentral_model::PartnerId::parse(id).ok()?)),
        "resource-snapshot-job" => {
            Some(Tagged::SnapshotJob(catalog, pcentral_model::ResourceSnapshotJobId::parse(id).ok()?))
        }
        _ => None,
    }
}

/// Add the resource's tags to `ctx` (`aws:ResourceTag/<key>`).
pub fn with_resource_tags(ctx: &mut Context, tags: &[(String, String)]) {
    for (k, v) in tags {
        ctx.set(&format!("aws:ResourceTag/{k}"), v.clone());
    }
}
