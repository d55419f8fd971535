//! The text log's line, written for the request path: the same bytes as
//! `tracing-subscriber`'s default ("full") format without colour —
//! `<time> <LEVEL> <span>{<fields>}: <target>: <message> <name>=<value> …` —
//! but with the second's date written once per second per thread, strings
//! without escapes copied whole, and no colour wrappers around each part.
//! A test below holds it to the library's own output, byte for byte.

use std::cell::RefCell;
use std::fmt;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// The text format of the log (`--log-format text`).
pub struct Line;

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        write_now(&mut writer)?;
        let meta = event.metadata();
        writer.write_str(match *meta.level() {
            Level::TRACE => "TRACE ",
            Level::DEBUG => "DEBUG ",
            Level::INFO => " INFO ",
            Level::WARN => " WARN ",
            Level::ERROR => "ERROR ",
        })?;
        if let Some(scope) = ctx.event_scope() {
            let mut seen = false;
            for span in scope.from_root() {
                seen = true;
                writer.write_str(span.name())?;
                let extensions = span.extensions();
                if let Some(fields) = extensions.get::<FormattedFields<N>>().filter(|f| !f.is_empty()) {
                    write!(writer, "{{{fields}}}")?;
                }
                writer.write_char(':')?;
            }
            if seen {
                writer.write_char(' ')?;
            }
        }
        writer.write_str(meta.target())?;
        writer.write_str(": ")?;
        let mut fields = Fields { writer: writer.by_ref(), first: true, result: Ok(()) };
        event.record(&mut fields);
        fields.result?;
        writer.write_char('\n')
    }
}

/// An event's fields as the default format writes them: the message bare,
/// the others `name=value` (strings quoted as `Debug` quotes them), one space apart.
struct Fields<'w> {
    writer: Writer<'w>,
    first: bool,
    result: fmt::Result,
}

impl Fields<'_> {
    fn name(&mut self, field: &Field) -> fmt::Result {
        if !std::mem::take(&mut self.first) {
            self.writer.write_char(' ')?;
        }
        if field.name() == "message" {
            return Ok(());
        }
        let name = field.name();
        self.writer.write_str(name.strip_prefix("r#").unwrap_or(name))?;
        self.writer.write_char('=')
    }

    fn put(&mut self, field: &Field, value: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = self.name(field).and_then(|()| value(&mut self.writer));
        }
    }
}

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.put(field, |w| w.write_str(value));
            return;
        }
        // `Debug` quoting: a string with nothing to escape is copied as it is.
        let plain = value.chars().all(|c| c != '"' && c != '\\' && c != '\'' && !c.is_control() && c.is_ascii());
        if plain {
            self.put(field, |w| {
                w.write_char('"')?;
                w.write_str(value)?;
                w.write_char('"')
            });
        } else {
            self.put(field, |w| write!(w, "{value:?}"));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, |w| write!(w, "{value:?}"));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, |w| {
            write!(w, "{value}")?;
            let mut source = value.source();
            if source.is_some() {
                w.write_str(" ")?;
                w.write_str(&format!("{}.sources", field.name()))?;
                w.write_str("=[")?;
                let mut first = true;
                while let Some(s) = source {
                    if !std::mem::take(&mut first) {
                        w.write_str(", ")?;
                    }
                    write!(w, "{s}")?;
                    source = s.source();
                }
                w.write_str("]")?;
            }
            Ok(())
        });
    }
}

thread_local! {
    /// The second last written and its `YYYY-MM-DDTHH:MM:SS` text.
    static SECOND: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
}

/// `2026-12-07T19:11:12.158067Z ` (UTC, to the microsecond).
fn write_now(writer: &mut Writer<'_>) -> fmt::Result {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from(since.as_secs()).unwrap_or(i64::MAX);
    SECOND.with(|cached| {
        let mut cached = cached.borrow_mut();
        if cached.0 != seconds {
            let text = pcentral_model::timestamp::format(seconds.saturating_mul(1000));
            cached.1 = text.get(..19).unwrap_or(&text).to_string();
            cached.0 = seconds;
        }
        write!(writer, "{}.{:06}Z ", cached.1, since.subsec_micros())
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Buffer {
            self.clone()
        }
    }

    impl Buffer {
        /// The lines written, each without its time (the first 28 bytes).
        fn lines(&self) -> Vec<String> {
            let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
            String::from_utf8_lossy(&bytes).lines().map(|l| l.get(28..).unwrap_or(l).to_string()).collect()
        }
    }

    #[derive(Debug)]
    struct Failed(Option<Box<Failed>>);
    impl fmt::Display for Failed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(if self.0.is_some() { "outer" } else { "inner" })
        }
    }
    impl std::error::Error for Failed {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.0.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
        }
    }

    fn events() {
        tracing::info!("pcentral listening on http://127.0.0.1:4599");
        let span = tracing::info_span!("request", request_id = %"99bc9d39-a967-4e9d-adeb-0bfc02363baa");
        let _entered = span.enter();
        tracing::info!(
            account = "111111111111",
            service = "partnercentral-account",
            operation = "GetConnection",
            status = 200u16,
            error = "-",
            iam = "partnercentral:GetConnection on *: allowed by p/Statement[0] (Lists)",
            latency_ms = 0.196,
            "api"
        );
        tracing::warn!(check = %"required header not signed", key_id = "-", hint = "", "authentication refused");
        tracing::info!(
            quoted = "say \"hi\"\\ and 'bye'\n\tnow",
            unicode = "café",
            whole = 1.0,
            neg = -3i64,
            yes = true
        );
        tracing::error!(
            error = &Failed(Some(Box::new(Failed(None)))) as &(dyn std::error::Error + 'static),
            "storage failed"
        );
        let inner = tracing::info_span!("inner", n = 2u64, s = "x");
        let _inner = inner.enter();
        tracing::info!(debugged = ?vec!["a", "b"], r#type = "raw", "nested");
        tracing::info_span!("bare").in_scope(|| tracing::info!("in a span without fields"));
    }

    #[test]
    fn lines_are_the_default_formats_bytes() {
        let stock = Buffer::default();
        let ours = Buffer::default();
        let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(stock.clone()).finish();
        tracing::subscriber::with_default(subscriber, events);
        let subscriber =
            tracing_subscriber::fmt().with_ansi(false).with_writer(ours.clone()).event_format(Line).finish();
        tracing::subscriber::with_default(subscriber, events);
        let (stock, ours) = (stock.lines(), ours.lines());
        assert_eq!(stock.len(), 7, "{stock:#?}");
        assert_eq!(ours, stock);
    }

    #[test]
    fn the_time_is_utc_to_the_microsecond() {
        let ours = Buffer::default();
        let subscriber =
            tracing_subscriber::fmt().with_ansi(false).with_writer(ours.clone()).event_format(Line).finish();
        tracing::subscriber::with_default(subscriber, || tracing::info!("one"));
        let bytes = ours.0.lock().map(|b| b.clone()).unwrap_or_default();
        let line = String::from_utf8_lossy(&bytes).to_string();
        let time = line.get(..27).unwrap_or_default();
        assert!(pcentral_model::timestamp::parse(&time.replace(&time[19..26], ".000")).is_some(), "{line}");
        assert_eq!(&line[26..28], "Z ", "{line}");
    }
}
