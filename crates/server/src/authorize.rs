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
//! The decision is taken inside the operation's own transaction, before the
//! operation runs ([`Gate::check`]). A user's policies are parsed once per
//! stored document: every call reads the fingerprint stored with the user
//! (so a change, reset or seed made on any node is seen at once) and reuses
//! the parsed set while the fingerprint is the same. What AWS's data says of
//! an operation (its action, how its resource's ARN is built, its own
//! condition keys) is worked out once per operation ([`Plan`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};

use pcentral_core::iam_users;
use pcentral_core::records::user_arn;
use pcentral_core::{OpResult, Tx};
use pcentral_iam::data::{authorization, fill_arn, PREFIX};
use pcentral_iam::{denial_message, Context, Deciding, Decision, PolicySet, Request};
use pcentral_model::{timestamp, AccountId, ApiError, Catalog, ErrorKind, Millis, Operation, Service};
use serde_json::Value;

/// A user's parsed policies and the stored fingerprint they were parsed at.
type Parsed = (i64, Arc<PolicySet>);

/// Parsed policy sets by account, then user name.
#[derive(Default)]
pub struct PolicyCache {
    sets: Mutex<HashMap<String, HashMap<String, Parsed>>>,
}

impl PolicyCache {
    /// The parsed policies of `user` of `account` as stored now (an unknown user: none, so everything is denied).
    pub fn policies(&self, tx: &mut dyn Tx, account: &AccountId, user: &str) -> OpResult<Arc<PolicySet>> {
        let Some(fingerprint) = tx.iam_user_fingerprint(account, user)? else {
            return Ok(Arc::new(PolicySet::default()));
        };
        if let Ok(sets) = self.sets.lock() {
            if let Some((_, set)) =
                sets.get(account.as_str()).and_then(|u| u.get(user)).filter(|(f, _)| *f == fingerprint)
            {
                return Ok(set.clone());
            }
        }
        let Some(stored) = tx.iam_user(account, user)? else { return Ok(Arc::new(PolicySet::default())) };
        // Stored policies were checked when they were put; one that no longer
        // parses (data files changed between releases) grants nothing.
        let set = Arc::new(iam_users::policies(&stored).unwrap_or_else(|e| {
            tracing::warn!(user = %stored.arn(), error = %e, "a stored IAM policy does not parse; the user is denied");
            PolicySet::default()
        }));
        if let Ok(mut sets) = self.sets.lock() {
            sets.entry(account.to_string()).or_default().insert(user.to_string(), (fingerprint, set.clone()));
        }
        Ok(set)
    }
}

/// What AWS's data says of one operation, worked out once.
struct Plan {
    /// `partnercentral:<Operation>`.
    action: String,
    /// How the resource's ARN is built; `None` for an action without a resource type.
    arn: Option<ArnPlan>,
    /// The action's own condition keys that the request carries under the
    /// same name (RelatedEntityType, VerificationType, …): key and member.
    keys: Vec<(&'static str, &'static str)>,
}

/// An ARN format and the request members that fill it.
struct ArnPlan {
    format: String,
    /// The members that may hold the resource's identifier, in order.
    identifiers: [String; 3],
    /// The format's other fields (EngagementIdentifier, TemplateIdentifier, …):
    /// the field and the members that may fill it, by its name or with the
    /// resource type's name before it.
    others: Vec<(String, [String; 2])>,
}

impl Plan {
    fn of(operation: &str) -> Plan {
        let data = authorization();
        let action = data.action(operation);
        let keys = action
            .map(|a| {
                a.condition_keys
                    .iter()
                    .filter_map(|k| {
                        let member = k.strip_prefix("partnercentral:").filter(|m| *m != "Catalog")?;
                        Some((k.as_str(), member))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let chosen = action.and_then(|a| a.resource_types.iter().find(|r| r.required).or(a.resource_types.first()));
        let arn = chosen.and_then(|r| data.resource_type(&r.name)).map(|kind| {
            let camel: String = kind
                .name
                .split('-')
                .map(|w| {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
                })
                .collect();
            let fixed = ["Partition", "Region", "Account", "Catalog", "Identifier"];
            let others = placeholders(&kind.arn)
                .into_iter()
                .filter(|f| !fixed.contains(&f.as_str()))
                .map(|f| {
                    let prefixed = format!("{camel}{f}");
                    (f.clone(), [f, prefixed])
                })
                .collect();
            ArnPlan {
                format: kind.arn.clone(),
                identifiers: [format!("{camel}Identifier"), format!("Related{camel}Identifier"), "Identifier".into()],
                others,
            }
        });
        Plan { action: format!("{PREFIX}:{operation}"), arn, keys }
    }

    /// Run `f` with the plan of `operation`.
    fn with<R>(operation: Operation, f: impl FnOnce(&Plan) -> R) -> R {
        static PLANS: OnceLock<HashMap<&'static str, Plan>> = OnceLock::new();
        let plans =
            PLANS.get_or_init(|| Operation::all().into_iter().map(|o| (o.name(), Plan::of(o.name()))).collect());
        match plans.get(operation.name()) {
            Some(plan) => f(plan),
            None => f(&Plan::of(operation.name())),
        }
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
    Plan::with(operation, |plan| {
        let resource = resource_of(plan, input, account, region);
        let tags = input.get("Tags").and_then(Value::as_array).is_some_and(|t| !t.is_empty());
        let mut out = vec![Asked { action: plan.action.clone(), resource }];
        if tags && operation.name() != "TagResource" {
            out.push(Asked { action: format!("{PREFIX}:TagResource"), resource: out[0].resource.clone() });
        }
        out
    })
}

/// The ARN the action of `operation` acts on: its first required resource
/// type's format (the first type when none is required), filled from the
/// request; `*` for an action without a resource type. An identifier the
/// request does not give (the record a create makes) is `*`.
fn resource_of(plan: &Plan, input: &Value, account: &AccountId, region: &str) -> String {
    if let Some(arn) = input.get("ResourceArn").and_then(Value::as_str) {
        return arn.to_string();
    }
    let Some(arn) = &plan.arn else { return "*".into() };
    let text = |member: &str| input.get(member).and_then(Value::as_str);
    let identifier = arn.identifiers.iter().find_map(|m| text(m));
    if let Some(given) = identifier.filter(|i| i.starts_with("arn:")) {
        return given.to_string();
    }
    let mut fields: Vec<(&str, &str)> = vec![
        ("Partition", "aws"),
        ("Region", region),
        ("Account", account.as_str()),
        ("Catalog", text("Catalog").unwrap_or("*")),
        ("Identifier", identifier.unwrap_or("*")),
    ];
    for (field, members) in &arn.others {
        fields.push((field, members.iter().find_map(|m| text(m)).unwrap_or("*")));
    }
    fill_arn(&arn.format, &fields).unwrap_or_else(|| "*".into())
}

/// The `${Field}` names of an ARN format, in order.
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

/// The request context IAM would build for this call: the keys the
/// policies of `set` read (a value no statement reads is not worked out).
pub fn context(set: &PolicySet, who: &Principal<'_>, operation: Operation, input: &Value, now: Millis) -> Context {
    let mut ctx = Context::new();
    let mut put = |key: &'static str, value: &dyn Fn() -> Option<String>| {
        if set.reads(key) {
            if let Some(value) = value() {
                ctx.set(key, value);
            }
        }
    };
    let text = |member: &'static str| move || input.get(member).and_then(Value::as_str).map(str::to_string);
    put("partnercentral:Catalog", &text("Catalog"));
    Plan::with(operation, |plan| {
        for (key, member) in &plan.keys {
            put(key, &|| input.get(*member).and_then(Value::as_str).map(str::to_string));
        }
    });
    put("aws:PrincipalAccount", &|| Some(who.account.to_string()));
    put("aws:PrincipalArn", &|| Some(user_arn(who.account, who.user)));
    put("aws:PrincipalType", &|| Some("User".into()));
    put("aws:username", &|| Some(who.user.to_string()));
    put("aws:RequestedRegion", &|| Some(who.region.to_string()));
    put("aws:CurrentTime", &|| Some(timestamp::format(now)));
    put("aws:EpochTime", &|| Some(now.div_euclid(1000).to_string()));
    put("aws:SourceIp", &|| who.source_ip.map(|ip| crate::proxies::canonical(ip).to_string()));
    // pcentral serves plain HTTP: only a trusted proxy's X-Forwarded-Proto makes this true.
    put("aws:SecureTransport", &|| Some(if who.secure { "true" } else { "false" }.into()));
    if let Some(tags) = input.get("Tags").and_then(Value::as_array) {
        let mut keys = Vec::new();
        for tag in tags {
            if let (Some(k), Some(v)) =
                (tag.get("Key").and_then(Value::as_str), tag.get("Value").and_then(Value::as_str))
            {
                if set.reads_under("aws:RequestTag/") {
                    ctx.set(format!("aws:RequestTag/{k}"), v);
                }
                keys.push(k.to_string());
            }
        }
        if set.reads("aws:TagKeys") {
            ctx.set_all("aws:TagKeys", keys);
        }
    }
    if let Some(keys) = input.get("TagKeys").and_then(Value::as_array) {
        if set.reads("aws:TagKeys") {
            ctx.set_all("aws:TagKeys", keys.iter().filter_map(Value::as_str).map(str::to_string).collect());
        }
    }
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

/// The decision on one call made with an IAM user's key, taken inside the
/// operation's transaction (so it reads what the operation reads, and costs
/// no transaction of its own).
pub struct Gate<'a> {
    policies: &'a PolicyCache,
    who: Principal<'a>,
    operation: Operation,
    input: &'a Value,
    asked: Vec<Asked>,
    /// The decision's line for the log and the requests list, once decided.
    line: std::cell::RefCell<Option<String>>,
}

impl<'a> Gate<'a> {
    pub fn new(policies: &'a PolicyCache, who: Principal<'a>, operation: Operation, input: &'a Value) -> Gate<'a> {
        let asked = asked(operation, input, who.account, who.region);
        Gate { policies, who, operation, input, asked, line: std::cell::RefCell::new(None) }
    }

    /// Decide the call with what `tx` holds now (`wall`: the wall clock);
    /// `Some` refusal when the policies do not allow it.
    pub fn check(&self, tx: &mut dyn Tx, wall: Millis) -> OpResult<Option<ApiError>> {
        let (now, _) = pcentral_core::clock::service_now(tx, wall)?;
        let set = self.policies.policies(tx, self.who.account, self.who.user)?;
        let resource = self.asked.first().map_or("*", |a| a.resource.as_str());
        let mut ctx = context(&set, &self.who, self.operation, self.input, now);
        if set.reads_under("aws:ResourceTag/") {
            for (k, v) in resource_tags(tx, resource, self.who.account)? {
                ctx.set(format!("aws:ResourceTag/{k}"), v);
            }
        }
        let Some(verdict) = decide(&set, &self.asked, &ctx) else { return Ok(None) };
        *self.line.borrow_mut() = Some(verdict.describe());
        if verdict.decision == Decision::Allowed {
            return Ok(None);
        }
        let principal = user_arn(self.who.account, self.who.user);
        Ok(Some(refusal(self.operation.service(), &principal, &verdict)))
    }

    /// The decision's line (`partnercentral:GetConnection on …: allowed by …`), once decided.
    pub fn line(&self) -> Option<String> {
        self.line.borrow_mut().take()
    }
}

/// The tags of `resource` (the call's resource ARN) for `aws:ResourceTag/…`:
/// read for the caller's own records of the taggable types pcentral stores
/// tags on (opportunities, partners, resource snapshot jobs); none for any
/// other resource.
fn resource_tags(tx: &mut dyn Tx, resource: &str, account: &AccountId) -> OpResult<Vec<(String, String)>> {
    let tags = match own_tagged(resource, account) {
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
    Ok(tags.unwrap_or_default())
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
