//! The one list page: a note, a filter form, one table of records a page at a
//! time, and (for a catalog's lists) links to the same list in each catalog.
//! A record kind configures it with data: its filters (query parameter,
//! label, choices, the value asked for), its columns and the query parameter
//! that carries the page position; and gives one function that reads a page
//! of rows. The form, the link to the next page (which keeps the filters) and
//! the table are made here, once.

use pcentral_core::{OpResult, Tx};
use pcentral_model::{Catalog, Millis};

use super::common::{catalog_path, href, page, read, Html, PAGE_SIZE};
use super::view::{Cell, Field, Filters, Section, Table};
use crate::app::AppState;

/// A filter of a list: a text box, or a select box when it has choices.
pub struct Filter {
    name: &'static str,
    label: &'static str,
    choices: Vec<&'static str>,
    /// The value asked for, as the list's links write it.
    value: Option<String>,
}

impl Filter {
    pub fn text(name: &'static str, label: &'static str, value: Option<String>) -> Filter {
        Filter { name, label, choices: Vec::new(), value }
    }

    /// A select box of `choices` (and "any").
    pub fn select(name: &'static str, label: &'static str, choices: &[&'static str], value: Option<String>) -> Filter {
        Filter { name, label, choices: choices.to_vec(), value }
    }

    fn field(&self) -> Field {
        if self.choices.is_empty() {
            Field::text(self.name, self.label, self.value.as_deref())
        } else {
            Field::select(self.name, self.label, &self.choices, self.value.as_deref())
        }
    }
}

/// A row of a list: the page position it ends (what the next page starts
/// after) and its cells.
pub type Row = (String, Vec<Cell>);

/// A list page, as data.
#[derive(Default)]
pub struct List {
    /// The list's URL path (the filter form's action).
    pub path: String,
    pub title: String,
    /// The navigation entry it belongs to.
    pub nav: &'static str,
    pub note: &'static str,
    pub filters: Vec<Filter>,
    pub headers: Vec<&'static str>,
    /// Shown when no row matches.
    pub empty: &'static str,
    /// The query parameter that carries the page position (`after` or `before`).
    pub position: &'static str,
    pub links: Vec<Cell>,
}

impl List {
    /// A list of a catalog's records at `…/catalogs/{catalog}/{rest}`, which
    /// is also its navigation entry, with links to the same list in each catalog.
    pub fn in_catalog(catalog: Catalog, rest: &'static str, title: &str) -> List {
        let mut links = vec![Cell::text("Catalog:")];
        links.extend(Catalog::ALL.iter().rev().map(|c| Cell::link(c.as_str(), catalog_path(*c, rest))));
        List {
            path: catalog_path(catalog, rest),
            title: format!("{catalog} {title}"),
            nav: rest,
            position: "after",
            links,
            ..List::default()
        }
    }

    /// The query parameters of the filters asked for, then `more`.
    pub fn params<'a>(&'a self, more: &[(&'a str, Option<String>)]) -> Vec<(&'a str, Option<String>)> {
        let mut params: Vec<(&str, Option<String>)> = self.filters.iter().map(|f| (f.name, f.value.clone())).collect();
        params.extend_from_slice(more);
        params
    }

    /// The list's section: its note, filter form and table, for `rows` as
    /// read (one more than a page when there is a next page).
    pub fn section(&self, mut rows: Vec<Row>) -> Section {
        let mut next = None;
        if rows.len() > PAGE_SIZE {
            rows.truncate(PAGE_SIZE);
            next = rows
                .last()
                .map(|(position, _)| href(&self.path, &self.params(&[(self.position, Some(position.clone()))])));
        }
        Section {
            note: self.note.into(),
            filters: Some(Filters {
                action: self.path.clone(),
                fields: self.filters.iter().map(Filter::field).collect(),
            }),
            table: Some(Table {
                headers: self.headers.clone(),
                rows: rows.into_iter().map(|(_, cells)| cells).collect(),
                empty: self.empty,
                next,
                ..Table::default()
            }),
            links: self.links.clone(),
            ..Section::default()
        }
    }

    /// The list page: `fetch` reads up to `limit` rows (a page and one more)
    /// in one read transaction at service time.
    pub fn render(
        self,
        state: &AppState,
        mut fetch: impl FnMut(&mut dyn Tx, Millis, usize) -> OpResult<Vec<Row>>,
    ) -> Html {
        let (rows, now) = read(state, |tx, now| fetch(tx, now, PAGE_SIZE + 1))?;
        let section = self.section(rows);
        page(self.title, self.nav, now, vec![section])
    }
}
