//! [`PartnersTx`]: partners with their domains index, profile update tasks,
//! email codes and the outbox.

use pcentral_core::records::{EmailCode, OutboxMessage, Partner, ProfileTask};
use pcentral_core::store::{AdminPartnerQuery, AdminProfileTaskQuery, ListedProfileTask, PartnersTx};
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog, PartnerId, ProfileId};

use super::{from_doc, like_pattern, limit, to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::{Db, Param};

impl<D: Db> SqlTx<'_, D> {
    /// Rewrite the partner's rows in `partner_domains`, whose key allows one
    /// partner per (catalog, domain).
    fn index_domains(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec("DELETE FROM partner_domains WHERE catalog = ?1 AND partner_id = ?2", p![p.catalog, p.id])?;
        for d in &p.domains {
            self.exec(
                "INSERT INTO partner_domains (catalog, domain, partner_id) VALUES (?1, ?2, ?3)",
                p![p.catalog, d.domain_name, p.id],
            )?;
        }
        Ok(())
    }
}

impl<D: Db> PartnersTx for SqlTx<'_, D> {
    fn partner_by_account(&mut self, catalog: Catalog, account: &AccountId) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND account = ?2", p![catalog, account])
    }

    fn partner_by_id(&mut self, catalog: Catalog, id: &PartnerId) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn partner_by_legal_name(&mut self, catalog: Catalog, legal_name_key: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND legal_name_key = ?2", p![catalog, legal_name_key])
    }

    fn partner_by_profile_id(
        &mut self,
        catalog: Catalog,
        profile_id: &ProfileId,
    ) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND profile_id = ?2", p![catalog, profile_id])
    }

    fn insert_partner(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO partners (catalog, id, account, legal_name_key, profile_id, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            p![p.catalog, p.id, p.account, pcentral_core::partners::legal_name_key(&p.legal_name), p.profile_id, to_doc(p)?],
        )?;
        self.index_domains(p)
    }

    fn update_partner(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec(
            "UPDATE partners SET legal_name_key = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            p![p.catalog, p.id, pcentral_core::partners::legal_name_key(&p.legal_name), to_doc(p)?],
        )?;
        self.index_domains(p)
    }

    fn partner_id_by_domain(&mut self, catalog: Catalog, domain: &str) -> Result<Option<PartnerId>, StoreError> {
        let id = self
            .db
            .texts("SELECT partner_id FROM partner_domains WHERE catalog = ?1 AND domain = ?2", p![catalog, domain])?
            .pop();
        id.map(|id| PartnerId::parse(&id).map_err(|e| StoreError::Backend(e.to_string()))).transpose()
    }

    fn profile_tasks(&mut self, partner_id: &PartnerId) -> Result<Vec<ProfileTask>, StoreError> {
        self.all("SELECT doc FROM profile_tasks WHERE partner_id = ?1 ORDER BY seq", p![partner_id])
    }

    fn insert_profile_task(&mut self, t: &ProfileTask) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO profile_tasks (partner_id, task_id, doc) VALUES (?1, ?2, ?3)",
            p![t.partner_id, t.task_id, to_doc(t)?],
        )?;
        Ok(())
    }

    fn update_profile_task(&mut self, t: &ProfileTask) -> Result<(), StoreError> {
        self.exec("UPDATE profile_tasks SET doc = ?2 WHERE task_id = ?1", p![t.task_id, to_doc(t)?])?;
        Ok(())
    }

    fn email_code(&mut self, catalog: Catalog, address: &str) -> Result<Option<EmailCode>, StoreError> {
        self.one("SELECT doc FROM email_codes WHERE catalog = ?1 AND address = ?2", p![catalog, address])
    }

    fn put_email_code(&mut self, c: &EmailCode) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO email_codes (catalog, address, expires_at, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (catalog, address) DO UPDATE SET expires_at = excluded.expires_at, doc = excluded.doc",
            p![c.catalog, c.address, c.expires_at, to_doc(c)?],
        )?;
        Ok(())
    }

    fn delete_email_code(&mut self, catalog: Catalog, address: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM email_codes WHERE catalog = ?1 AND address = ?2", p![catalog, address])?;
        Ok(())
    }

    fn append_outbox(&mut self, m: &OutboxMessage) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO outbox (address_key, catalog, sent_at, doc) VALUES (?1, ?2, ?3, ?4)",
            p![m.address.to_lowercase(), m.catalog, m.sent_at, to_doc(m)?],
        )?;
        Ok(())
    }

    fn outbox(&mut self, address: Option<&str>) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = self.db.int_texts(
            "SELECT id, doc FROM outbox WHERE ?1 = '' OR address_key = ?1 ORDER BY id",
            p![address.map(str::to_lowercase).unwrap_or_default()],
        )?;
        let mut out = Vec::new();
        for (id, doc) in rows {
            let mut message: OutboxMessage = from_doc(&doc)?;
            message.id = id;
            out.push(message);
        }
        Ok(out)
    }

    fn admin_partners(&mut self, q: &AdminPartnerQuery) -> Result<Vec<Partner>, StoreError> {
        let pattern = q.name.as_deref().map(|n| like_pattern(&pcentral_core::partners::legal_name_key(n)));
        let mut sql = ListingQuery::new("SELECT doc FROM partners");
        sql.push(" WHERE catalog = ?", &[q.catalog.to_param()]);
        if let Some(account) = &q.account {
            sql.push(" AND account = ?", &[account.to_param()]);
        }
        if let Some(pattern) = &pattern {
            sql.push(" AND legal_name_key LIKE ? ESCAPE '!'", &[Param::Text(pattern)]);
        }
        if let Some(after) = &q.after {
            sql.push(" AND legal_name_key > ?", &[Param::Text(after)]);
        }
        sql.push(" ORDER BY legal_name_key LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn admin_profile_tasks(&mut self, q: &AdminProfileTaskQuery) -> Result<Vec<ListedProfileTask>, StoreError> {
        let mut sql =
            ListingQuery::new("SELECT t.seq, t.doc FROM profile_tasks t JOIN partners p ON p.id = t.partner_id");
        sql.push(" WHERE p.catalog = ?", &[q.catalog.to_param()]);
        if let Some(account) = &q.account {
            sql.push(" AND p.account = ?", &[account.to_param()]);
        }
        if let Some(before) = q.before {
            sql.push(" AND t.seq < ?", &[Param::Int(before)]);
        }
        sql.push(" ORDER BY t.seq DESC LIMIT ?", &[Param::Int(limit(q.limit))]);
        let rows = self.db.int_texts(&sql.sql, &sql.params)?;
        rows.into_iter().map(|(seq, doc)| Ok(ListedProfileTask { seq, task: from_doc(&doc)? })).collect()
    }
}
