//! The overview: every catalog's partners and connections at a glance.

use pcentral_core::store::{AdminConnectionQuery, AdminPartnerQuery, TypeFilter};
use pcentral_model::Catalog;

use super::connections::{connection_row, CONNECTION_HEADERS};
use super::partners::{partner_row, PARTNER_HEADERS};
use crate::app::AppState;
use crate::console::common::{catalog_path, page, read, Html, PAGE_SIZE};
use crate::console::view::{Cell, Section, Table};

/// `GET /_pcentral/ui/`: per catalog, its partners and connections (a page of each).
pub fn overview(state: &AppState) -> Html {
    let (sections, now) = read(state, |tx, now| {
        let mut sections = Vec::new();
        for catalog in [Catalog::Sandbox, Catalog::Aws] {
            let partners = tx.admin_partners(&AdminPartnerQuery {
                catalog,
                account: None,
                name: None,
                after: None,
                limit: PAGE_SIZE + 1,
            })?;
            let more_partners = partners.len() > PAGE_SIZE;
            let mut rows = Vec::new();
            for p in partners.iter().take(PAGE_SIZE) {
                rows.push(partner_row(tx, p, now)?);
            }
            sections.push(Section {
                heading: format!("{catalog}: partners"),
                table: Some(Table {
                    headers: PARTNER_HEADERS.to_vec(),
                    rows,
                    empty: "No partners.",
                    next: more_partners.then(|| catalog_path(catalog, "partners")),
                    ..Table::default()
                }),
                links: vec![
                    Cell::link(format!("{catalog} graph"), catalog_path(catalog, "graph")),
                    Cell::link("all partners", catalog_path(catalog, "partners")),
                ],
                ..Section::default()
            });
            let connections = tx.admin_connections(&AdminConnectionQuery {
                catalog,
                account: None,
                types: TypeFilter::Any,
                after: None,
                limit: PAGE_SIZE + 1,
            })?;
            sections.push(Section {
                heading: format!("{catalog}: connections"),
                table: Some(Table {
                    headers: CONNECTION_HEADERS.to_vec(),
                    rows: connections.iter().take(PAGE_SIZE).map(connection_row).collect(),
                    empty: "No connections.",
                    next: (connections.len() > PAGE_SIZE).then(|| catalog_path(catalog, "connections")),
                    ..Table::default()
                }),
                links: vec![
                    Cell::link("all connections", catalog_path(catalog, "connections")),
                    Cell::link("invitations", catalog_path(catalog, "invitations")),
                ],
                ..Section::default()
            });
        }
        Ok(sections)
    })?;
    page("Overview", "overview", now, sections)
}
