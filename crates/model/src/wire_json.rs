//! The JSON text of an answer, written once from the operation's typed
//! output and carried as those bytes to the client (and into the stored
//! record a repeated ClientToken replays).
//!
//! The wire writes every object's members ordered by name (byte order), at
//! every depth: that is how pcentral has always answered (its answers were
//! once written through a `serde_json::Value`, whose maps sort their keys),
//! and clients see exactly those bytes. The generated types declare their
//! members in model order, which stays their stored-document order, so
//! [`WireJson::write`] orders each object's members as it writes them:
//! members already in order are left where they are; an object whose members
//! are not is rearranged in place once its last member is written. Numbers,
//! strings and escapes are written by `serde_json`'s compact writer, so
//! everything but the member order is what `serde_json::to_vec` writes.

use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt;
use std::io;

use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};
use serde_json::value::RawValue;
use serde_json::Value;

/// An answer's JSON text, exactly the bytes the client gets.
#[derive(Clone, PartialEq, Eq)]
pub struct WireJson(Vec<u8>);

impl WireJson {
    /// Write `value` as the wire has it: compact, each object's members
    /// ordered by name.
    pub fn write<T: Serialize + ?Sized>(value: &T) -> Result<WireJson, serde_json::Error> {
        let mut out = Vec::with_capacity(512);
        let mut scratch = SCRATCH.take();
        let formatter = Ordered { out: &mut out, scratch: &mut scratch, in_key: false };
        let mut serializer = serde_json::Serializer::with_formatter(io::sink(), formatter);
        let written = value.serialize(&mut serializer);
        scratch.keep();
        written.map(|()| WireJson(out))
    }

    /// The text of a JSON value (its maps' members are in order already).
    pub fn of_value(value: &Value) -> WireJson {
        // A Value always serialises, and writing into a Vec cannot fail.
        WireJson(serde_json::to_vec(value).unwrap_or_default())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// The answer parsed, for the few readers that need a `Value` (tests,
    /// tools); never on the way to the client.
    pub fn to_value(&self) -> Value {
        // The text was written from a value, or read back as stored JSON.
        serde_json::from_slice(&self.0).unwrap_or(Value::Null)
    }
}

impl fmt::Debug for WireJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

/// Inside another document (the stored idempotency record) the answer is
/// its JSON text, embedded as it is: a stored record reads back to the same
/// bytes.
impl Serialize for WireJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_slice(&self.0).map_err(S::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WireJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text: Box<str> = raw.into();
        Ok(WireJson(text.into_boxed_bytes().into_vec()))
    }
}

/// One member of an object being written: its key (with quotes) from
/// `start` to `key_end`, and its value up to `end`, offsets into the output;
/// and whether its key was written with an escape.
struct Member {
    start: usize,
    key_end: usize,
    end: usize,
    escaped: bool,
}

/// An object being written: where its members begin in `Ordered::members`,
/// and whether they have come in order so far.
struct Object {
    first_member: usize,
    in_order: bool,
}

/// What writing an answer needs besides the answer itself, kept per thread
/// between answers (so that writing one allocates only its text).
#[derive(Default)]
struct Scratch {
    objects: Vec<Object>,
    /// The members of every open object, the innermost last.
    members: Vec<Member>,
    /// The members of an object being put in order.
    reordered: Vec<u8>,
}

impl Scratch {
    /// Give the buffers back to the thread, unless an unusually large answer
    /// made them large.
    fn keep(mut self) {
        if self.reordered.capacity() <= 64 * 1024 && self.members.capacity() <= 4096 {
            self.objects.clear();
            self.members.clear();
            SCRATCH.set(self);
        }
    }
}

thread_local! {
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

/// `serde_json`'s compact format into `out`, each object's members put in
/// order by name when the object ends. Every write goes through the
/// formatter (`serde_json`'s serializer writes nothing itself), so the
/// serializer's own writer is a sink.
struct Ordered<'a> {
    out: &'a mut Vec<u8>,
    scratch: &'a mut Scratch,
    /// A key is being written.
    in_key: bool,
}

impl Ordered<'_> {
    /// Rearrange the members of the object that ends here by name, where
    /// they are (the object is the end of the output).
    fn reorder(&mut self, first_member: usize) {
        let Scratch { members, reordered, .. } = &mut *self.scratch;
        let out = &mut *self.out;
        let Some(members) = members.get_mut(first_member..) else {
            return;
        };
        let Some(start) = members.first().map(|m| m.start) else {
            return;
        };
        members.sort_unstable_by(|a, b| key_order(out, a, b));
        reordered.clear();
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                reordered.push(b',');
            }
            reordered.extend_from_slice(out.get(m.start..m.end).unwrap_or_default());
        }
        out.truncate(start);
        out.extend_from_slice(reordered);
    }
}

/// A member's key as written, without its quotes.
fn key_text<'o>(out: &'o [u8], m: &Member) -> &'o [u8] {
    out.get(m.start + 1..m.key_end.saturating_sub(1)).unwrap_or_default()
}

/// Keys ordered as strings (by their bytes); an escaped key is compared by
/// what it says, not by how it is written.
fn key_order(out: &[u8], a: &Member, b: &Member) -> Ordering {
    if a.escaped || b.escaped {
        return unescaped(key_text(out, a)).cmp(&unescaped(key_text(out, b)));
    }
    key_text(out, a).cmp(key_text(out, b))
}

fn unescaped(key: &[u8]) -> String {
    let quoted = [b"\"", key, b"\""].concat();
    // `key` is a string the serializer itself wrote.
    serde_json::from_slice(&quoted).unwrap_or_default()
}

/// Everything but objects: `serde_json`'s compact format, into `out`.
macro_rules! compact {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<W: ?Sized + io::Write>(&mut self, _sink: &mut W $(, $arg: $ty)*) -> io::Result<()> {
                CompactFormatter.$method(self.out $(, $arg)*)
            }
        )*
    };
}

impl Formatter for Ordered<'_> {
    compact! {
        write_null();
        write_bool(value: bool);
        write_i8(value: i8);
        write_i16(value: i16);
        write_i32(value: i32);
        write_i64(value: i64);
        write_i128(value: i128);
        write_u8(value: u8);
        write_u16(value: u16);
        write_u32(value: u32);
        write_u64(value: u64);
        write_u128(value: u128);
        write_f32(value: f32);
        write_f64(value: f64);
        write_number_str(value: &str);
        begin_string();
        end_string();
        write_string_fragment(fragment: &str);
        write_byte_array(value: &[u8]);
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        // Embedded JSON text is written as it is (no output type holds any).
        write_raw_fragment(fragment: &str);
    }

    fn write_char_escape<W: ?Sized + io::Write>(&mut self, _sink: &mut W, escape: CharEscape) -> io::Result<()> {
        if self.in_key {
            if let Some(m) = self.scratch.members.last_mut() {
                m.escaped = true;
            }
        }
        CompactFormatter.write_char_escape(self.out, escape)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, _sink: &mut W) -> io::Result<()> {
        self.scratch.objects.push(Object { first_member: self.scratch.members.len(), in_order: true });
        self.out.push(b'{');
        Ok(())
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, _sink: &mut W, first: bool) -> io::Result<()> {
        if !first {
            self.out.push(b',');
        }
        self.scratch.members.push(Member { start: self.out.len(), key_end: 0, end: 0, escaped: false });
        self.in_key = true;
        Ok(())
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, _sink: &mut W) -> io::Result<()> {
        let key_end = self.out.len();
        self.in_key = false;
        if let Some(m) = self.scratch.members.last_mut() {
            m.key_end = key_end;
        }
        let Some(object) = self.scratch.objects.last() else {
            return Ok(());
        };
        if object.in_order {
            if let Some([.., previous, this]) = self.scratch.members.get(object.first_member..) {
                let in_order = key_order(self.out, previous, this) != Ordering::Greater;
                if let Some(object) = self.scratch.objects.last_mut() {
                    object.in_order = in_order;
                }
            }
        }
        Ok(())
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, _sink: &mut W) -> io::Result<()> {
        self.out.push(b':');
        Ok(())
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _sink: &mut W) -> io::Result<()> {
        let end = self.out.len();
        if let Some(m) = self.scratch.members.last_mut() {
            m.end = end;
        }
        Ok(())
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, _sink: &mut W) -> io::Result<()> {
        if let Some(object) = self.scratch.objects.pop() {
            if !object.in_order {
                self.reorder(object.first_member);
            }
            self.scratch.members.truncate(object.first_member);
        }
        self.out.push(b'}');
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;

    use serde::de::DeserializeOwned;
    use serde_json::json;

    use super::*;
    use crate::account::GetConnectionResponse;
    use crate::selling::{GetAwsOpportunitySummaryResponse, ListOpportunitiesResponse};

    /// What an answer's bytes were when every answer went through a `Value`.
    fn through_a_value<T: Serialize>(output: &T) -> Vec<u8> {
        serde_json::to_vec(&serde_json::to_value(output).unwrap()).unwrap()
    }

    /// `sample` read into the typed output `T`, then written both ways.
    #[track_caller]
    fn written_as_through_a_value<T: Serialize + DeserializeOwned>(sample: Value) -> String {
        let output: T = serde_json::from_value(sample).unwrap();
        let written = WireJson::write(&output).unwrap();
        assert_eq!(
            String::from_utf8_lossy(written.as_bytes()),
            String::from_utf8_lossy(&through_a_value(&output)),
            "member order, escaping or numbers differ"
        );
        String::from_utf8(written.into_bytes()).unwrap()
    }

    fn participant(kind: &str) -> Value {
        match kind {
            "partner" => json!({"PartnerProfile": {"Id": "pprofile-0000000000001", "Name": "Alpha \"A\" Ltd\n"}}),
            _ => json!({"Account": {"Name": "Beta/β \u{1F600}"}}),
        }
    }

    #[test]
    fn a_connection_is_written_as_through_a_value() {
        let text = written_as_through_a_value::<GetConnectionResponse>(json!({
            "Catalog": "Sandbox",
            "Id": "pac-0000000000001",
            "Arn": "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/connection/pac-0000000000001",
            "OtherParticipantAccountId": "222222222222",
            "UpdatedAt": "2026-01-15T09:30:00.123Z",
            "ConnectionTypes": {
                "SUBSIDIARY": {
                    "CreatedAt": "2026-01-15T09:30:00.000Z", "InviterEmail": "a@example.com",
                    "InviterName": "Ann", "Status": "CANCELED", "CanceledAt": "2026-01-16T00:00:00.001Z",
                    "CanceledBy": "111111111111", "OtherParticipant": participant("partner")
                },
                "OPPORTUNITY_COLLABORATION": {
                    "CreatedAt": "2026-01-15T09:30:00.000Z", "InviterEmail": "a@example.com",
                    "InviterName": "Ann", "Status": "ACTIVE", "OtherParticipant": participant("account")
                }
            }
        }));
        // Ordered by name at every depth; absent members are not written.
        assert!(text.starts_with(r#"{"Arn":"arn:"#), "{text}");
        assert!(text.contains(r#""ConnectionTypes":{"OPPORTUNITY_COLLABORATION":{"CreatedAt":"#), "{text}");
        assert!(text.contains(r#""Status":"ACTIVE"},"SUBSIDIARY":{"CanceledAt":"#), "{text}");
        assert!(!text.contains("null"), "{text}");
    }

    #[test]
    fn an_opportunity_summary_with_lists_maps_and_absent_members_is_written_as_through_a_value() {
        let insights = |currency: &str| {
            json!({
                "CurrencyCode": currency, "Frequency": "Monthly", "TotalAmount": "10.5",
                "TotalAmountByCategory": {"Storage": "1", "Compute": "2", "AI \"ML\"": "3", "AI": "4", "A\\B": "5", "": "6"},
                "AwsProducts": [
                    {"ProductCode": "AmazonS3", "Categories": ["Storage", "Backup"], "Amount": "1",
                     "Optimizations": [{"Description": "Tier it", "SavingsAmount": "0.25"}]},
                    {"ProductCode": "AmazonEC2", "ServiceCode": "ec2", "Categories": [], "Optimizations": []}
                ]
            })
        };
        written_as_through_a_value::<GetAwsOpportunitySummaryResponse>(json!({
            "Catalog": "Sandbox",
            "RelatedOpportunityId": "O1234567",
            "Origin": "AWS Referral",
            "LifeCycle": {
                "Stage": "In Progress", "TargetCloseDate": "2027-06-30",
                "NextStepsHistory": [
                    {"Value": "Call", "Time": "2026-01-15T09:30:00.000Z"},
                    {"Value": "Tab\tand \u{1} control", "Time": "2026-02-15T09:30:00.000Z"}
                ]
            },
            "OpportunityTeam": [{"Email": "rep@example.com", "BusinessTitle": "AWSSalesRep"}, {}],
            "Insights": {
                "NextBestActions": "Wait",
                "EngagementScore": "High",
                "OpportunityQuality": {"Score": -3, "Trend": "Up"},
                "AwsProductsSpendInsightsBySource": {"Partner": insights("USD"), "AWS": insights("EUR")},
                "Recommendations": [{"Type": "t", "Details": "d", "Attributes": {"z": "1", "a": "2", "a b": "3", "a!": "4"}}]
            },
            "RelatedEntityIds": {"Solutions": ["S-1", "S-2"], "AwsProducts": []},
            "Customer": {"Contacts": [{"LastName": "Doe", "FirstName": "Jo", "Phone": "+15555550100"}]},
            "Project": {"ExpectedCustomerSpend": [{"Amount": "5000", "CurrencyCode": "USD", "Frequency": "Monthly",
                                                   "TargetCompany": "AWS"}]}
        }));
    }

    #[test]
    fn a_page_of_a_list_is_written_as_through_a_value() {
        let summary = |id: &str, title: Option<&str>| {
            let mut s = json!({"Catalog": "Sandbox", "Id": id, "LastModifiedDate": "2026-01-15T09:30:00.000Z"});
            if let Some(title) = title {
                s["Project"] = json!({"Title": title, "ExpectedCustomerSpend": []});
            }
            s
        };
        written_as_through_a_value::<ListOpportunitiesResponse>(json!({
            "OpportunitySummaries": [summary("O1", Some("Zeta")), summary("O2", None)],
            "NextToken": "abc"
        }));
        written_as_through_a_value::<ListOpportunitiesResponse>(json!({"OpportunitySummaries": []}));
    }

    /// Keys a struct cannot have (empty, escaped, prefixes of each other,
    /// characters that sort before the closing quote), numbers of every kind.
    #[test]
    fn any_object_is_written_as_through_a_value() {
        #[derive(Serialize)]
        struct Out {
            zeta: Option<f64>,
            alpha: Vec<BTreeMap<String, Value>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            absent: Option<u8>,
            mid: (i64, u64, f64, bool, ()),
            empty: BTreeMap<String, u8>,
            long: Long,
        }
        /// Keys sharing their first eight bytes, and escaped ones, out of order.
        #[derive(Serialize)]
        struct Long {
            #[serde(rename = "abcdefghij")]
            j: u8,
            #[serde(rename = "abcdefgh")]
            h: u8,
            #[serde(rename = "abcdefghi")]
            i: u8,
            #[serde(rename = "a b")]
            space: u8,
            #[serde(rename = "a\n")]
            newline: u8,
        }
        let keys = json!({
            "b": 1, "a b": 2, "a": 3, "a!": 4, "a\"": 5, "a\\": 6, "a\n": 7, "": 8, "é": 9, "z": [{}, []],
            "abcdefghij": 10, "abcdefgh": 11, "abcdefghi": 12, "abcdefgg": 13
        });
        let out = Out {
            zeta: Some(f64::NAN),
            alpha: vec![serde_json::from_value(keys).unwrap(), BTreeMap::new()],
            absent: None,
            mid: (i64::MIN, u64::MAX, 0.1 + 0.2, true, ()),
            empty: BTreeMap::new(),
            long: Long { j: 1, h: 2, i: 3, space: 4, newline: 5 },
        };
        let written = WireJson::write(&out).unwrap();
        assert_eq!(written.as_bytes(), through_a_value(&out).as_slice());
        assert_eq!(
            String::from_utf8_lossy(written.as_bytes()),
            r#"{"alpha":[{"":8,"a":3,"a\n":7,"a b":2,"a!":4,"a\"":5,"a\\":6,"abcdefgg":13,"abcdefgh":11,"abcdefghi":12,"abcdefghij":10,"b":1,"z":[{},[]],"é":9},{}],"empty":{},"long":{"a\n":5,"a b":4,"abcdefgh":2,"abcdefghi":3,"abcdefghij":1},"mid":[-9223372036854775808,18446744073709551615,0.30000000000000004,true,null],"zeta":null}"#
        );
    }

    #[test]
    fn inside_a_stored_record_the_answer_is_its_text_and_reads_back_to_the_same_bytes() {
        #[derive(Serialize, Deserialize)]
        struct Record {
            token: String,
            response: WireJson,
            created_at: i64,
        }
        let response = WireJson::write(&json!({"Id": "x", "Catalog": "Sandbox", "List": [1.5, "é\u{7}"]})).unwrap();
        let doc =
            serde_json::to_string(&Record { token: "t".into(), response: response.clone(), created_at: 7 }).unwrap();
        assert_eq!(
            doc,
            r#"{"token":"t","response":{"Catalog":"Sandbox","Id":"x","List":[1.5,"é\u0007"]},"created_at":7}"#
        );
        let read: Record = serde_json::from_str(&doc).unwrap();
        assert_eq!(read.response, response);
        // A record stored before answers were written this way: the same text.
        let old = r#"{"token":"t","response":{"A":{"B":[true,null]}},"created_at":1}"#;
        let read: Record = serde_json::from_str(old).unwrap();
        assert_eq!(read.response.as_bytes(), br#"{"A":{"B":[true,null]}}"#);
        assert_eq!(read.response.to_value(), json!({"A": {"B": [true, null]}}));
    }
}
