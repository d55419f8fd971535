"""The web console in a real browser: the two-party story on the overview and the graph,
expiry after a clock advance, fault rules, the live events and requests, the outbox,
hostile data shown as text, access beyond loopback, a narrow window and dark mode.
Screenshots of the main pages go to PCENTRAL_SCREENSHOTS (see scripts/console-screenshots)."""

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import random
import re
import secrets
import threading
import time

import boto3
from botocore.config import Config
import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import Server, http, screenshot, texts

SANDBOX = "Sandbox"
UI = "/_pcentral/ui"
HOSTILE = '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">'


def new_account():
    return str(random.randint(400000000000, 999999999999))


def tag():
    return secrets.token_hex(3)


def details(display):
    return {"DisplayName": display, "Description": "About us", "WebsiteUrl": "https://example.com",
            "LogoUrl": "https://example.com/logo.png", "PrimarySolutionType": "CONSULTING_SERVICES",
            "IndustrySegments": ["COMPUTER_SOFTWARE"], "TranslationSourceLocale": "en-US"}


def partner(client, legal_name, display=None):
    """A Sandbox partner (its profile published as `display`, when given): (id, profile id)."""
    created = client.create_partner(
        Catalog=SANDBOX, LegalName=legal_name, PrimarySolutionType="SOFTWARE_PRODUCTS",
        AllianceLeadContact={"FirstName": "Ana", "LastName": "Lee", "Email": f"lead-{tag()}@example.com",
                             "BusinessTitle": "Lead"},
        EmailVerificationCode="123456")
    if display is not None:
        client.start_profile_update_task(Catalog=SANDBOX, Identifier=created["Id"], TaskDetails=details(display))
    profile = client.get_partner(Catalog=SANDBOX, Identifier=created["Id"])["Profile"].get("ProfileId")
    return created["Id"], profile


def invite(client, kind, receiver, message="Let's sell together"):
    return client.create_connection_invitation(
        Catalog=SANDBOX, ConnectionType=kind, ReceiverIdentifier=receiver, Email="alice@example.com",
        Name="Alice Smith", Message=message)["Id"]


def two_parties(server, a_name=None):
    """A and B with published profiles: (a, b, clients, profile ids, legal names)."""
    a, b = new_account(), new_account()
    ca, cb = server.client(a), server.client(b)
    names = (a_name or f"Alpha Cloud {tag()}", f"Beta Data {tag()}")
    _, pa = partner(ca, names[0], "Alpha Display")
    _, pb = partner(cb, names[1], "Beta Display")
    return a, b, ca, cb, pa, pb, names


def live_rows(browser, *needles):
    """The live table's rows containing every needle (read in one step: the table is
    replaced as it refreshes)."""
    rows = browser.execute_script(
        "return [...document.querySelectorAll('table[data-live] tbody tr')].map(r => r.innerText)")
    return [r for r in rows if all(n in r for n in needles)]


def main_text(browser):
    return browser.find_element(By.TAG_NAME, "main").text


def submit(browser, form):
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def eventually(browser, check):
    """Wait until `check(browser)` is truthy, retrying while a navigation replaces the page."""
    def attempt(d):
        try:
            return check(d)
        except WebDriverException:
            return False
    return browser.wait.until(attempt)


def mark_page(browser):
    """Mark the current document, so that `wait_reloaded` can tell when it was replaced."""
    browser.execute_script("window.__oldPage = true")


def wait_reloaded(browser):
    """Wait until the marked document was replaced and the new one has loaded."""
    def replaced(d):
        try:
            return d.execute_script("return window.__oldPage === undefined && document.readyState === 'complete'")
        except WebDriverException:  # the old document is going away
            return False
    browser.wait.until(replaced)


def test_the_story_shows_on_the_overview_and_the_graph(server, browser):
    a, b, ca, cb, pa, pb, (legal_a, legal_b) = two_parties(server)
    connection = cb.accept_connection_invitation(
        Catalog=SANDBOX, Identifier=invite(ca, "OPPORTUNITY_COLLABORATION", pb))["Connection"]["Id"]
    pending = invite(ca, "SUBSIDIARY", b, "Linking our seller account")

    browser.get(server.url + UI + "/")
    overview = main_text(browser)
    for expected in [legal_a, legal_b, "Alpha Display", "Beta Display", connection, "OPPORTUNITY_COLLABORATION ACTIVE"]:
        assert expected in overview
    screenshot(browser, "overview")

    browser.get(f"{server.url}{UI}/catalogs/{SANDBOX}/graph")
    node_a = browser.find_element(By.CSS_SELECTOR, f'a.node[data-key="account:{a}"]')
    node_b = browser.find_element(By.CSS_SELECTOR, f'a.node[data-key="account:{b}"]')
    assert legal_a in node_a.text and "Alpha Display" in node_a.text and pa in node_a.text
    assert legal_b in node_b.text and pb in node_b.text
    edge = browser.find_element(By.CSS_SELECTOR, f'a.edge[data-key="connection:{connection}"]')
    assert "s-active" in edge.get_attribute("class")
    assert "OPPORTUNITY_COLLABORATION ACTIVE" in edge.text
    dashed = browser.find_element(By.CSS_SELECTOR, f'a.edge[data-key="invitation:{pending}"]')
    assert "invitation" in dashed.get_attribute("class") and "s-pending" in dashed.get_attribute("class")
    assert "SUBSIDIARY PENDING · expires" in dashed.text

    edge.find_element(By.CSS_SELECTOR, "text").click()
    browser.wait.until(EC.url_contains(f"select=connection%3A{connection}"))
    panel = browser.find_element(By.CSS_SELECTOR, "aside.selected").text
    assert connection in panel and "OPPORTUNITY_COLLABORATION" in panel and "History (events)" in panel

    browser.find_element(By.CSS_SELECTOR, f'a.node[data-key="account:{b}"] circle').click()
    browser.wait.until(EC.url_contains(f"select=account%3A{b}"))
    panel = browser.find_element(By.CSS_SELECTOR, "aside.selected").text
    assert legal_b in panel and "Partner Connection Invitation Received" in panel
    assert graph_overlaps(browser) == []
    screenshot(browser, "graph")


# Every place the graph's text could collide, measured by the browser in screen
# pixels: each edge label's box against the drawing's edge, every node (its circle
# and caption), every other label and every curve (sampled along its length);
# each node against the drawing's edge and the other nodes. Answers the collisions.
GRAPH_OVERLAPS = """
const svg = document.querySelector("figure.graph svg");
const panel = svg.getBoundingClientRect();
const box = (e) => e.getBoundingClientRect();
const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
const name = (e) => e.closest("a").dataset.key;
const labels = [...svg.querySelectorAll("text.edge-label")];
const nodes = [...svg.querySelectorAll("a.node")];
const curves = [...svg.querySelectorAll("a.edge path.line")].map((path) => {
  const m = path.getScreenCTM(), points = [];
  for (let s = 0, n = path.getTotalLength(); s <= n; s += 1) {
    const p = path.getPointAtLength(s);
    points.push(new DOMPoint(p.x, p.y).matrixTransform(m));
  }
  return { key: name(path), points };
});
const problems = [];
nodes.forEach((node, i) => {
  if (!inside(box(node), panel)) problems.push(`node ${name(node)} crosses the edge of the drawing`);
  nodes.slice(i + 1).forEach((other) => {
    if (meet(box(node), box(other))) problems.push(`node ${name(node)} meets node ${name(other)}`);
  });
});
labels.forEach((label, i) => {
  const r = box(label), what = `label "${label.textContent}" of ${name(label)}`;
  if (!inside(r, panel)) problems.push(`${what} crosses the edge of the drawing`);
  for (const node of nodes) if (meet(r, box(node))) problems.push(`${what} meets node ${name(node)}`);
  labels.slice(i + 1).forEach((other) => {
    if (meet(r, box(other))) problems.push(`${what} meets label "${other.textContent}"`);
  });
  for (const curve of curves) {
    if (curve.points.some((p) => p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom)) {
      problems.push(`${what} meets the curve of ${curve.key}`);
    }
  }
});
return problems;
"""


def graph_overlaps(browser):
    return browser.execute_script(GRAPH_OVERLAPS)


@pytest.fixture(scope="module")
def crowded():
    """A server of its own, with twelve partners of long names, their connections and invitations."""
    srv = Server()
    yield srv
    srv.stop()


def test_an_engagement_shows_on_its_page_and_the_graph(server, browser):
    a, b, ca, cb, pa, pb, _ = two_parties(server)
    cb.accept_connection_invitation(Catalog=SANDBOX, Identifier=invite(ca, "OPPORTUNITY_COLLABORATION", pb))
    sa, sb = (boto3.client("partnercentral-selling", endpoint_url=server.url, region_name="us-east-1",
                           aws_access_key_id=x, aws_secret_access_key="test") for x in (a, b))
    title = f"Co-sell {tag()}"
    engagement = sa.create_engagement(Catalog=SANDBOX, ClientToken=tag(), Title=title, Description="d")["Id"]
    sent = sa.create_engagement_invitation(
        Catalog=SANDBOX, ClientToken=tag(), EngagementIdentifier=engagement,
        Invitation={"Message": "Join", "Receiver": {"Account": {"AwsAccountId": b}},
                    "Payload": {"LeadInvitation": {"Customer": {"CompanyName": "Acme"},
                                                   "Interaction": {"ContactBusinessTitle": "CIO"}}}})
    sb.accept_engagement_invitation(Catalog=SANDBOX, Identifier=sent["Id"])

    browser.get(f"{server.url}{UI}/catalogs/{SANDBOX}/engagements?account={b}")
    assert title in main_text(browser) and engagement in main_text(browser)
    browser.find_element(By.LINK_TEXT, engagement).click()
    browser.wait.until(EC.url_contains(f"engagements/{engagement}"))
    page = main_text(browser)
    assert a in page and b in page and "Members" in page

    browser.get(f"{server.url}{UI}/catalogs/{SANDBOX}/graph")
    edge = browser.find_element(By.CSS_SELECTOR, f'a.edge[data-key="engagement:{engagement}"]')
    assert "engagement" in edge.get_attribute("class")
    assert f"ENGAGEMENT {title}" in edge.text
    edge.find_element(By.CSS_SELECTOR, "text").click()
    browser.wait.until(EC.url_contains(f"select=engagement%3A{engagement}"))
    assert title in browser.find_element(By.CSS_SELECTOR, "aside.selected").text


def test_a_crowded_graph_keeps_its_text_clear(crowded, browser):
    # Accounts in order, so the nodes sit in this order round the circle (the layout is the same every run).
    accounts = [str(700000000000 + 7919 * i) for i in range(12)]
    clients = [crowded.client(a) for a in accounts]
    profiles = []
    for i, client in enumerate(clients):
        legal = f"Consolidated Northwind Cloud Integration Partners {i} {tag()}"
        profiles.append(partner(client, legal, f"Northwind Integration Display Name {i}")[1])
    # The first invites everyone; neighbours on the circle are connected; one pair
    # has a connection and an invitation between them.
    pending = [invite(clients[0], "OPPORTUNITY_COLLABORATION", profiles[i]) for i in range(1, 12)]
    for i in range(1, 11):
        clients[i + 1].accept_connection_invitation(
            Catalog=SANDBOX, Identifier=invite(clients[i], "OPPORTUNITY_COLLABORATION", profiles[i + 1]))
    subsidiary = invite(clients[1], "SUBSIDIARY", accounts[2], "Linking our seller accounts")

    browser.get(f"{crowded.url}{UI}/catalogs/{SANDBOX}/graph")
    for account in accounts:
        browser.find_element(By.CSS_SELECTOR, f'a.node[data-key="account:{account}"]')
    assert len(browser.find_elements(By.CSS_SELECTOR, "a.edge")) >= 22
    screenshot(browser, "graph-crowded")
    assert graph_overlaps(browser) == []
    labels = browser.find_elements(By.CSS_SELECTOR, "text.edge-label")
    assert len(labels) * 2 >= 22, "at least half the edges have room for a label"
    for key in [f"invitation:{i}" for i in pending] + [f"invitation:{subsidiary}"]:
        edge = browser.find_element(By.CSS_SELECTOR, f'a.edge[data-key="{key}"]')
        full = edge.find_element(By.TAG_NAME, "title").get_attribute("textContent")
        assert " PENDING · expires " in full, "the tooltip has the whole label"
        shown = [t.text for t in edge.find_elements(By.CSS_SELECTOR, "text.edge-label")]
        assert all(t.endswith("…") and full.startswith(t[:-1]) for t in shown), (shown, full)
    # Long captions are shortened too, in full in the node's tooltip.
    node = browser.find_element(By.CSS_SELECTOR, f'a.node[data-key="account:{accounts[3]}"]')
    title = node.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    assert "Consolidated Northwind Cloud Integration Partners 3" in title and "registrant" not in title
    assert "…" in node.text and accounts[3] in node.text

    browser.get(f"{crowded.url}{UI}/catalogs/{SANDBOX}/graph?select=account:{accounts[0]}")
    assert graph_overlaps(browser) == []
    browser.set_window_size(900, 900)
    try:
        browser.get(f"{crowded.url}{UI}/catalogs/{SANDBOX}/graph")
        assert graph_overlaps(browser) == [], "the same at another scale"
    finally:
        browser.set_window_size(1280, 900)


def test_the_live_events_say_when_they_were_updated_in_service_time(crowded, browser):
    status, clock = crowded.admin("POST", "/_pcentral/clock/advance", {"by": "365d"})
    assert status == 200
    _, _, ca, _, _, pb, _ = two_parties(crowded)
    invite(ca, "OPPORTUNITY_COLLABORATION", pb)
    year = clock["now"][:4]
    assert int(year) > time.gmtime().tm_year, "service time is a year ahead of the wall clock"
    browser.get(f"{crowded.url}{UI}/events")
    state = browser.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".live-state").text.startswith("live ·")
                               and d.find_element(By.CSS_SELECTOR, ".live-state").text)
    updated = state.removeprefix("live · updated ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", updated), state
    assert updated[:4] == year and updated >= clock["now"][:19] + "Z", (updated, clock["now"])
    row_time = browser.find_element(By.CSS_SELECTOR, "table[data-live] tbody tr td:nth-child(2)").text
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row_time), "the rows' format"


def test_advancing_the_clock_expires_an_invitation(server, browser):
    a, b, ca, cb, pa, pb, _ = two_parties(server)
    pending = invite(ca, "OPPORTUNITY_COLLABORATION", pb)
    page = f"{server.url}{UI}/catalogs/{SANDBOX}/invitations/{pending}"
    browser.get(page)
    assert "PENDING" in browser.find_element(By.CSS_SELECTOR, ".facts .badge").text

    browser.get(server.url + UI + "/controls")
    form = browser.find_element(By.CSS_SELECTOR, 'form[data-admin-path="/_pcentral/clock/advance"]')
    field = form.find_element(By.NAME, "by")
    field.clear()
    field.send_keys("31d")
    mark_page(browser)
    submit(browser, form)
    wait_reloaded(browser)  # the page reloads after the call

    browser.get(page)
    assert browser.find_element(By.CSS_SELECTOR, ".facts .badge").text == "EXPIRED"
    browser.get(f"{server.url}{UI}/catalogs/{SANDBOX}/graph")
    edge = browser.find_element(By.CSS_SELECTOR, f'a.edge[data-key="invitation:{pending}"]')
    # The label may have had no room on a graph crowded by the other tests' accounts; the
    # edge's tooltip always holds the full text.
    full = edge.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    assert "s-expired" in edge.get_attribute("class") and "EXPIRED" in full
    listed = f"{server.url}{UI}/catalogs/{SANDBOX}/invitations?account={a}&status=EXPIRED"
    browser.get(listed)
    assert pending in main_text(browser)


def test_fault_rules_are_added_listed_and_removed(server, browser):
    account = new_account()
    browser.get(server.url + UI + "/controls")
    form = browser.find_element(By.CSS_SELECTOR, 'form[data-admin-method="POST"][data-admin-path="/_pcentral/faults"]')
    Select(form.find_element(By.NAME, "kind")).select_by_value("throttle_before")
    Select(form.find_element(By.NAME, "operation")).select_by_value("GetPartner")
    form.find_element(By.NAME, "account").send_keys(account)
    form.find_element(By.NAME, "remaining").send_keys("2")
    mark_page(browser)
    submit(browser, form)
    wait_reloaded(browser)
    row = browser.wait.until(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#faults tbody tr")
                                        if account in r.text])
    assert "GetPartner" in row[0].text and "throttle_before" in row[0].text
    rules = server.admin("GET", "/_pcentral/faults")[1]["faults"]
    assert [r["account"] for r in rules if r.get("account") == account] == [account]
    screenshot(browser, "controls")

    remove = row[0].find_element(By.CSS_SELECTOR, "button")
    remove.click()
    browser.wait.until(EC.alert_is_present()).dismiss()
    assert account in browser.find_element(By.ID, "faults").text, "a dismissed confirmation changes nothing"
    mark_page(browser)
    remove.click()
    browser.wait.until(EC.alert_is_present()).accept()
    wait_reloaded(browser)
    assert account not in browser.find_element(By.ID, "faults").text
    assert not [r for r in server.admin("GET", "/_pcentral/faults")[1]["faults"] if r.get("account") == account]


def test_acting_as_aws_refers_reviews_and_expires(server, browser):
    """The controls' "Act as AWS" forms: a referral sent from the console is accepted by the
    partner (boto3), reviewed from the console, and a second one expired from the console."""
    b = new_account()
    selling = boto3.client("partnercentral-selling", endpoint_url=server.url, region_name="us-east-1",
                           aws_access_key_id=b, aws_secret_access_key="test",
                           config=Config(retries={"total_max_attempts": 1}))
    browser.get(server.url + UI + "/controls")
    refer = browser.find_element(By.ID, "aws-refer")
    Select(refer.find_element(By.NAME, "catalog")).select_by_value(SANDBOX)
    refer.find_element(By.NAME, "receiver").send_keys(b)
    refer.find_element(By.NAME, "message").send_keys("From the console")
    submit(browser, refer)
    out = browser.wait.until(lambda d: refer.find_element(By.TAG_NAME, "output").text or None)
    assert out.startswith("200:"), out
    listed = selling.list_engagement_invitations(Catalog=SANDBOX, ParticipantType="RECEIVER")
    [invitation] = listed["EngagementInvitationSummaries"]
    assert invitation["SenderCompanyName"] == "AWS" and invitation["EngagementTitle"] == "Example project"
    task = selling.start_engagement_by_accepting_invitation_task(
        Catalog=SANDBOX, ClientToken=f"console-{b}", Identifier=invitation["Id"])
    assert task["TaskStatus"] == "COMPLETE", task

    review = browser.find_element(By.ID, "aws-review")
    Select(review.find_element(By.NAME, "catalog")).select_by_value(SANDBOX)
    review.find_element(By.NAME, "opportunity_id").send_keys(task["OpportunityId"])
    Select(review.find_element(By.NAME, "status")).select_by_visible_text("Action Required")
    review.find_element(By.NAME, "comments").send_keys("Add the address")
    submit(browser, review)
    out = browser.wait.until(lambda d: review.find_element(By.TAG_NAME, "output").text or None)
    assert out.startswith("200:") and "Action Required" in out, out
    got = selling.get_opportunity(Catalog=SANDBOX, Identifier=task["OpportunityId"])
    assert (got["LifeCycle"]["ReviewStatus"], got["LifeCycle"]["ReviewComments"]) == (
        "Action Required", "Add the address")
    # A second review finds it decided: the refusal shows under the form.
    submit(browser, review)
    browser.wait.until(lambda d: review.find_element(By.TAG_NAME, "output").text.startswith("409"))

    refer.find_element(By.NAME, "message").clear()
    submit(browser, refer)
    browser.wait.until(lambda d: refer.find_element(By.TAG_NAME, "output").text.startswith("200:"))
    expire = browser.find_element(By.ID, "aws-expire")
    Select(expire.find_element(By.NAME, "catalog")).select_by_value(SANDBOX)
    expire.find_element(By.NAME, "account").send_keys(b)
    submit(browser, expire)
    out = browser.wait.until(lambda d: expire.find_element(By.TAG_NAME, "output").text or None)
    assert out.startswith("200:"), out
    statuses = sorted(s["Status"] for s in selling.list_engagement_invitations(
        Catalog=SANDBOX, ParticipantType="RECEIVER")["EngagementInvitationSummaries"])
    assert statuses == ["ACCEPTED", "EXPIRED"]
    screenshot(browser, "controls-acting-as-aws")


class Webhook(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_events_page_follows_new_events_and_their_delivery(server, browser):
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        a, b, ca, cb, pa, pb, _ = two_parties(server)
        url = f"http://127.0.0.1:{hook.server_address[1]}/events"
        assert server.admin("POST", "/_pcentral/settings", {"events_webhook_url": url})[0] == 200
        browser.get(f"{server.url}{UI}/events?account={b}")
        browser.wait.until(lambda d: "live ·" in d.find_element(By.CSS_SELECTOR, ".live-state").text)
        browser.execute_script("window.__samePage = true")
        invitation = invite(ca, "OPPORTUNITY_COLLABORATION", pb)
        row = browser.wait.until(lambda d: live_rows(d, invitation, "delivered"))
        assert "Partner Connection Invitation Received" in row[0] and b in row[0]
        assert browser.execute_script("return window.__samePage === true"), "rows arrive without a reload"
        screenshot(browser, "events")
    finally:
        server.admin("POST", "/_pcentral/settings", {"events_webhook_url": ""})
        hook.shutdown()


def test_the_requests_page_follows_api_calls(server, browser):
    account = new_account()
    browser.get(server.url + UI + "/requests")
    browser.wait.until(lambda d: "live ·" in d.find_element(By.CSS_SELECTOR, ".live-state").text)
    server.client(account).list_partners(Catalog=SANDBOX)
    row = browser.wait.until(lambda d: live_rows(d, account))
    assert "ListPartners" in row[0] and "200" in row[0]
    # Request times are the wall clock in UTC; so is "updated", written the same way.
    state = browser.find_element(By.CSS_SELECTOR, ".live-state").text
    assert re.fullmatch(r"live · updated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", state), state
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", row[0]), row[0]


def test_the_outbox_shows_codes_newest_first_with_copy_buttons(server, browser):
    client = server.client(new_account())
    first, second = f"first-{tag()}@example.com", f"second-{tag()}@example.com"
    for address in (first, second):
        client.send_email_verification_code(Catalog="AWS", Email=address)
    browser.get(server.url + UI + "/outbox")
    rows = texts(browser, "main tbody tr")
    assert second in rows[0] and first in rows[1], "newest first"
    codes = server.admin("GET", "/_pcentral/outbox?address=" + second)[1]["messages"]
    button = browser.find_elements(By.CSS_SELECTOR, "main tbody tr")[0].find_element(By.CSS_SELECTOR, "button.copy")
    assert button.get_attribute("data-copy") == codes[-1]["code"]
    button.click()
    browser.wait.until(lambda d: button.text == "copied")


def assert_inert(browser, where):
    assert browser.execute_script("return window.__pwned === undefined"), f"a script ran on {where}"
    assert not browser.find_elements(By.CSS_SELECTOR, "body img"), f"markup was injected on {where}"
    assert browser.execute_script("return document.querySelectorAll('body script').length") == 0, where


def test_hostile_names_and_messages_render_as_text(server, browser):
    a, b, ca, cb, pa, pb, (legal_a, _) = two_parties(server, a_name=HOSTILE)
    invitation = invite(ca, "OPPORTUNITY_COLLABORATION", pb, message=HOSTILE)
    partner_id = ca.list_partners(Catalog=SANDBOX)["PartnerSummaryList"][0]["Id"]
    pages = {
        "overview": UI + "/",
        "partners": f"{UI}/catalogs/{SANDBOX}/partners?name=script",
        "partner": f"{UI}/catalogs/{SANDBOX}/partners/{partner_id}",
        "invitation": f"{UI}/catalogs/{SANDBOX}/invitations/{invitation}",
        "invitations": f"{UI}/catalogs/{SANDBOX}/invitations?account={a}",
        "graph": f"{UI}/catalogs/{SANDBOX}/graph?select=account:{a}",
        "graph edge": f"{UI}/catalogs/{SANDBOX}/graph?select=invitation:{invitation}",
    }
    for where, path in pages.items():
        browser.get(server.url + path)
        assert HOSTILE in browser.find_element(By.TAG_NAME, "body").text, f"{where} shows the text literally"
        assert_inert(browser, where)
        if where.startswith("graph"):
            assert graph_overlaps(browser) == [], where
    status, headers, _ = http("GET", server.url + pages["partner"])
    assert status == 200
    assert headers["Content-Security-Policy"].split(";")[0] == "default-src 'self'"
    assert headers["X-Content-Type-Options"] == "nosniff"


TOKEN = "console-" + secrets.token_hex(8)
CONSOLE_PATHS = [UI, UI + "/", UI + "/login", UI + "/controls", UI + "/events", UI + "/outbox", UI + "/requests",
                 UI + "/verifications", UI + "/static/console.js", UI + "/static/console.css",
                 f"{UI}/catalogs/{SANDBOX}/graph", f"{UI}/catalogs/{SANDBOX}/partners", f"{UI}/accounts/111111111111",
                 f"{UI}/catalogs/AWS/invitations", f"{UI}/no/such/page"]


@pytest.fixture(scope="module")
def mapped():
    """A server on the IPv4-mapped address: clients on 127.0.0.1 arrive as ::ffff:127.0.0.1,
    which is not loopback, so the admin token is needed."""
    srv = Server("--admin-token", TOKEN, "--allow-local-credentials", listen_host="::ffff:127.0.0.1")
    yield srv
    srv.stop()


def test_beyond_loopback_every_console_path_needs_the_token(mapped):
    for path in CONSOLE_PATHS:
        for method in ("GET", "POST"):
            status, headers, body = http(method, mapped.url + path, b"", {"Content-Type": "text/plain"})
            assert status == 403, f"{method} {path}: {status}"
            assert headers["Content-Security-Policy"].startswith("default-src 'self'"), path
    wrong = b"token=" + TOKEN[:-1].encode()
    assert http("POST", mapped.url + UI + "/login", wrong, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert http("POST", mapped.url + UI + "/logout", b"")[0] == 403
    assert mapped.admin("GET", "/_pcentral/faults")[0] == 403
    assert http("GET", mapped.url + UI + "/", headers={"x-pcentral-admin-token": TOKEN})[0] == 200


def test_a_browser_signs_in_with_the_token_and_uses_the_controls(mapped, browser):
    browser.get(mapped.url + UI + "/controls")
    field = browser.find_element(By.CSS_SELECTOR, 'input[name="token"]')
    field.send_keys("not-the-token")
    field.submit()
    assert eventually(browser, lambda d: "That is not the admin token." in d.find_element(By.CSS_SELECTOR, "[role=alert]").text)
    field = browser.find_element(By.CSS_SELECTOR, 'input[name="token"]')
    field.send_keys(TOKEN)
    field.submit()
    eventually(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Overview")
    cookie = browser.get_cookie("pcentral_admin_token")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/_pcentral/"
    assert "pcentral_admin_token" not in browser.execute_script("return document.cookie")
    try:
        browser.get(mapped.url + UI + "/controls")
        form = browser.find_element(By.CSS_SELECTOR, 'form[data-admin-method="POST"][data-admin-path="/_pcentral/faults"]')
        Select(form.find_element(By.NAME, "kind")).select_by_value("internal_before")
        Select(form.find_element(By.NAME, "operation")).select_by_value("ListConnections")
        mark_page(browser)
        submit(browser, form)
        wait_reloaded(browser)
        assert "ListConnections" in browser.find_element(By.ID, "faults").text
        status, rules = mapped.admin("GET", "/_pcentral/faults", headers={"x-pcentral-admin-token": TOKEN})
        assert status == 200 and [r["operation"] for r in rules["faults"]] == ["ListConnections"]
    finally:
        browser.delete_all_cookies()


def test_a_narrow_window_and_dark_mode(server, browser):
    two_parties(server)
    try:
        browser.set_window_size(420, 900)
        browser.get(server.url + UI + "/")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, "the page fits the window; wide tables scroll inside it"
        screenshot(browser, "overview-narrow")
    finally:
        browser.set_window_size(1280, 900)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        browser.get(f"{server.url}{UI}/catalogs/{SANDBOX}/graph")
        background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(20, 23, 28)", background
        assert graph_overlaps(browser) == [], "every account the other tests made, and their edges"
        screenshot(browser, "graph-dark")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_an_accounts_iam_users_are_listed_created_replaced_and_deleted(server, browser):
    account = new_account()
    browser.get(f"{server.url}{UI}/accounts/{account}")
    assert "No IAM users." in main_text(browser)
    put = 'form[data-admin-path="/_pcentral/iam/users"]'
    form = browser.find_element(By.CSS_SELECTOR, put)
    form.find_element(By.NAME, "user").send_keys("crm")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "partnercentral:ListOpportunities", "Resource": "*"}]}
    form.find_element(By.NAME, "policies").send_keys(json.dumps([{"name": "reader", "document": policy}]))
    form.find_element(By.NAME, "managed_policies").send_keys('["AWSPartnerCentralSandboxFullAccess"]')
    mark_page(browser)
    submit(browser, form)
    wait_reloaded(browser)
    text = main_text(browser)
    assert f"arn:aws:iam::{account}:user/crm" in text and "reader" in text, text
    assert "AWSPartnerCentralSandboxFullAccess" in text
    users = [u for u in server.admin("GET", "/_pcentral/iam/users")[1]["users"] if u["account"] == account]
    assert [(u["user"], [p["name"] for p in u["policies"]], u["managed_policies"]) for u in users] == [
        ("crm", ["reader"], ["AWSPartnerCentralSandboxFullAccess"])]

    # Replace: a bad document is refused with its place and changes nothing.
    form = browser.find_element(By.CSS_SELECTOR, put)
    form.find_element(By.NAME, "user").send_keys("crm")
    form.find_element(By.NAME, "policies").send_keys('[{"name": "broken", "document": {"Statement": "no"}}]')
    submit(browser, form)
    output = form.find_element(By.TAG_NAME, "output")
    eventually(browser, lambda d: output.text)
    assert "failed" in output.get_attribute("class"), output.text
    assert [u["version"] for u in server.admin("GET", "/_pcentral/iam/users")[1]["users"]
            if u["account"] == account] == [users[0]["version"]]

    # Replace with managed policies only.
    browser.get(f"{server.url}{UI}/accounts/{account}")
    form = browser.find_element(By.CSS_SELECTOR, put)
    form.find_element(By.NAME, "user").send_keys("crm")
    form.find_element(By.NAME, "policies").send_keys("[]")
    form.find_element(By.NAME, "managed_policies").send_keys('["AWSPartnerCentralSandboxFullAccess"]')
    mark_page(browser)
    submit(browser, form)
    wait_reloaded(browser)
    assert "reader" not in main_text(browser)

    delete = browser.find_element(By.CSS_SELECTOR, 'form[data-admin-path="/_pcentral/iam/users/delete"]')
    mark_page(browser)
    submit(browser, delete)
    browser.wait.until(EC.alert_is_present()).accept()
    wait_reloaded(browser)
    assert "No IAM users." in main_text(browser)
    assert not [u for u in server.admin("GET", "/_pcentral/iam/users")[1]["users"] if u["account"] == account]
