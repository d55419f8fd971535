// pcentral console: the controls (calls to the admin API), copy buttons and
// live tables. Loaded as a file (the content security policy allows no inline
// script); builds every element with textContent, so no stored value is ever
// read as HTML.
"use strict";

const UI = "/_pcentral/ui";

// Every state-changing admin call carries these headers; the browser adds
// Origin (same origin) and the sign-in cookie itself.
const ADMIN_HEADERS = { "Content-Type": "application/json", "x-pcentral-admin": "1" };

async function adminCall(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: ADMIN_HEADERS,
    body: JSON.stringify(body || {}),
    credentials: "same-origin",
  });
  const text = await response.text();
  let data = text;
  try { data = JSON.parse(text); } catch (_) { /* not JSON */ }
  return { ok: response.ok, status: response.status, data };
}

function formBody(form) {
  const body = {};
  for (const field of form.querySelectorAll("input[name], select[name], textarea[name]")) {
    const value = field.value.trim();
    if (value === "") continue;
    if (field.dataset.type === "number") body[field.name] = Number(value);
    else if (field.dataset.type === "json") body[field.name] = JSON.parse(value);
    else body[field.name] = value;
  }
  return body;
}

function show(output, ok, text) {
  if (!output) return;
  output.className = ok ? "ok" : "failed";
  output.textContent = text;
}

function setUpControls() {
  for (const form of document.querySelectorAll("form[data-admin-method]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const output = form.querySelector("output");
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        show(output, false, "Not done.");
        return;
      }
      let path = form.dataset.adminPath;
      if (form.dataset.adminId) path += encodeURIComponent(form.dataset.adminId);
      try {
        const result = await adminCall(form.dataset.adminMethod, path, formBody(form));
        const detail = typeof result.data === "string" ? result.data : JSON.stringify(result.data, null, 1);
        show(output, result.ok, `${result.status}: ${detail}`);
        if (result.ok && form.hasAttribute("data-reload")) window.location.reload();
      } catch (error) {
        show(output, false, String(error));
      }
    });
  }
}

function setUpCopyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const text = button.dataset.copy;
      try {
        await navigator.clipboard.writeText(text);
      } catch (_) {
        const area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      button.textContent = "copied";
      setTimeout(() => { button.textContent = "copy"; }, 1500);
    });
  }
}

// ---------------------------------------------------------------- live tables

function cell(text, options = {}) {
  const td = document.createElement("td");
  const inner = document.createElement(options.href ? "a" : "span");
  if (options.href) inner.href = options.href;
  if (options.className) inner.className = options.className;
  inner.textContent = text;
  td.appendChild(inner);
  for (const extra of options.extra || []) {
    td.appendChild(document.createTextNode(" "));
    const span = document.createElement("span");
    span.textContent = extra;
    td.appendChild(span);
  }
  return td;
}

function cssName(text) {
  return String(text).toLowerCase().replace(/[_ ]/g, "-").replace(/[^a-z0-9-]/g, "");
}

function recordHref(catalog, id) {
  if (/^pacinv-[A-Za-z0-9]{13}$/.test(id)) return `${UI}/catalogs/${encodeURIComponent(catalog)}/invitations/${id}`;
  if (/^pac-[A-Za-z0-9]{13}$/.test(id)) return `${UI}/catalogs/${encodeURIComponent(catalog)}/connections/${id}`;
  return null;
}

// One row of the events table, as the server renders it (pages.rs, event_row).
function eventRow(entry) {
  const e = entry.event || {};
  const d = entry.delivery || {};
  const catalog = (e.detail && e.detail.catalog) || "";
  const arn = (e.resources && e.resources[0]) || "";
  const id = arn.split("/").pop();
  const tr = document.createElement("tr");
  tr.appendChild(cell(String(entry.seq), { className: "mono" }));
  tr.appendChild(cell(e.time || ""));
  tr.appendChild(cell(e["detail-type"] || ""));
  tr.appendChild(cell(e.account || "", { href: `${UI}/accounts/${encodeURIComponent(e.account || "")}` }));
  tr.appendChild(cell(catalog));
  const href = recordHref(catalog, id);
  tr.appendChild(cell(id, href ? { href, className: "mono" } : { className: "mono" }));
  const extra = d.attempts > 0 ? [`${d.attempts} attempt(s)${d.last_error ? `, last error: ${d.last_error}` : ""}`] : [];
  tr.appendChild(cell(d.state || "", { className: `badge s-${cssName(d.state || "")}`, extra }));
  return tr;
}

// One row of the requests table (pages.rs, requests).
function requestRow(r) {
  const tr = document.createElement("tr");
  tr.appendChild(cell(r.time || ""));
  tr.appendChild(cell(r.request_id || "", { className: "mono" }));
  tr.appendChild(cell(r.account || ""));
  tr.appendChild(cell(r.service || ""));
  tr.appendChild(cell(r.operation || ""));
  tr.appendChild(cell(String(r.status), { className: `badge s-http-${Math.floor(r.status / 100)}xx` }));
  tr.appendChild(cell(r.error_type || ""));
  tr.appendChild(cell(Number(r.latency_ms).toFixed(2)));
  tr.appendChild(cell(r.replayed ? "yes" : ""));
  return tr;
}

// Service time, formatted as an event's "time" (whole seconds, UTC). The
// service clock can run ahead of the wall clock (`pcentral clock advance`), so
// it is asked for, never taken from the browser.
async function serviceTime() {
  const response = await fetch("/_pcentral/clock", { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const clock = await response.json();
  return String(clock.now).replace(/\.\d+Z$/, "Z");
}

// Per live table: its rows, and the time it was updated, in the clock its
// rows are in (events: service time; requests: the wall clock, UTC).
const LIVE = {
  events: {
    rows: (data) => (data.events || []).slice().reverse().map(eventRow),
    now: serviceTime,
  },
  requests: {
    rows: (data) => (data.requests || []).map(requestRow),
    now: async () => new Date().toISOString(),
  },
};

function setUpLiveTables() {
  for (const table of document.querySelectorAll("table[data-live]")) {
    const kind = LIVE[table.dataset.live];
    if (!kind) continue;
    const state = document.createElement("p");
    state.className = "live-state";
    state.textContent = "live";
    table.closest(".scroll").after(state);
    const refresh = async () => {
      try {
        const now = await kind.now();
        const response = await fetch(table.dataset.source, { credentials: "same-origin" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const rows = kind.rows(await response.json());
        table.tBodies[0].replaceChildren(...rows);
        const empty = table.closest(".scroll").parentElement.querySelector(".empty");
        if (empty) empty.hidden = rows.length > 0;
        state.textContent = `live · updated ${now}`;
        table.dataset.updated = String(Date.now());
      } catch (error) {
        state.textContent = `live updates paused: ${error}`;
      }
    };
    setInterval(refresh, 1500);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  setUpControls();
  setUpCopyButtons();
  setUpLiveTables();
});
