//! The text log's line, written for the request path: the same bytes as
//! `tracing-subscriber`'s default ("full") format without colour —
//! `<time> <LEVEL> <span>{<fields>}: <target>: <message> <name>=<value> …` —
//! but with the second's date written once per second per thread, strings
//! without escapes copied whole, a latency's milliseconds written from their
//! integer microseconds, and no colour wrappers around each part (the span's
//! fields too: [`Line`] formats them as well). A test below holds it to the
//! library's own output, byte for byte. [`filter`] reads `PCENTRAL_LOG`.
//!
//! A request's lines begin `request{request_id=…}:`, as if inside a span of
//! that name. With this format and a filter of targets and levels that shows
//! info, [`RequestId::scope`] gives the line the id while the request is
//! polled (a value of the thread's, set and restored around each poll)
//! instead of a `tracing` span per request, whose registry entry costs more
//! than the line itself; otherwise (JSON, a terminal, span directives, or a
//! level above info) the server opens the span.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Write as _};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// The filter `PCENTRAL_LOG`'s directives make (`info` when unset; `info`
/// too when they do not parse). Directives of targets and levels only make a
/// [`Targets`] filter, which keeps nothing per span; one with a span or a field
/// (`[request{request_id=…}]=debug`) needs [`EnvFilter`], which tracks every
/// span the server opens (a lock on each enter and exit of a request's span:
/// about a tenth of a microsecond per request). Both read such directives
/// alike (one parser); a test holds them to it.
pub fn filter<S>(directives: Option<&str>) -> Box<dyn tracing_subscriber::Layer<S> + Send + Sync>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    use tracing_subscriber::Layer;
    let directives = directives.unwrap_or("info");
    if let Some(targets) = targets_only(directives).and_then(|d| d.parse::<Targets>().ok()) {
        return targets.boxed();
    }
    match EnvFilter::try_new(directives) {
        Ok(dynamic) => dynamic.boxed(),
        Err(_) => Targets::new().with_default(Level::INFO).boxed(),
    }
}

/// Whether [`Line`] writes requests' ids itself ([`write_request_ids`]).
static LINES_CARRY_REQUEST_IDS: AtomicBool = AtomicBool::new(false);

/// The target of the request span the server would open (its module's path).
pub const REQUEST_SPAN_TARGET: &str = "pcentral_server::http";

/// Let [`Line`] write requests' ids when `directives` allow it: they name
/// targets and levels only, and show the request span's level (info) for its
/// target. Called once, by `serve`, when its log is this format.
pub fn write_request_ids(directives: Option<&str>) {
    LINES_CARRY_REQUEST_IDS.store(lines_can_carry_request_ids(directives), Ordering::Relaxed);
}

fn lines_can_carry_request_ids(directives: Option<&str>) -> bool {
    targets_only(directives.unwrap_or("info"))
        .and_then(|d| d.parse::<Targets>().ok())
        .is_some_and(|targets| targets.would_enable(REQUEST_SPAN_TARGET, &Level::INFO))
}

/// `directives` when they name only targets and levels: spans and fields are
/// written in brackets (`[span{field=value}]`), which Targets would read as part
/// of a target's name; and no directive at all is EnvFilter's (it shows nothing,
/// where Targets shows errors).
fn targets_only(directives: &str) -> Option<&str> {
    (!directives.contains('[') && !directives.trim().is_empty()).then_some(directives)
}

/// A request's id (a UUID's 36 characters) as [`Line`] writes it.
#[derive(Clone, Copy)]
pub struct RequestId([u8; 36]);

thread_local! {
    /// The request being polled on this thread, when [`Line`] writes its id.
    static REQUEST: Cell<Option<RequestId>> = const { Cell::new(None) };
}

impl RequestId {
    /// `id`, when lines carry requests' ids themselves (else the server opens a span).
    pub fn for_lines(id: &str) -> Option<RequestId> {
        if !LINES_CARRY_REQUEST_IDS.load(Ordering::Relaxed) {
            return None;
        }
        id.as_bytes().try_into().ok().map(RequestId)
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("-")
    }

    /// Run `request` with this id in its lines: set for each poll, the
    /// thread's previous one put back after it (a panic included).
    pub async fn scope<F: Future>(self, request: F) -> F::Output {
        struct Restore(Option<RequestId>);
        impl Drop for Restore {
            fn drop(&mut self) {
                REQUEST.set(self.0);
            }
        }
        let mut request = std::pin::pin!(request);
        std::future::poll_fn(|cx| {
            let _restore = Restore(REQUEST.replace(Some(self)));
            request.as_mut().poll(cx)
        })
        .await
    }
}

/// The text format of the log (`--log-format text`).
pub struct Line;

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        // The line is put together in a buffer of this thread's (appending to
        // a String directly, not through `Writer`'s indirections per part),
        // then handed over whole; a line written while one is being put
        // together (a value's `Debug` that logs) gets a buffer of its own.
        LINE.with(|kept| match kept.try_borrow_mut() {
            Ok(mut line) => {
                line.clear();
                line_of(ctx, event, &mut line)?;
                writer.write_str(&line)
            }
            Err(_) => {
                let mut line = String::new();
                line_of(ctx, event, &mut line)?;
                writer.write_str(&line)
            }
        })
    }
}

thread_local! {
    /// The buffer [`Line`] puts a line together in.
    static LINE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The line of `event`, appended to `writer`.
fn line_of<S, N>(ctx: &FmtContext<'_, S, N>, event: &Event<'_>, writer: &mut String) -> fmt::Result
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    write_now(writer)?;
    let meta = event.metadata();
    writer.write_str(match *meta.level() {
        Level::TRACE => "TRACE ",
        Level::DEBUG => "DEBUG ",
        Level::INFO => " INFO ",
        Level::WARN => " WARN ",
        Level::ERROR => "ERROR ",
    })?;
    let mut seen = false;
    if let Some(request) = REQUEST.get() {
        seen = true;
        writer.push_str("request{request_id=");
        writer.push_str(request.as_str());
        writer.push_str("}:");
    }
    if let Some(scope) = ctx.event_scope() {
        for span in scope.from_root() {
            seen = true;
            writer.write_str(span.name())?;
            let extensions = span.extensions();
            if let Some(fields) = extensions.get::<FormattedFields<N>>().filter(|f| !f.is_empty()) {
                writer.write_char('{')?;
                writer.write_str(fields)?;
                writer.write_char('}')?;
            }
            writer.write_char(':')?;
        }
    }
    if seen {
        writer.write_char(' ')?;
    }
    writer.write_str(meta.target())?;
    writer.write_str(": ")?;
    let mut fields = Fields { writer: &mut *writer, first: true, result: Ok(()) };
    event.record(&mut fields);
    fields.result?;
    writer.write_char('\n')
}

impl<'w> FormatFields<'w> for Line {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> fmt::Result {
        let mut visitor = Fields { writer, first: true, result: Ok(()) };
        fields.record(&mut visitor);
        visitor.result
    }
}

/// An event's fields as the default format writes them: the message bare,
/// the others `name=value` (strings quoted as `Debug` quotes them), one space apart.
struct Fields<W> {
    writer: W,
    first: bool,
    result: fmt::Result,
}

impl<W: fmt::Write> Fields<W> {
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

    fn put(&mut self, field: &Field, value: impl FnOnce(&mut W) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = self.name(field).and_then(|()| value(&mut self.writer));
        }
    }
}

impl<W: fmt::Write> Visit for Fields<W> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.put(field, |w| w.write_str(value));
            return;
        }
        // `Debug` quoting: a string with nothing to escape is copied as it is.
        let plain = value.bytes().all(|b| b.is_ascii() && !b.is_ascii_control() && !matches!(b, b'"' | b'\\' | b'\''));
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

    fn record_f64(&mut self, field: &Field, value: f64) {
        match Thousandths::of(value) {
            Some(t) => self.put(field, |w| t.write(w)),
            None => self.record_debug(field, &value),
        }
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

/// A number of at most three decimals (a latency to the microsecond, in
/// milliseconds), written as `Debug` writes the `f64` without its float
/// formatting: `0.196`, `12.5`, `3.0`.
struct Thousandths {
    whole: u64,
    /// 0..=999.
    part: u64,
}

impl Thousandths {
    /// `value` if it is exactly the `f64` nearest some non-negative `n / 1000`
    /// below 2^40 (so no shorter decimal names the same `f64`).
    fn of(value: f64) -> Option<Thousandths> {
        let scaled = (value * 1000.0).round();
        if !(0.0..=1_099_511_627_776.0).contains(&scaled) || value.is_sign_negative() {
            return None;
        }
        // In range and rounded: the conversion is exact.
        let n = scaled as u64;
        (n as f64 / 1000.0 == value).then_some(Thousandths { whole: n / 1000, part: n % 1000 })
    }

    fn write(&self, w: &mut impl fmt::Write) -> fmt::Result {
        write!(w, "{}", self.whole)?;
        let part = [b'0' + (self.part / 100) as u8, b'0' + (self.part / 10 % 10) as u8, b'0' + (self.part % 10) as u8];
        let kept = match self.part {
            0 => 1,
            p if p % 100 == 0 => 1,
            p if p % 10 == 0 => 2,
            _ => 3,
        };
        w.write_char('.')?;
        w.write_str(std::str::from_utf8(&part[..kept]).map_err(|_| fmt::Error)?)
    }
}

thread_local! {
    /// The second last written and its `YYYY-MM-DDTHH:MM:SS` text.
    static SECOND: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
}

/// `2026-12-07T19:11:12.158067Z ` (UTC, to the microsecond).
fn write_now(writer: &mut String) -> fmt::Result {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from(since.as_secs()).unwrap_or(i64::MAX);
    SECOND.with(|cached| {
        let mut cached = cached.borrow_mut();
        if cached.0 != seconds {
            let text = pcentral_model::timestamp::format(seconds.saturating_mul(1000));
            cached.1 = text.get(..19).unwrap_or(&text).to_string();
            cached.0 = seconds;
        }
        writer.write_str(&cached.1)?;
        let micros = since.subsec_micros();
        let mut text = [b'.', 0, 0, 0, 0, 0, 0, b'Z', b' '];
        for (i, place) in [100_000, 10_000, 1_000, 100, 10, 1].into_iter().enumerate() {
            text[1 + i] = b'0' + (micros / place % 10) as u8;
        }
        writer.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
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

        /// A subscriber writing here in the text format as `serve` sets it up.
        fn lines_subscriber(&self) -> impl Subscriber + Send + Sync + 'static {
            tracing_subscriber::fmt()
                .with_ansi(false)
                .with_writer(self.clone())
                .fmt_fields(Line)
                .event_format(Line)
                .finish()
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
        tracing::subscriber::with_default(ours.lines_subscriber(), events);
        let (stock, ours) = (stock.lines(), ours.lines());
        assert_eq!(stock.len(), 7, "{stock:#?}");
        assert_eq!(ours, stock);
    }

    /// What `Thousandths` writes for `value`, if it takes it.
    fn thousandths(value: f64) -> Option<String> {
        let t = Thousandths::of(value)?;
        let mut text = String::new();
        t.write(&mut text).ok()?;
        Some(text)
    }

    #[test]
    fn latencies_are_written_as_debug_writes_them() {
        let mut taken = 0;
        let big = (0..2_000u64).map(|k| k * 1_000_003 + 999);
        for n in (0..300_000u64).chain(big).chain([1_099_511_627_776]) {
            let value = n as f64 / 1000.0;
            let written = thousandths(value).unwrap_or_else(|| panic!("{n}: not taken"));
            assert_eq!(written, format!("{value:?}"), "{n}");
            taken += 1;
        }
        assert!(taken > 300_000);
        // Anything else is left to `Debug`.
        for value in [0.1234, -1.0, -0.0, 1e300, f64::NAN, f64::INFINITY, 1.0e-7, 2e12] {
            assert_eq!(thousandths(value), None, "{value}");
        }
    }

    /// The lines [`events`] (and a debug event in a `request` span) write
    /// through `filter`, without their time.
    fn filtered(filter: Box<dyn tracing_subscriber::Layer<tracing_subscriber::Registry> + Send + Sync>) -> Vec<String> {
        use tracing_subscriber::layer::SubscriberExt;
        let out = Buffer::default();
        let lines = tracing_subscriber::fmt::layer().with_ansi(false).with_writer(out.clone()).event_format(Line);
        let subscriber = tracing_subscriber::registry().with(filter).with(lines);
        tracing::subscriber::with_default(subscriber, || {
            events();
            tracing::info_span!("request", request_id = "r-1").in_scope(|| tracing::debug!(n = 1, "deep"));
            tracing::debug!(n = 2, "outside");
        });
        out.lines()
    }

    #[test]
    fn the_filter_reads_directives_as_env_filter_does() {
        for directives in [
            None,
            Some("warn"),
            Some("info"),
            Some("debug"),
            Some("pcentral_server=debug,warn"),
            Some("pcentral_server::log_format=error"),
            Some("off"),
            Some(""),
            Some("[request]=debug,info"),
            Some("[request{request_id=r-1}]=debug,warn"),
        ] {
            let expected = EnvFilter::try_new(directives.unwrap_or("info")).map(|f| filtered(Box::new(f)));
            let ours = filtered(filter(directives));
            assert_eq!(ours, expected.unwrap_or_else(|e| panic!("{directives:?}: {e}")), "{directives:?}");
        }
        // Directives neither reads are the default.
        assert_eq!(filtered(filter(Some("=nope=="))), filtered(filter(Some("info"))));
        assert!(filtered(filter(Some("warn"))).len() < filtered(filter(None)).len());
        assert!(filtered(filter(Some("[request]=debug,info"))).iter().any(|l| l.contains("deep")));
    }

    /// The lines of a request's events (one after an await, one in a span
    /// of its own) and of one after it, the request run by `run`.
    fn request_lines(run: impl FnOnce(std::pin::Pin<Box<dyn Future<Output = ()>>>)) -> Vec<String> {
        let out = Buffer::default();
        tracing::subscriber::with_default(out.lines_subscriber(), || {
            run(Box::pin(async {
                tracing::info!(status = 200u16, latency_ms = 0.196, "api");
                tokio::task::yield_now().await;
                tracing::warn!(check = %"missing Authorization header", "authentication refused");
                tracing::info_span!("inner", n = 2u64).in_scope(|| tracing::info!("nested"));
            }));
            tracing::info!("after");
        });
        out.lines()
    }

    #[test]
    fn a_request_scope_writes_the_lines_a_request_span_writes() {
        use tracing::Instrument;
        const ID: &str = "99bc9d39-a967-4e9d-adeb-0bfc02363baa";
        let runtime = || tokio::runtime::Builder::new_current_thread().build().unwrap();
        let spanned = request_lines(|request| {
            runtime().block_on(request.instrument(tracing::info_span!("request", request_id = %ID)));
        });
        let scoped = request_lines(|request| {
            let id = RequestId(ID.as_bytes().try_into().unwrap());
            runtime().block_on(id.scope(request));
        });
        assert_eq!(scoped, spanned);
        assert_eq!(spanned.len(), 4, "{spanned:#?}");
        assert!(spanned[0].starts_with(&format!(" INFO request{{request_id={ID}}}: ")), "{spanned:#?}");
        assert!(spanned[2].contains(&format!("request{{request_id={ID}}}:inner{{n=2}}: ")), "{spanned:#?}");
        assert!(!spanned[3].contains("request"), "{spanned:#?}");
        // A request that panics leaves no id behind on its thread.
        let panicked = std::panic::catch_unwind(|| {
            let id = RequestId(ID.as_bytes().try_into().unwrap());
            runtime().block_on(id.scope(async { panic!("in a request") }))
        });
        assert!(panicked.is_err());
        assert!(REQUEST.get().is_none());
    }

    #[test]
    fn requests_ids_are_written_by_the_lines_only_where_a_request_span_would_show() {
        for (directives, carried) in [
            (None, true),
            (Some("info"), true),
            (Some("debug"), true),
            (Some("pcentral_server=info,warn"), true),
            (Some("warn"), false),
            (Some("pcentral_server::http=warn,info"), false),
            (Some("[request]=debug,info"), false),
            (Some(""), false),
            (Some("=nope=="), false),
        ] {
            assert_eq!(lines_can_carry_request_ids(directives), carried, "{directives:?}");
        }
    }

    #[test]
    fn the_time_is_utc_to_the_microsecond() {
        let ours = Buffer::default();
        tracing::subscriber::with_default(ours.lines_subscriber(), || tracing::info!("one"));
        let bytes = ours.0.lock().map(|b| b.clone()).unwrap_or_default();
        let line = String::from_utf8_lossy(&bytes).to_string();
        let time = line.get(..27).unwrap_or_default();
        assert!(pcentral_model::timestamp::parse(&time.replace(&time[19..26], ".000")).is_some(), "{line}");
        assert_eq!(&line[26..28], "Z ", "{line}");
    }
}
