//! The admin API's IAM endpoints (docs/security.md#iam-users-and-policies):
//! users and their policies, key pairs for a user, and the policy simulator.
//! Every body is read strictly: an unknown field is refused with 400 naming
//! it, so that a caller who meant to restrict a key never gets one with full
//! access by a misspelling.

use pcentral_core::iam_users;
use pcentral_core::records::{user_arn, InlinePolicy};
use pcentral_core::store::{read, write};
use pcentral_core::tools::ToolError;
use pcentral_iam::{Context, PolicySet, Request};
use pcentral_model::{timestamp, AccountId};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{command, json_answer, AdminError, Answer, Call};
use crate::app::{wall_ms, AppState};
use crate::credentials::new_key_pair;

const USER_SHAPE: &str = r#"{"account": "<12-digit account>", "user": "<name>", "policies": [{"name": "...", "document": {...}}], "managed_policies": ["AWSPartnerCentralSandboxFullAccess"]}"#;

/// `{"account", "user"?, "policies"?, "managed_policies"?}`: a key pair, for the
/// user when one is named (the user is created, or its policies replaced when
/// policies are given, in the same transaction). Answers the secret once.
pub(super) fn create_credentials(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Create {
        account: AccountId,
        #[serde(default)]
        user: Option<String>,
        #[serde(default)]
        policies: Option<Vec<InlinePolicy>>,
        #[serde(default)]
        managed_policies: Option<Vec<String>>,
    }
    let shape = r#"{"account": "<12-digit AWS account id>", "user": "<IAM user name, optional>", "policies": [...], "managed_policies": [...]}"#;
    let Create { account, user, policies, managed_policies } = command(&call.input, shape)?;
    if user.is_none() && (policies.is_some() || managed_policies.is_some()) {
        return Err(AdminError::BadRequest("policies and managed_policies need a user".into()));
    }
    let now = wall_ms();
    let (record, secret) = new_key_pair(&state.credentials.key, &account, user.as_deref(), now);
    write(state.store.as_ref(), |tx| {
        if let Some(name) = &user {
            let existing = tx.iam_user(&account, name)?;
            if policies.is_some() || managed_policies.is_some() || existing.is_none() {
                let keep = existing.unwrap_or_else(|| empty_user(&account, name));
                let policies = policies.clone().unwrap_or(keep.policies);
                let managed = managed_policies.clone().unwrap_or(keep.managed_policies);
                iam_users::put(tx, &account, name, policies, managed, now)?;
            }
        }
        Ok(tx.insert_credential(&record)?)
    })?;
    let mut answer = json!({"access_key_id": record.access_key_id, "secret_access_key": secret, "account": account});
    if let Some(name) = &user {
        answer["user"] = json!(name);
        answer["arn"] = json!(user_arn(&account, name));
    }
    json_answer(answer)
}

fn empty_user(account: &AccountId, name: &str) -> pcentral_core::records::IamUser {
    pcentral_core::records::IamUser {
        account: account.clone(),
        name: name.to_string(),
        policies: Vec::new(),
        managed_policies: Vec::new(),
        version: 0,
        updated_at: 0,
    }
}

/// `{"account", "user", "policies", "managed_policies"}`: create the user or replace its policies.
pub(super) fn put_user(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Put {
        account: AccountId,
        user: String,
        #[serde(default)]
        policies: Vec<InlinePolicy>,
        #[serde(default)]
        managed_policies: Vec<String>,
    }
    let Put { account, user, policies, managed_policies } = command(&call.input, USER_SHAPE)?;
    let stored = write(state.store.as_ref(), |tx| {
        iam_users::put(tx, &account, &user, policies.clone(), managed_policies.clone(), wall_ms())
    })?;
    json_answer(user_view(&stored))
}

fn user_view(u: &pcentral_core::records::IamUser) -> Value {
    json!({
        "account": u.account, "user": u.name, "arn": u.arn(), "policies": u.policies,
        "managed_policies": u.managed_policies, "version": u.version,
        "updated_at": timestamp::format(u.updated_at),
    })
}

/// Every IAM user with its policies.
pub(super) fn users(state: &AppState, _: &Call<'_>) -> Answer {
    let list = read(state.store.as_ref(), |tx| Ok(tx.iam_users()?))?;
    json_answer(json!({"users": list.iter().map(user_view).collect::<Vec<_>>()}))
}

/// `{"account", "user"}`: remove the user; its key pairs stay and are denied everything.
pub(super) fn delete_user(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Delete {
        account: AccountId,
        user: String,
    }
    let Delete { account, user } = command(&call.input, r#"{"account": "<12-digit account>", "user": "<name>"}"#)?;
    let removed = write(state.store.as_ref(), |tx| Ok(tx.delete_iam_user(&account, &user)?))?;
    if !removed {
        return Err(ToolError::NotFound(format!("no IAM user {user} in account {account}")).into());
    }
    json_answer(json!({"removed": 1, "account": account, "user": user}))
}

/// The policy simulator: for a stored user (`account` and `user`) or given
/// policies, decide each of `actions` on each of `resources` (default `*`)
/// with the `context` keys given (plus the principal's keys for a user).
pub(super) fn simulate(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Simulate {
        #[serde(default)]
        account: Option<AccountId>,
        #[serde(default)]
        user: Option<String>,
        #[serde(default)]
        policies: Option<Vec<InlinePolicy>>,
        #[serde(default)]
        managed_policies: Option<Vec<String>>,
        actions: Vec<String>,
        #[serde(default)]
        resources: Vec<String>,
        #[serde(default)]
        context: serde_json::Map<String, Value>,
    }
    let shape = r#"{"account", "user"} or {"policies", "managed_policies"}, with "actions": [...], "resources": [...], "context": {"partnercentral:Catalog": "Sandbox"}"#;
    let s: Simulate = command(&call.input, shape)?;
    let given = s.policies.is_some() || s.managed_policies.is_some();
    let set = match (&s.account, &s.user, given) {
        (Some(account), Some(user), false) => {
            let stored = read(state.store.as_ref(), |tx| Ok(tx.iam_user(account, user)?))?;
            let Some(stored) = stored else {
                return Err(ToolError::NotFound(format!("no IAM user {user} in account {account}")).into());
            };
            iam_users::policies(&stored).map_err(|e| AdminError::BadRequest(e.to_string()))?
        }
        (_, None, true) => {
            let inline = s.policies.clone().unwrap_or_default();
            let inline: Vec<(&str, &Value)> = inline.iter().map(|p| (p.name.as_str(), &p.document)).collect::<Vec<_>>();
            let managed = s.managed_policies.clone().unwrap_or_default();
            let managed: Vec<&str> = managed.iter().map(String::as_str).collect();
            PolicySet::build(&inline, &managed).map_err(|e| AdminError::BadRequest(e.to_string()))?
        }
        _ => return Err(AdminError::BadRequest(format!("expected {shape}"))),
    };
    let mut ctx = Context::new();
    if let (Some(account), Some(user)) = (&s.account, &s.user) {
        ctx.set("aws:PrincipalAccount", account.to_string());
        ctx.set("aws:PrincipalArn", user_arn(account, user));
        ctx.set("aws:username", user.clone());
    }
    for (key, value) in &s.context {
        match value {
            Value::String(v) => ctx.set(key.clone(), v.clone()),
            Value::Bool(_) | Value::Number(_) => ctx.set(key.clone(), value.to_string()),
            Value::Array(values) => ctx.set_all(
                key.clone(),
                values.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect(),
            ),
            _ => return Err(AdminError::BadRequest(format!("context {key}: a string, number, boolean or list"))),
        }
    }
    let resources = if s.resources.is_empty() { vec!["*".to_string()] } else { s.resources.clone() };
    let mut results = Vec::new();
    for action in &s.actions {
        for resource in &resources {
            let out = set.evaluate(&Request { action, resource, context: &ctx });
            results.push(
                json!({"action": action, "resource": resource, "decision": out.decision, "statement": out.statement}),
            );
        }
    }
    json_answer(json!({"results": results}))
}
