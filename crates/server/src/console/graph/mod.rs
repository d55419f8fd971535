//! One catalog as a graph: accounts (with their partners) as nodes on a
//! circle, one edge per connection type coloured by its status, and open or
//! expired invitations as dashed edges, and each engagement (Selling API)
//! as an edge from its creator to every other member. The SVG is drawn on the server, so it
//! shows without JavaScript; every node and edge is a link that selects it,
//! and the selected record and its history show beside the graph (a stable
//! URL per selection). Where the nodes and the labels go is `layout`'s.

mod layout;

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use pcentral_core::records::{Connection, Engagement, EngagementMembership, Invitation, Partner};
use pcentral_core::store::{AdminConnectionQuery, AdminInvitationQuery, AdminPartnerQuery, TypeFilter};
use pcentral_core::{invitations, verification, OpResult, Tx};
use pcentral_model::account::{InvitationStatus, VerificationType};
use pcentral_model::{timestamp, AccountId, Catalog, ConnectionId, EngagementId, InvitationId, Millis};

use super::common::{self, catalog_path, href, Html, PageError, QueryString};
use super::pages::{accounts, connections, engagements, partners};
use super::view::{css_name, Cell, Edge, Graph, Node, Section};
use layout::{Curve, Placed, Point, CAPTION_CELLS};

/// Records drawn at most, per kind.
const DRAWN: usize = 200;

/// What a graph URL selects: `account:…`, `connection:…` or `invitation:…`.
enum Selection {
    Account(AccountId),
    Connection(ConnectionId),
    Invitation(InvitationId),
    Engagement(EngagementId),
}

impl Selection {
    fn parse(text: &str) -> Result<Selection, PageError> {
        let bad = |m: String| PageError { status: 400, message: format!("select: {m}") };
        match text.split_once(':') {
            Some(("account", id)) => AccountId::parse(id).map(Selection::Account).map_err(|e| bad(e.to_string())),
            Some(("connection", id)) => {
                ConnectionId::parse(id).map(Selection::Connection).map_err(|e| bad(e.to_string()))
            }
            Some(("invitation", id)) => {
                InvitationId::parse(id).map(Selection::Invitation).map_err(|e| bad(e.to_string()))
            }
            Some(("engagement", id)) => {
                EngagementId::parse(id).map(Selection::Engagement).map_err(|e| bad(e.to_string()))
            }
            _ => Err(bad("expected account:ID, connection:ID, invitation:ID or engagement:ID".into())),
        }
    }
}

/// What the graph of a catalog is drawn from.
struct Drawn {
    partners: BTreeMap<AccountId, (Partner, String, bool)>,
    connections: Vec<Connection>,
    invitations: Vec<Invitation>,
    /// Engagements with their members (in joining order).
    engagements: Vec<(Engagement, Vec<EngagementMembership>)>,
    /// Per account: business and registrant verification status, if any.
    verifications: BTreeMap<AccountId, [Option<String>; 2]>,
    names: BTreeMap<AccountId, String>,
}

fn load(tx: &mut dyn Tx, catalog: Catalog, now: Millis) -> OpResult<Drawn> {
    let mut partners = BTreeMap::new();
    let found =
        tx.admin_partners(&AdminPartnerQuery { catalog, account: None, name: None, after: None, limit: DRAWN })?;
    for p in found {
        let (display, published) = partners::profile_of(tx, &p, now)?;
        partners.insert(p.account.clone(), (p, display, published));
    }
    let connections = tx.admin_connections(&AdminConnectionQuery {
        catalog,
        account: None,
        types: TypeFilter::Any,
        after: None,
        limit: DRAWN,
    })?;
    let mut invitations = Vec::new();
    for status in [InvitationStatus::Pending, InvitationStatus::Expired] {
        invitations.extend(tx.admin_invitations(&AdminInvitationQuery {
            catalog,
            account: None,
            connection_type: None,
            status: Some(status),
            now,
            after: None,
            limit: DRAWN,
        })?);
    }
    let mut engagements = Vec::new();
    for e in tx.admin_engagements(catalog, None, None, DRAWN)? {
        let members = tx.engagement_members(catalog, &e.id, None, DRAWN)?;
        engagements.push((e, members));
    }
    let mut accounts: BTreeSet<AccountId> = partners.keys().cloned().collect();
    accounts.extend(engagements.iter().flat_map(|(_, members)| members.iter().map(|m| m.account.clone())));
    accounts.extend(connections.iter().flat_map(|c| c.participants.iter().cloned()));
    accounts.extend(invitations.iter().flat_map(|i| [i.sender_account.clone(), i.receiver_account.clone()]));
    let mut verifications = BTreeMap::new();
    let mut names = BTreeMap::new();
    for account in &accounts {
        let mut states = [None, None];
        for (slot, kind) in
            [VerificationType::BusinessVerification, VerificationType::RegistrantVerification].into_iter().enumerate()
        {
            if let Some(v) = tx.verification(account, kind)? {
                states[slot] = Some(verification::state(&v, now).status.as_str().to_string());
            }
        }
        verifications.insert(account.clone(), states);
        if let Some(name) = tx.account(account)?.and_then(|a| a.display_name) {
            names.insert(account.clone(), name);
        }
    }
    Ok(Drawn { partners, connections, invitations, engagements, verifications, names })
}

fn short_status(status: &Option<String>) -> &str {
    status.as_deref().unwrap_or("none")
}

/// `GET …/catalogs/{catalog}/graph[?select=kind:id]`.
pub fn page(state: &crate::app::AppState, catalog: Catalog, q: &QueryString<'_>) -> Html {
    let selection = q.get("select").map(|s| Selection::parse(&s)).transpose()?;
    let graph_path = catalog_path(catalog, "graph");
    let select_href = |key: &str| href(&graph_path, &[("select", Some(key.to_string()))]);
    let ((drawn, selected), now) = common::read(state, |tx, now| {
        let drawn = load(tx, catalog, now)?;
        let selected = match &selection {
            None => Vec::new(),
            Some(s) => selected_sections(tx, catalog, s, now)?,
        };
        Ok((drawn, selected))
    })?;

    let accounts: Vec<AccountId> = drawn.verifications.keys().cloned().collect();
    let (points, width, height) = layout::positions(accounts.len());
    let at: BTreeMap<&AccountId, Point> = accounts.iter().zip(points.iter().copied()).collect();
    let selected_key = q.get("select").unwrap_or_default();

    let mut node_boxes = Vec::new();
    let nodes: Vec<Node> = accounts
        .iter()
        .zip(&points)
        .map(|(account, p)| {
            let key = format!("account:{account}");
            let [business, registrant] = drawn.verifications.get(account).cloned().unwrap_or_default();
            let verified = match (&business, &registrant) {
                (None, None) => vec!["not verified".to_string()],
                _ => vec![
                    format!("business {}", short_status(&business)),
                    format!("registrant {}", short_status(&registrant)),
                ],
            };
            let (mut full, class) = match drawn.partners.get(account) {
                Some((partner, display, published)) => (
                    vec![
                        display.clone(),
                        partner.legal_name.clone(),
                        format!("account {account}"),
                        if *published { partner.profile_id.to_string() } else { "draft profile".to_string() },
                    ],
                    if *published { "published" } else { "draft" },
                ),
                None => (
                    vec![
                        drawn.names.get(account).cloned().unwrap_or_else(|| account.to_string()),
                        format!("account {account}"),
                        "no partner in this catalog".to_string(),
                    ],
                    "no-partner",
                ),
            };
            full.extend(verified);
            let lines: Vec<String> = full.iter().map(|l| layout::shorten(l, CAPTION_CELLS)).collect();
            node_boxes.push(layout::node_box(*p, &lines));
            let class = if key == selected_key { format!("{class} selected") } else { class.to_string() };
            Node {
                href: select_href(&key),
                key,
                x: p.x.round() as i64,
                y: p.y.round() as i64,
                class,
                title: full.join("\n"),
                lines,
            }
        })
        .collect();

    // Every edge between a pair, in a stable order, then bent apart.
    // (key, CSS class, label) of each edge, by pair.
    type Edges = Vec<(String, String, String)>;
    let mut pairs: BTreeMap<(AccountId, AccountId), Edges> = BTreeMap::new();
    for c in &drawn.connections {
        let pair = ordered(&c.participants[0], &c.participants[1]);
        for (kind, entry) in &c.types {
            let label = format!("{} {}", kind.as_str(), entry.status.as_str());
            let class = format!("connection s-{}", css_name(entry.status.as_str()));
            pairs.entry(pair.clone()).or_default().push((format!("connection:{}", c.id), class, label));
        }
    }
    for i in &drawn.invitations {
        let (status, _) = invitations::effective_status(i, now);
        let pair = ordered(&i.sender_account, &i.receiver_account);
        let label =
            format!("{} {} · expires {}", i.connection_type.as_str(), status.as_str(), timestamp::format(i.expires_at));
        let class = format!("invitation s-{}", css_name(status.as_str()));
        pairs.entry(pair).or_default().push((format!("invitation:{}", i.id), class, label));
    }
    for (e, members) in &drawn.engagements {
        let label = format!("ENGAGEMENT {}", e.title.clone().unwrap_or_else(|| e.id.to_string()));
        for m in members.iter().filter(|m| m.account != e.created_by) {
            let pair = ordered(&e.created_by, &m.account);
            pairs.entry(pair).or_default().push((format!("engagement:{}", e.id), "engagement".into(), label.clone()));
        }
    }
    let mut curves = Vec::new();
    for ((a, b), list) in &pairs {
        let (Some(pa), Some(pb)) = (at.get(a), at.get(b)) else { continue };
        let middle = (list.len() as f64 - 1.0) / 2.0;
        for (j, (key, class, label)) in list.iter().enumerate() {
            curves.push((Curve::new(*pa, *pb, (j as f64 - middle) * 46.0), key, class, label));
        }
    }
    let labelled: Vec<(Curve, &str)> = curves.iter().map(|(curve, _, _, label)| (*curve, label.as_str())).collect();
    let placed = layout::place_labels(width, height, node_boxes, &labelled);
    let edges = curves
        .iter()
        .zip(placed)
        .map(|((curve, key, class, label), placed)| {
            let class = if **key == selected_key { format!("{class} selected") } else { class.to_string() };
            let Placed { text, at } = placed.unwrap_or(Placed { text: String::new(), at: Point { x: 0.0, y: 0.0 } });
            Edge {
                href: select_href(key),
                key: key.to_string(),
                path: curve.path(),
                class,
                title: label.to_string(),
                label: text,
                label_x: at.x.round() as i64,
                label_y: at.y.round() as i64,
            }
        })
        .collect();
    let graph = Graph {
        layout: common::layout(format!("{catalog} graph"), "graph", now),
        catalog: catalog.as_str(),
        width: width as i64,
        height: height as i64,
        nodes,
        edges,
        selected,
    };
    Ok(graph.render()?)
}

fn ordered(a: &AccountId, b: &AccountId) -> (AccountId, AccountId) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// The record a selection names, with its history, and a link to its page.
fn selected_sections(tx: &mut dyn Tx, catalog: Catalog, s: &Selection, now: Millis) -> OpResult<Vec<Section>> {
    let (mut sections, page) = match s {
        Selection::Account(account) => match tx.partner_by_account(catalog, account)? {
            Some(p) => {
                let page = catalog_path(catalog, &format!("partners/{}", p.id));
                (partners::partner_sections(tx, &p, now)?, page)
            }
            None => (accounts::account_sections(tx, account, now)?, format!("{}/accounts/{account}", super::PREFIX)),
        },
        Selection::Connection(id) => match tx.connection(catalog, id)? {
            Some(c) => (connections::connection_sections(tx, &c)?, catalog_path(catalog, &format!("connections/{id}"))),
            None => (Vec::new(), String::new()),
        },
        Selection::Engagement(id) => match tx.engagement(catalog, id)? {
            Some(e) => (engagements::sections(tx, &e, now)?, catalog_path(catalog, &format!("engagements/{id}"))),
            None => (Vec::new(), String::new()),
        },
        Selection::Invitation(id) => match tx.invitation(catalog, id)? {
            Some(i) => {
                (connections::invitation_sections(tx, &i, now)?, catalog_path(catalog, &format!("invitations/{id}")))
            }
            None => (Vec::new(), String::new()),
        },
    };
    if let Some(first) = sections.first_mut() {
        first.links.push(Cell::link("open the record's page", page));
    } else {
        sections.push(Section { note: "The selected record no longer exists.".into(), ..Section::default() });
    }
    Ok(sections)
}
