//! API flows many tests start from: partners and profiles, invitations and
//! connections (catalog Sandbox unless a catalog is named).

use pcentral_model::{AccountId, Catalog};
use serde_json::{json, Value};

use super::{Harness, SANDBOX};

/// What every test invitation says.
pub const INVITATION_MESSAGE: &str = "Let's work\ntogether";

/// A CreatePartner input.
pub fn partner_input(catalog: &str, legal_name: &str, email: &str, code: &str) -> Value {
    json!({
        "Catalog": catalog, "LegalName": legal_name, "PrimarySolutionType": "SOFTWARE_PRODUCTS",
        "AllianceLeadContact": {"FirstName": "Ana", "LastName": "Lee", "Email": email, "BusinessTitle": "Lead"},
        "EmailVerificationCode": code
    })
}

/// Profile update task details named `display`.
pub fn task_details(display: &str) -> Value {
    json!({
        "DisplayName": display, "Description": "About us", "WebsiteUrl": "https://example.com",
        "LogoUrl": "https://example.com/logo.png", "PrimarySolutionType": "CONSULTING_SERVICES",
        "IndustrySegments": ["COMPUTER_SOFTWARE"], "TranslationSourceLocale": "en-US"
    })
}

/// A CreateConnectionInvitation input (catalog Sandbox).
pub fn invitation_input(kind: &str, to: &str) -> Value {
    json!({"Catalog": SANDBOX, "ConnectionType": kind, "Email": "ana@example.com", "Message": INVITATION_MESSAGE,
           "Name": "Ana Lee", "ReceiverIdentifier": to})
}

/// The `Id`s of the items of `list[member]`, in order.
pub fn ids_of(list: &Value, member: &str) -> Vec<String> {
    let items = list[member].as_array().unwrap_or_else(|| panic!("no {member} in {list}"));
    items.iter().map(|i| i["Id"].as_str().unwrap().to_string()).collect()
}

/// A partner with a published profile.
#[derive(Debug, Clone)]
pub struct Published {
    /// `partner-…`
    pub id: String,
    /// `pprofile-…`
    pub profile_id: String,
}

impl Harness {
    /// A Sandbox partner of `account` (legal name `Legal <account>`, lead
    /// `lead@<account>.example.com`), unpublished; answers CreatePartner.
    pub fn create_partner(&mut self, account: &str) -> Value {
        self.create_partner_in(account, SANDBOX, &format!("Legal {account}"), &format!("lead@{account}.example.com"))
    }

    /// A partner of `account` in `catalog`, with the code the alliance lead's
    /// address needs there (see [`Harness::email_code`]); answers CreatePartner.
    pub fn create_partner_in(&mut self, account: &str, catalog: &str, legal_name: &str, email: &str) -> Value {
        let code = self.email_code(account, catalog, email);
        self.ok(account, "CreatePartner", partner_input(catalog, legal_name, email, &code))
    }

    /// Publish the profile of `account`'s partner `partner_id` with a
    /// profile update task named `display` (with the default delay it
    /// succeeds at once); answers the `pprofile-…` id.
    pub fn publish_profile(&mut self, account: &str, catalog: &str, partner_id: &str, display: &str) -> String {
        let start = json!({"Catalog": catalog, "Identifier": partner_id, "TaskDetails": task_details(display)});
        self.ok(account, "StartProfileUpdateTask", start);
        let visibility =
            self.ok(account, "GetProfileVisibility", json!({"Catalog": catalog, "Identifier": partner_id}));
        visibility["ProfileId"].as_str().unwrap().to_string()
    }

    /// A Sandbox partner of `account` (legal name `Legal <display>`) with a
    /// profile published as `display`.
    pub fn published_partner(&mut self, account: &str, display: &str) -> Published {
        let legal_name = format!("Legal {display}");
        let partner = self.create_partner_in(account, SANDBOX, &legal_name, &format!("lead@{account}.example.com"));
        let id = partner["Id"].as_str().unwrap().to_string();
        let profile_id = self.publish_profile(account, SANDBOX, &id, display);
        Published { id, profile_id }
    }

    /// The profile id reserved at creation by `account`'s Sandbox partner
    /// (published or not), read from the store.
    pub fn reserved_profile_id(&self, account: &str) -> String {
        let account = AccountId::parse(account).unwrap();
        let partner = self.read(|tx| Ok(tx.partner_by_account(Catalog::Sandbox, &account)?));
        partner.expect("the account has a partner").profile_id.to_string()
    }

    /// `from` invites `to` to a connection of `kind`; answers the sender's view.
    pub fn invite(&mut self, from: &str, kind: &str, to: &str) -> Value {
        self.ok(from, "CreateConnectionInvitation", invitation_input(kind, to))
    }

    /// [`Harness::invite`], answering the invitation id.
    pub fn invitation_id(&mut self, from: &str, kind: &str, to: &str) -> String {
        self.invite(from, kind, to)["Id"].as_str().unwrap().to_string()
    }

    /// `account` accepts invitation `id`; answers the connection (its view).
    pub fn accept(&mut self, account: &str, id: &str) -> Value {
        let accepted = self.ok(account, "AcceptConnectionInvitation", json!({"Catalog": SANDBOX, "Identifier": id}));
        accepted["Connection"].clone()
    }

    /// `from` invites `receiver` (as `to` knows itself: a profile or account
    /// id) to a connection of `kind` and `to` accepts; answers the connection id.
    pub fn connect(&mut self, from: &str, kind: &str, to: &str, receiver: &str) -> String {
        let invitation = self.invitation_id(from, kind, receiver);
        self.accept(to, &invitation)["Id"].as_str().unwrap().to_string()
    }

    /// `account`'s view of invitation `id`.
    pub fn get_invitation(&mut self, account: &str, id: &str) -> Value {
        self.ok(account, "GetConnectionInvitation", json!({"Catalog": SANDBOX, "Identifier": id}))
    }

    /// `account`'s view of connection `id`.
    pub fn get_connection(&mut self, account: &str, id: &str) -> Value {
        self.ok(account, "GetConnection", json!({"Catalog": SANDBOX, "Identifier": id}))
    }
}
