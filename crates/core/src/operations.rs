//! Running one API operation: service time, idempotency, and the table of
//! handlers. The server validates the input against the model first; this
//! module takes over from there, inside one store transaction.
//!
//! Every handler is `fn(&mut Ctx, Input) -> OpResult<Output>` with the
//! operation's generated wire types; [`handler`] registers one with one line,
//! and the input type says which operation it serves.

use std::sync::LazyLock;

use pcentral_model::{
    with_defaults, ApiError, Catalog, ErrorKind, Millis, Operation, OperationInput, Service, WireJson,
};
use serde_json::Value;

use crate::clock;
use crate::ctx::{Caller, Ctx, Ids};
use crate::fingerprint::fingerprint;
use crate::records::IdempotencyRecord;
use crate::settings::{ms, Settings, HOUR_MS};
use crate::store::{OpResult, Tx};
use crate::{
    alliance, bulk_jobs, connections, customer_accounts, domains, engagements, invitations, opportunities, preferences,
    profiles, qualifications, registration, selling_settings, solutions, tags, verification,
};

/// The answer of [`execute`], and whether it was a replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The answer's JSON text, as the client gets it.
    pub response: WireJson,
    /// The answer was replayed from a stored ClientToken record (nothing ran).
    pub replayed: bool,
}

/// One call on its way through [`execute`].
struct Call<'a, 'b> {
    ctx: Ctx<'a>,
    operation: Operation,
    input: &'b Value,
}

type Run = Box<dyn Fn(&mut Call<'_, '_>) -> OpResult<Outcome> + Send + Sync>;

/// A registered handler.
struct Entry {
    operation: Operation,
    run: Run,
}

/// Register `handle`: decode the input (absent members with a Smithy
/// `default` take it) into its type, answer a repeated
/// ClientToken from the stored record, run, write the output's JSON text
/// (once, straight from the typed output), and store that text for the token.
fn handler<I>(handle: fn(&mut Ctx<'_>, I) -> OpResult<I::Output>) -> Entry
where
    I: OperationInput + 'static,
{
    let run: Run = Box::new(move |call: &mut Call<'_, '_>| {
        let input = I::deserialize(with_defaults(I::OPERATION, call.input))
            .map_err(|e| ApiError::serialization(format!("Unreadable request: {e}")))?;
        let token = input.client_token().map(str::to_string);
        let catalog = input.catalog();
        idempotent(call, token, catalog, |ctx| {
            let output = handle(ctx, input)?;
            let written =
                WireJson::write(&output).map_err(|e| ApiError::internal(format!("Unwritable answer: {e}")))?;
            debug_assert_eq!(written, as_through_a_value(&output), "{}: the wire's bytes changed", I::OPERATION);
            Ok(written)
        })
    });
    Entry { operation: I::OPERATION, run }
}

/// The handlers of `service`: one line per operation built. An operation
/// of the service's model without a line answers NotImplementedException.
fn handlers(service: Service) -> Vec<Entry> {
    match service {
        Service::Account => account_handlers(),
        Service::Selling => selling_handlers(),
    }
}

fn account_handlers() -> Vec<Entry> {
    vec![
        handler(registration::send_email_verification_code),
        handler(registration::create_partner),
        handler(registration::get_partner),
        handler(registration::list_partners),
        handler(profiles::start_profile_update_task),
        handler(profiles::get_profile_update_task),
        handler(profiles::cancel_profile_update_task),
        handler(profiles::get_profile_visibility),
        handler(profiles::put_profile_visibility),
        handler(preferences::get_connection_preferences),
        handler(preferences::update_connection_preferences),
        handler(invitations::create_connection_invitation),
        handler(invitations::get_connection_invitation),
        handler(invitations::list_connection_invitations),
        handler(invitations::accept_connection_invitation),
        handler(invitations::reject_connection_invitation),
        handler(invitations::cancel_connection_invitation),
        handler(connections::get_connection),
        handler(connections::list_connections),
        handler(connections::cancel_connection),
        handler(alliance::get_alliance_lead_contact),
        handler(alliance::put_alliance_lead_contact),
        handler(domains::associate_aws_training_certification_email_domain),
        handler(domains::disassociate_aws_training_certification_email_domain),
        handler(verification::start_verification),
        handler(verification::get_verification),
        handler(tags::tag_resource),
        handler(tags::untag_resource),
        handler(tags::list_tags_for_resource),
        handler(qualifications::start_qualifications_association_task),
        handler(qualifications::get_qualifications_association_task),
        handler(qualifications::start_qualifications_disassociation_task),
        handler(qualifications::get_qualifications_disassociation_task),
        handler(qualifications::get_qualifications_association_details),
    ]
}

fn selling_handlers() -> Vec<Entry> {
    vec![
        handler(opportunities::create_opportunity),
        handler(opportunities::get_opportunity),
        handler(opportunities::list_opportunities),
        handler(opportunities::update_opportunity),
        handler(opportunities::lifecycle::submit_opportunity),
        handler(opportunities::lifecycle::assign_opportunity),
        handler(opportunities::lifecycle::associate_opportunity),
        handler(opportunities::lifecycle::disassociate_opportunity),
        handler(opportunities::lifecycle::get_aws_opportunity_summary),
        handler(opportunities::tags::tag_resource),
        handler(opportunities::tags::untag_resource),
        handler(opportunities::tags::list_tags_for_resource),
        handler(opportunities::search::search_opportunities),
        handler(engagements::create_engagement),
        handler(engagements::get_engagement),
        handler(engagements::list_engagements),
        handler(engagements::list_engagement_members),
        handler(engagements::search::search_engagements),
        handler(engagements::groups::list_engagement_groups),
        handler(engagements::create_engagement_context),
        handler(engagements::update_engagement_context),
        handler(engagements::invitations::create_engagement_invitation),
        handler(engagements::invitations::get_engagement_invitation),
        handler(engagements::invitations::list_engagement_invitations),
        handler(engagements::invitations::accept_engagement_invitation),
        handler(engagements::invitations::reject_engagement_invitation),
        handler(selling_settings::get_selling_system_settings),
        handler(selling_settings::put_selling_system_settings),
        handler(solutions::list_solutions),
        handler(engagements::tasks::start_engagement_by_accepting_invitation_task),
        handler(engagements::tasks::list_engagement_by_accepting_invitation_tasks),
        handler(engagements::opportunity_tasks::start_opportunity_from_engagement_task),
        handler(engagements::opportunity_tasks::list_opportunity_from_engagement_tasks),
        handler(bulk_jobs::start_opportunity_bulk_job),
        handler(bulk_jobs::list_opportunity_bulk_jobs),
        handler(bulk_jobs::list_opportunity_bulk_job_results),
        handler(bulk_jobs::get_opportunity_bulk_job_report_url),
        handler(engagements::from_opportunity::start_engagement_from_opportunity_task),
        handler(engagements::from_opportunity::list_engagement_from_opportunity_tasks),
        handler(bulk_jobs::customer_accounts::start_customer_account_bulk_job),
        handler(bulk_jobs::customer_accounts::get_customer_account_bulk_job),
        handler(bulk_jobs::customer_accounts::list_customer_account_bulk_jobs),
        handler(bulk_jobs::customer_accounts::list_customer_account_bulk_job_results),
        handler(bulk_jobs::customer_accounts::get_customer_account_bulk_job_report_url),
        handler(customer_accounts::create_customer_account),
        handler(customer_accounts::get_customer_account),
        handler(customer_accounts::update_customer_account),
        handler(customer_accounts::delete_customer_account),
        handler(customer_accounts::search::search_customer_accounts),
        handler(customer_accounts::search::get_customer_account_statistics),
        handler(engagements::snapshots::create_resource_snapshot),
        handler(engagements::snapshots::get_resource_snapshot),
        handler(engagements::snapshots::list_resource_snapshots),
        handler(engagements::snapshots::list_engagement_resource_associations),
        handler(engagements::jobs::create_resource_snapshot_job),
        handler(engagements::jobs::start_resource_snapshot_job),
        handler(engagements::jobs::stop_resource_snapshot_job),
        handler(engagements::jobs::get_resource_snapshot_job),
        handler(engagements::jobs::list_resource_snapshot_jobs),
        handler(engagements::jobs::delete_resource_snapshot_job),
        handler(engagements::prospecting::start_prospecting_from_engagement_task),
        handler(engagements::prospecting::list_prospecting_from_engagement_tasks),
        handler(engagements::prospecting::get_prospecting_from_engagement_task),
    ]
}

/// The table: the handlers of every service, by service.
static TABLE: LazyLock<Vec<Vec<Entry>>> = LazyLock::new(|| Service::ALL.into_iter().map(handlers).collect());

fn entry(operation: Operation) -> Option<&'static Entry> {
    TABLE.get(operation.service() as usize)?.iter().find(|e| e.operation == operation)
}

/// Operations the model marks read-only that pcentral still writes for:
/// a report URL's token is stored, so that every node answers it.
const WRITES_THOUGH_READ_ONLY: [Operation; 2] = [
    Operation::Selling(pcentral_model::selling::Operation::GetOpportunityBulkJobReportUrl),
    Operation::Selling(pcentral_model::selling::Operation::GetCustomerAccountBulkJobReportUrl),
];

/// Whether `operation` runs in a read transaction: what the model marks
/// read-only, but for [`WRITES_THOUGH_READ_ONLY`].
pub fn reads_only(operation: Operation) -> bool {
    operation.readonly() && !WRITES_THOUGH_READ_ONLY.contains(&operation)
}

/// Whether pcentral serves `operation`.
pub fn is_served(operation: Operation) -> bool {
    entry(operation).is_some()
}

/// The answer for an operation of the model that pcentral does not serve.
pub fn not_implemented(operation: Operation) -> ApiError {
    ApiError::new(ErrorKind::NotImplemented, format!("{operation} is not implemented by pcentral yet"))
}

/// Run `operation` (its input already validated against the model) for
/// `caller` inside the transaction `tx`.
///
/// Requests carrying a ClientToken are idempotent: the same token with the
/// same input replays the stored answer without running anything; with a
/// different input it is `ConflictException CONFLICT_CLIENT_TOKEN`
/// (docs/behaviour.md#idempotency).
pub fn execute(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    caller: &Caller,
    operation: Operation,
    input: &Value,
    wall: Millis,
    start_settings: &Settings,
) -> OpResult<Outcome> {
    let Some(entry) = entry(operation) else {
        return Err(not_implemented(operation).into());
    };
    let (now, state) = clock::service_now(tx, wall)?;
    let settings = state.settings_or(start_settings);
    let ctx = Ctx { tx, ids, caller, now, settings, pagination_key: &state.pagination_key };
    let mut call = Call { ctx, operation, input };
    (entry.run)(&mut call).map_err(|failure| match failure {
        crate::store::Failure::Api(e) => listed(operation, e).into(),
        other => other,
    })
}

/// Handlers only answer errors their operation lists in the model (tests
/// fail on any other; a release build answers InternalServerException).
fn listed(operation: Operation, e: ApiError) -> ApiError {
    if !e.kind.is_modeled() || operation.errors().contains(&e.kind) {
        return e;
    }
    debug_assert!(false, "{operation} answered {}, which the model does not list: {e}", e.kind.type_name());
    ApiError::internal(format!("{operation} failed"))
}

fn idempotent(
    call: &mut Call<'_, '_>,
    token: Option<String>,
    catalog: Option<Catalog>,
    run: impl FnOnce(&mut Ctx<'_>) -> OpResult<WireJson>,
) -> OpResult<Outcome> {
    let Some(token) = token else {
        return Ok(Outcome { response: run(&mut call.ctx)?, replayed: false });
    };
    let ctx = &mut call.ctx;
    let name = call.operation.name();
    let fp = fingerprint(call.input);
    if let Some(record) = ctx.tx.idempotency(&ctx.caller.account, name, &token)? {
        let live = record.created_at + ms(ctx.settings.idempotency_retention_hours, HOUR_MS) > ctx.now;
        if live {
            if record.fingerprint == fp {
                return Ok(Outcome { response: record.response, replayed: true });
            }
            let message = format!("ClientToken {token} was already used with different parameters");
            return Err(match call.operation.service() {
                Service::Account => {
                    ApiError::conflict(pcentral_model::errors::ConflictExceptionReason::ConflictClientToken, message)
                }
                // Selling's ConflictException has no Reason.
                Service::Selling => ApiError::of(Service::Selling, ErrorKind::Conflict, message),
            }
            .into());
        }
    }
    let record = IdempotencyRecord {
        account: ctx.caller.account.clone(),
        operation: name.to_string(),
        token,
        catalog,
        fingerprint: fp,
        response: run(ctx)?,
        created_at: ctx.now,
    };
    ctx.tx.put_idempotency(&record)?;
    Ok(Outcome { response: record.response, replayed: false })
}

/// The bytes an answer had when every answer was written through a
/// `serde_json::Value`: what [`WireJson::write`] must keep writing (checked
/// on every answer of every test in debug builds).
fn as_through_a_value<T: serde::Serialize>(output: &T) -> WireJson {
    WireJson::of_value(&serde_json::to_value(output).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_every_service_has_exactly_one_handler() {
        for service in Service::ALL {
            let table = &TABLE[service as usize];
            for op in service.operations() {
                assert_eq!(table.iter().filter(|e| e.operation == op).count(), 1, "{op}");
            }
            assert_eq!(table.len(), service.operations().len(), "{service:?}");
        }
    }

    #[test]
    fn each_service_table_holds_its_own_operations_once() {
        assert_eq!(TABLE.len(), Service::ALL.len());
        for service in Service::ALL {
            let table = &TABLE[service as usize];
            for e in table {
                assert_eq!(e.operation.service(), service, "{}", e.operation);
                assert_eq!(table.iter().filter(|x| x.operation == e.operation).count(), 1, "{}", e.operation);
            }
        }
    }

    #[test]
    fn the_answer_for_an_operation_without_a_handler_names_it() {
        // No operation lacks a handler today (the test above); a newer model's would.
        for op in Service::Selling.operations() {
            let e = not_implemented(op);
            assert_eq!((e.kind, e.status()), (ErrorKind::NotImplemented, 501));
            assert!(e.message.contains(op.name()), "{}", e.message);
        }
    }
}
