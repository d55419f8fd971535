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
//! stored document: a call reads the fingerprint stored with the user (so a
//! change, reset or seed made on any node is seen at once) and reuses the
//! parsed set while the fingerprint is the same. On a store that counts its
//! commits ([`pcentral_core::store::Store::commits`]: every write goes through
//! this process) a fingerprint found current while the count was `n` is not
//! read again until the count moves (any write may have changed it). What AWS's data says of
//! an operation (its action, how its resource's ARN is built, its own
//! condition keys) is worked out once per operation ([`Plan`]); which of a
//! user's statements cover the operation's action and may apply to the user
//! (a condition on a key the user alone fixes, such as `aws:username`, is
//! decided then), and which context keys they read, once per parsed set and
//! operation ([`Prepared`]), so a call tests only those statements, with a
//! context of only those keys, its values borrowed from the request where
//! they are only compared.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use pcentral_core::iam_users;
use pcentral_core::records::user_arn;
use pcentral_core::{OpResult, Tx};
use pcentral_iam::data::{authorization, ArnFormat, PREFIX};
use pcentral_iam::{denial_message, Context, Decided, Decision, ForAction, PolicySet, Request};
use pcentral_model::{timestamp, AccountId, ApiError, Catalog, ErrorKind, Millis, Operation, Service};
use serde_json::Value;

/// The action a call that sends tags also needs (other than TagResource itself).
const TAG_RESOURCE: &str = "partnercentral:TagResource";

/// A user's parsed policies, the stored fingerprint they were parsed at,
/// and what they need for each operation, worked out at its first call.
struct Parsed {
    fingerprint: i64,
    /// The store's commit count when `fingerprint` was last read as stored
    /// (read before that call's transaction began); `u64::MAX` for none.
    confirmed_at: AtomicU64,
    set: PolicySet,
    /// By [`Plan::index`].
    prepared: Box<[OnceLock<Prepared>]>,
}

impl Parsed {
    fn new(fingerprint: i64, set: PolicySet) -> Parsed {
        let prepared = (0..plans().list.len()).map(|_| OnceLock::new()).collect();
        Parsed { fingerprint, confirmed_at: AtomicU64::new(u64::MAX), set, prepared }
    }

    /// What the set needs to decide a call of `plan`'s operation by `who`
    /// (the user the set belongs to).
    fn prepared(&self, plan: &Plan, who: &Principal<'_>) -> Cow<'_, Prepared> {
        match self.prepared.get(plan.index) {
            Some(slot) => Cow::Borrowed(slot.get_or_init(|| Prepared::of(&self.set, plan, who))),
            None => Cow::Owned(Prepared::of(&self.set, plan, who)),
        }
    }
}

/// Parsed policy sets by account, then user name.
#[derive(Default)]
pub struct PolicyCache {
    sets: RwLock<HashMap<String, HashMap<String, Arc<Parsed>>>>,
}

impl PolicyCache {
    /// The parsed policies of `user` of `account` as stored now (an unknown
    /// user: none, so everything is denied); `commits`: the store's commit
    /// count read before `tx` began.
    fn policies(
        &self,
        tx: &mut dyn Tx,
        account: &AccountId,
        user: &str,
        commits: Option<u64>,
    ) -> OpResult<Arc<Parsed>> {
        let known = || self.sets.read().ok().and_then(|sets| sets.get(account.as_str())?.get(user).cloned());
        if let Some(commits) = commits {
            if let Some(parsed) = known().filter(|p| p.confirmed_at.load(Ordering::Acquire) == commits) {
                return Ok(parsed);
            }
        }
        let Some(fingerprint) = tx.iam_user_fingerprint(account, user)? else {
            return Ok(Arc::new(Parsed::new(0, PolicySet::default())));
        };
        if let Some(parsed) = known().filter(|p| p.fingerprint == fingerprint) {
            parsed.confirmed_at.store(commits.unwrap_or(u64::MAX), Ordering::Release);
            return Ok(parsed);
        }
        let Some(stored) = tx.iam_user(account, user)? else {
            return Ok(Arc::new(Parsed::new(0, PolicySet::default())));
        };
        // Stored policies were checked when they were put; one that no longer
        // parses (data files changed between releases) grants nothing.
        let set = iam_users::policies(&stored).unwrap_or_else(|e| {
            tracing::warn!(user = %stored.arn(), error = %e, "a stored IAM policy does not parse; the user is denied");
            PolicySet::default()
        });
        let parsed = Arc::new(Parsed::new(fingerprint, set));
        parsed.confirmed_at.store(commits.unwrap_or(u64::MAX), Ordering::Release);
        if let Ok(mut sets) = self.sets.write() {
            sets.entry(account.to_string()).or_default().insert(user.to_string(), parsed.clone());
        }
        Ok(parsed)
    }
}

/// What one user's policies need to decide a call of one operation: the
/// statements that cover its action (and TagResource's, for a call that
/// sends tags) and that may apply to the user (a condition on a key the
/// user alone fixes, such as `aws:username`, is decided here once), and the
/// context keys those statements read.
#[derive(Clone)]
struct Prepared {
    action: ForAction,
    tag: ForAction,
    needs: Needs,
}

impl Prepared {
    fn of(set: &PolicySet, plan: &Plan, who: &Principal<'_>) -> Prepared {
        let mut fixed = Context::new();
        for key in Key::FIXED {
            if let Some(value) = key.value(who, &Value::Null, None) {
                fixed.set(key.name(), value);
            }
        }
        let action = set.for_action(&plan.action, &fixed);
        let tag = set.for_action(TAG_RESOURCE, &fixed);
        Prepared { needs: Needs::of(&[&action, &tag], plan), action, tag }
    }
}

/// A context key whose value comes from the call.
#[derive(Clone, Copy)]
enum Key {
    Catalog,
    /// One of the action's own keys (`partnercentral:RelatedEntityType`) and the request member that holds it.
    Member(&'static str, &'static str),
    PrincipalAccount,
    PrincipalArn,
    PrincipalType,
    Username,
    RequestedRegion,
    CurrentTime,
    EpochTime,
    SourceIp,
    SecureTransport,
}

impl Key {
    /// The keys whose values the principal alone fixes.
    const FIXED: [Key; 4] = [Key::PrincipalAccount, Key::PrincipalArn, Key::PrincipalType, Key::Username];

    /// The key's value in a call by `who` with `input` at service time `now`.
    fn value<'v>(self, who: &Principal<'v>, input: &'v Value, now: Option<Millis>) -> Option<Cow<'v, str>> {
        let text = |member: &str| input.get(member).and_then(Value::as_str);
        match self {
            Key::Catalog => text("Catalog").map(Cow::Borrowed),
            Key::Member(_, member) => text(member).map(Cow::Borrowed),
            Key::PrincipalAccount => Some(Cow::Borrowed(who.account.as_str())),
            Key::PrincipalArn => Some(Cow::Owned(user_arn(who.account, who.user))),
            Key::PrincipalType => Some(Cow::Borrowed("User")),
            Key::Username => Some(Cow::Borrowed(who.user)),
            Key::RequestedRegion => Some(Cow::Borrowed(who.region)),
            Key::CurrentTime => now.map(|now| Cow::Owned(timestamp::format(now))),
            Key::EpochTime => now.map(|now| Cow::Owned(now.div_euclid(1000).to_string())),
            Key::SourceIp => who.source_ip.map(|ip| Cow::Owned(crate::proxies::canonical(ip).to_string())),
            // pcentral serves plain HTTP: only a trusted proxy's X-Forwarded-Proto makes this true.
            Key::SecureTransport => Some(Cow::Borrowed(if who.secure { "true" } else { "false" })),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Key::Catalog => "partnercentral:Catalog",
            Key::Member(key, _) => key,
            Key::PrincipalAccount => "aws:PrincipalAccount",
            Key::PrincipalArn => "aws:PrincipalArn",
            Key::PrincipalType => "aws:PrincipalType",
            Key::Username => "aws:username",
            Key::RequestedRegion => "aws:RequestedRegion",
            Key::CurrentTime => "aws:CurrentTime",
            Key::EpochTime => "aws:EpochTime",
            Key::SourceIp => "aws:SourceIp",
            Key::SecureTransport => "aws:SecureTransport",
        }
    }
}

/// The context keys a call's statements read: a value no statement reads is not worked out.
#[derive(Clone, Default)]
struct Needs {
    keys: Vec<Key>,
    /// `aws:RequestTag/<key>`.
    request_tags: bool,
    /// `aws:TagKeys`.
    tag_keys: bool,
    /// `aws:ResourceTag/<key>` (read from the store).
    resource_tags: bool,
}

impl Needs {
    /// The keys the statements of `actions` read.
    fn of(actions: &[&ForAction], plan: &Plan) -> Needs {
        let reads = |key: &str| actions.iter().any(|a| a.reads(key));
        let under = |prefix: &str| actions.iter().any(|a| a.reads_under(prefix));
        let mut keys = vec![Key::Catalog];
        keys.extend(plan.keys.iter().map(|&(key, member)| Key::Member(key, member)));
        keys.extend([
            Key::PrincipalAccount,
            Key::PrincipalArn,
            Key::PrincipalType,
            Key::Username,
            Key::RequestedRegion,
            Key::CurrentTime,
            Key::EpochTime,
            Key::SourceIp,
            Key::SecureTransport,
        ]);
        keys.retain(|k| reads(k.name()));
        Needs {
            keys,
            request_tags: under("aws:RequestTag/"),
            tag_keys: reads("aws:TagKeys"),
            resource_tags: under("aws:ResourceTag/"),
        }
    }
}

/// What AWS's data says of one operation, worked out once.
#[derive(Clone)]
struct Plan {
    /// Its place in [`Plans::list`].
    index: usize,
    /// `partnercentral:<Operation>`.
    action: String,
    /// How the resource's ARN is built; `None` for an action without a resource type.
    arn: Option<ArnPlan>,
    /// The action's own condition keys that the request carries under the
    /// same name (RelatedEntityType, VerificationType, …): key and member.
    keys: Vec<(&'static str, &'static str)>,
}

/// An ARN format and where each of its fields comes from.
#[derive(Clone)]
struct ArnPlan {
    /// `None` for a format whose `${` is not closed: the ARN is then `*`.
    format: Option<ArnFormat>,
    /// By the field's place in [`ArnFormat::fields`].
    fills: Vec<Fill>,
    /// The members that may hold the resource's identifier, in order.
    identifiers: [String; 3],
}

/// Where one field of a resource's ARN comes from.
#[derive(Clone)]
enum Fill {
    Partition,
    Region,
    Account,
    Catalog,
    Identifier,
    /// Another field (EngagementIdentifier, TemplateIdentifier, …): the
    /// members that may hold it, by its name or with the resource type's
    /// name before it.
    Members([String; 2]),
}

/// The plan of every operation, by operation name.
struct Plans {
    list: Vec<Plan>,
    by_name: HashMap<&'static str, usize>,
}

fn plans() -> &'static Plans {
    static PLANS: OnceLock<Plans> = OnceLock::new();
    PLANS.get_or_init(|| {
        let mut names: Vec<&'static str> = Operation::all().into_iter().map(|o| o.name()).collect();
        names.sort_unstable();
        names.dedup();
        let list: Vec<Plan> = names.iter().enumerate().map(|(index, name)| Plan::of(index, name)).collect();
        let by_name = names.into_iter().enumerate().map(|(index, name)| (name, index)).collect();
        Plans { list, by_name }
    })
}

impl Plan {
    fn of(index: usize, operation: &str) -> Plan {
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
            let format = ArnFormat::parse(&kind.arn);
            let fills = format
                .iter()
                .flat_map(ArnFormat::fields)
                .map(|field| match field.as_str() {
                    "Partition" => Fill::Partition,
                    "Region" => Fill::Region,
                    "Account" => Fill::Account,
                    "Catalog" => Fill::Catalog,
                    "Identifier" => Fill::Identifier,
                    other => Fill::Members([other.to_string(), format!("{camel}{other}")]),
                })
                .collect();
            let identifiers = [format!("{camel}Identifier"), format!("Related{camel}Identifier"), "Identifier".into()];
            ArnPlan { format, fills, identifiers }
        });
        Plan { index, action: format!("{PREFIX}:{operation}"), arn, keys }
    }

    /// The plan of `operation`.
    fn of_operation(operation: Operation) -> Cow<'static, Plan> {
        let plans = plans();
        match plans.by_name.get(operation.name()).and_then(|&i| plans.list.get(i)) {
            Some(plan) => Cow::Borrowed(plan),
            // Every operation has its plan; one made here is not kept.
            None => Cow::Owned(Plan::of(usize::MAX, operation.name())),
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
    let filled = arn.format.as_ref().and_then(|format| {
        format.fill(|i| {
            Some(match arn.fills.get(i)? {
                Fill::Partition => "aws",
                Fill::Region => region,
                Fill::Account => account.as_str(),
                Fill::Catalog => text("Catalog").unwrap_or("*"),
                Fill::Identifier => identifier.unwrap_or("*"),
                Fill::Members(members) => members.iter().find_map(|m| text(m)).unwrap_or("*"),
            })
        })
    });
    filled.unwrap_or_else(|| "*".into())
}

/// The request context IAM would build for this call: the keys `needs`
/// names, values borrowed from the call where they are only compared.
fn context<'v>(needs: &Needs, who: &Principal<'v>, input: &'v Value, now: Option<Millis>) -> Context<'v> {
    let mut ctx = Context::new();
    for &key in &needs.keys {
        if let Some(value) = key.value(who, input, now) {
            ctx.set(key.name(), value);
        }
    }
    if let Some(tags) = input.get("Tags").and_then(Value::as_array) {
        let mut keys = Vec::new();
        for tag in tags {
            if let (Some(k), Some(v)) =
                (tag.get("Key").and_then(Value::as_str), tag.get("Value").and_then(Value::as_str))
            {
                if needs.request_tags {
                    ctx.set(format!("aws:RequestTag/{k}"), v);
                }
                keys.push(k);
            }
        }
        if needs.tag_keys {
            ctx.set_all("aws:TagKeys", keys);
        }
    }
    if let Some(keys) = input.get("TagKeys").and_then(Value::as_array) {
        if needs.tag_keys {
            ctx.set_all("aws:TagKeys", keys.iter().filter_map(Value::as_str).collect());
        }
    }
    ctx
}

/// The line for the log and the requests list:
/// `partnercentral:GetConnection on <arn>: allowed by <policy>/Statement[i] (Sid)`.
fn describe(action: &str, resource: &str, decided: &Decided<'_>) -> String {
    let how = match decided.decision {
        Decision::Allowed => "allowed",
        Decision::ImplicitDeny => "denied by default",
        Decision::ExplicitDeny => "denied explicitly",
    };
    let by = decided.by.map(|(_, st)| st.label());
    let mut line = String::with_capacity(action.len() + resource.len() + how.len() + 6 + by.map_or(0, |l| l.len() + 4));
    for part in [action, " on ", resource, ": ", how] {
        line.push_str(part);
    }
    if let Some(label) = by {
        line.push_str(" by ");
        line.push_str(label);
    }
    line
}

/// The modeled refusal of `service`: AccessDeniedException (403), with AWS's wording;
/// `Reason` ACCESS_DENIED where the service's model has that value.
fn refusal(service: Service, principal: &str, action: &str, resource: &str, decided: &Decided<'_>) -> ApiError {
    let message =
        denial_message(principal, action, resource, &decided.outcome()).unwrap_or_else(|| "Access denied".to_string());
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
    /// The store's commit count, read before the call's transaction began.
    commits: Option<u64>,
    who: Principal<'a>,
    operation: Operation,
    input: &'a Value,
    plan: Cow<'static, Plan>,
    /// The resource's ARN.
    resource: String,
    /// The call sends tags, so it also needs TagResource (unless it is TagResource).
    tags: bool,
    /// The decision's line for the log and the requests list, once decided.
    line: std::cell::RefCell<Option<String>>,
}

impl<'a> Gate<'a> {
    /// The gate of a call; `commits`: the store's commit count
    /// ([`pcentral_core::store::Store::commits`]) read before the call's transaction begins.
    pub fn new(
        policies: &'a PolicyCache,
        commits: Option<u64>,
        who: Principal<'a>,
        operation: Operation,
        input: &'a Value,
    ) -> Gate<'a> {
        let plan = Plan::of_operation(operation);
        let resource = resource_of(&plan, input, who.account, who.region);
        let tags = input.get("Tags").and_then(Value::as_array).is_some_and(|t| !t.is_empty())
            && operation.name() != "TagResource";
        Gate { policies, commits, who, operation, input, plan, resource, tags, line: std::cell::RefCell::new(None) }
    }

    /// Decide the call with what `tx` holds now (`wall`: the wall clock);
    /// `Some` refusal when the policies do not allow it. Every action the
    /// call needs is decided; the verdict is the first refusal, or the main
    /// action's allowance.
    pub fn check(&self, tx: &mut dyn Tx, wall: Millis) -> OpResult<Option<ApiError>> {
        let parsed = self.policies.policies(tx, self.who.account, self.who.user, self.commits)?;
        let prepared = parsed.prepared(&self.plan, &self.who);
        let needs = &prepared.needs;
        let clock = needs.keys.iter().any(|k| matches!(k, Key::CurrentTime | Key::EpochTime));
        let now = if clock { Some(pcentral_core::clock::service_now(tx, wall)?.0) } else { None };
        let mut ctx = context(needs, &self.who, self.input, now);
        if needs.resource_tags {
            for (k, v) in resource_tags(tx, &self.resource, self.who.account)? {
                ctx.set(format!("aws:ResourceTag/{k}"), v);
            }
        }
        let ask = |action: &str, only: &ForAction| {
            parsed.set.decide(only, &Request { action, resource: &self.resource, context: &ctx })
        };
        let mut action = self.plan.action.as_str();
        let mut decided = ask(action, &prepared.action);
        if self.tags && decided.decision == Decision::Allowed {
            let tag = ask(TAG_RESOURCE, &prepared.tag);
            if tag.decision != Decision::Allowed {
                (action, decided) = (TAG_RESOURCE, tag);
            }
        }
        *self.line.borrow_mut() = Some(describe(action, &self.resource, &decided));
        if decided.decision == Decision::Allowed {
            return Ok(None);
        }
        let principal = user_arn(self.who.account, self.who.user);
        Ok(Some(refusal(self.operation.service(), &principal, action, &self.resource, &decided)))
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
