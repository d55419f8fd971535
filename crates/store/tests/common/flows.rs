//! API flows many tests start from: partners and profiles, invitations and
//! connections (catalog Sandbox unless a catalog is named), and the records
//! an admin configures (accounts, key pairs).

use pcentral_core::records::{AccountRecord, SellerProfile, StoredCredential};
use pcentral_model::{AccountId, Catalog, Millis};
use serde_json::{json, Value};

use super::{seal, Harness, A, B, SANDBOX, SUB};

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

/// `{"Catalog": "Sandbox"}` plus the members of `extra`.
pub fn sandbox(extra: Value) -> Value {
    let mut input = json!({"Catalog": SANDBOX});
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

/// The input naming record `identifier` of `catalog`.
pub fn in_catalog(catalog: &str, identifier: &str) -> Value {
    json!({"Catalog": catalog, "Identifier": identifier})
}

/// The input naming record `identifier` of catalog Sandbox.
pub fn sandbox_id(identifier: &str) -> Value {
    in_catalog(SANDBOX, identifier)
}

/// The input naming `partner` (a CreatePartner response) in catalog Sandbox.
pub fn on_partner(partner: &Value) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner["Id"]})
}

/// A StartProfileUpdateTask input for `partner` (a CreatePartner response).
pub fn start_task(partner: &Value, display: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner["Id"], "TaskDetails": task_details(display)})
}

/// A harness at `wall` where A created "Alpha" in Sandbox; answers CreatePartner's response.
pub fn alpha_draft(wall: Millis) -> (Harness, Value) {
    let mut h = Harness::new(wall);
    let p = h.ok(A, "CreatePartner", partner_input(SANDBOX, "Alpha", "a@alpha.example", "000000"));
    (h, p)
}

/// A harness at `wall` where A and B have published profiles "Alpha Display"
/// and "Beta Display": (harness, A's profile id, B's).
pub fn two_partners(wall: Millis) -> (Harness, String, String) {
    let mut h = Harness::new(wall);
    let pa = h.published_partner(A, "Alpha Display").profile_id;
    let pb = h.published_partner(B, "Beta Display").profile_id;
    (h, pa, pb)
}

/// A harness at `wall` whose CreatePartner in AWS checks email codes but not
/// verification (covered in verification.rs).
pub fn codes_only(wall: Millis) -> Harness {
    let mut h = Harness::new(wall);
    h.settings.require_verification_for_aws_catalog = false;
    h
}

/// A wrong code: 6 digits, not `code`.
pub fn other_than(code: &str) -> &'static str {
    if code == "111111" {
        "222222"
    } else {
        "111111"
    }
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
    /// A's Sandbox partner "Alpha" (lead `lead@alpha.example`); answers CreatePartner.
    pub fn create_alpha(&mut self) -> Value {
        self.create_partner_in(A, SANDBOX, "Alpha", "lead@alpha.example")
    }

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

/// A test account id.
pub fn account(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

/// `account`'s partner in `catalog` (legal name `Legal <account> <catalog>`),
/// created with the ClientToken `create-<account>-<catalog>`.
pub fn partner(h: &mut Harness, account: &str, catalog: &str) -> Value {
    let email = format!("lead@{account}.example.com");
    let code = h.email_code(account, catalog, &email);
    let mut input = partner_input(catalog, &format!("Legal {account} {catalog}"), &email, &code);
    input["ClientToken"] = json!(format!("create-{account}-{catalog}"));
    h.ok(account, "CreatePartner", input)
}

/// A (published "Alpha") links B (an unpublished partner) as a SUBSIDIARY in
/// `catalog`, B accepting with ClientToken `accept`: (the invitation id, the Accept response).
pub fn subsidiary_in(h: &mut Harness, catalog: &str, accept: &str) -> (String, Value) {
    let a = partner(h, A, catalog)["Id"].as_str().unwrap().to_string();
    h.publish_profile(A, catalog, &a, "Alpha");
    partner(h, B, catalog);
    let mut invitation = invitation_input(SUB, B);
    invitation["Catalog"] = json!(catalog);
    let inv = h.ok(A, "CreateConnectionInvitation", invitation)["Id"].as_str().unwrap().to_string();
    let accepted =
        h.ok(B, "AcceptConnectionInvitation", json!({"Catalog": catalog, "Identifier": inv, "ClientToken": accept}));
    (inv, accepted)
}

/// [`subsidiary_in`] Sandbox; answers the connection id.
pub fn subsidiary_connection(h: &mut Harness) -> String {
    subsidiary_in(h, SANDBOX, "accept").1["Connection"]["Id"].as_str().unwrap().to_string()
}

/// A registered key pair of `account`, its secret sealed by [`seal`].
pub fn credential(key: &str, account: &str, secret: &str, created_at: Millis) -> StoredCredential {
    StoredCredential {
        access_key_id: key.into(),
        account: AccountId::parse(account).unwrap(),
        secret_encrypted: seal(secret),
        created_at,
        user: None,
    }
}

/// A configured account: its display name and seller profile (id, name).
pub fn account_record(id: &str, display_name: Option<&str>, seller: Option<(&str, &str)>) -> AccountRecord {
    AccountRecord {
        account: account(id),
        display_name: display_name.map(str::to_string),
        seller_profile: seller.map(|(id, name)| SellerProfile { id: id.into(), name: name.into() }),
    }
}
