// Opportunities of the Selling API through the unmodified
// @aws-sdk/client-partnercentral-selling on the same endpoint as the Account
// API: create, get, list pages, an update on a stale LastModifiedDate,
// submit, associate, the AWS summary, tags, assign, and a validation error
// parsed with its fields (docs/behaviour.md#opportunities), and the endpoint
// taken from AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  AssignOpportunityCommand,
  AssociateOpportunityCommand,
  ConflictException,
  CreateOpportunityCommand,
  GetAwsOpportunitySummaryCommand,
  GetOpportunityCommand,
  ListOpportunitiesCommand,
  ListTagsForResourceCommand,
  PartnerCentralSellingClient,
  ResourceNotFoundException,
  SubmitOpportunityCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateOpportunityCommand,
  ValidationException,
  paginateListOpportunities,
} from "@aws-sdk/client-partnercentral-selling";

import { CATALOG, ENDPOINT, REGION, admin, newAccount } from "../lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const SOLUTION = "S-0000001";

function selling(account) {
  return new PartnerCentralSellingClient({
    endpoint: ENDPOINT,
    region: REGION,
    credentials: { accessKeyId: account, secretAccessKey: "test" },
    maxAttempts: 1,
  });
}

function opportunity(company, extra = {}) {
  return {
    Catalog: CATALOG,
    Customer: {
      Account: {
        CompanyName: company,
        Industry: "Software and Internet",
        WebsiteUrl: "https://acme.example",
        Address: { CountryCode: "US", PostalCode: "99502", StateOrRegion: "Alaska", City: "Anchorage" },
      },
      Contacts: [{ Email: "buyer@acme.example", FirstName: "Bo", LastName: "Yer", BusinessTitle: "CIO" }],
    },
    Project: {
      Title: "Migration",
      CustomerBusinessProblem: "Their data centre lease ends next year.",
      DeliveryModels: ["SaaS or PaaS"],
      ExpectedCustomerSpend: [{ Amount: "5000", CurrencyCode: "USD", Frequency: "Monthly", TargetCompany: "AWS" }],
    },
    LifeCycle: { Stage: "Prospect", TargetCloseDate: "2027-06-30", NextSteps: "Call them" },
    Marketing: { Source: "None" },
    OpportunityType: "Net New Business",
    PrimaryNeedsFromAws: ["Co-Sell - Architectural Validation"],
    PartnerOpportunityIdentifier: "crm-js",
    ...extra,
  };
}

/** The members of a GetOpportunity answer that UpdateOpportunity takes. */
function editable(got) {
  const keep = ["PrimaryNeedsFromAws", "NationalSecurity", "PartnerOpportunityIdentifier", "Customer", "Project",
    "OpportunityType", "Marketing", "SoftwareRevenue", "LifeCycle"];
  return Object.fromEntries(keep.filter((k) => got[k] !== undefined).map((k) => [k, structuredClone(got[k])]));
}

async function rejects(promise, klass) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof klass, `expected ${klass.name}, got ${e?.name}: ${e?.message}`);
    return e;
  }
  assert.fail(`expected ${klass.name}, the call succeeded`);
}

test("the opportunity flow through the JavaScript Selling client", async () => {
  const account = newAccount();
  const c = selling(account);

  // Create three, get one: dates are Date objects, the id and ARN have their forms.
  const made = [];
  for (const company of ["Alpha", "Beta", "Gamma"]) {
    made.push(await c.send(new CreateOpportunityCommand(opportunity(company))));
  }
  const [first] = made;
  assert.match(first.Id, /^O\d+$/);
  assert.ok(first.LastModifiedDate instanceof Date);
  assert.equal(first.PartnerOpportunityIdentifier, "crm-js");
  const got = await c.send(new GetOpportunityCommand({ Catalog: CATALOG, Identifier: first.Id }));
  assert.equal(got.$metadata.httpStatusCode, 200);
  assert.equal(got.Arn, `arn:aws:partnercentral:us-east-1:${account}:catalog/Sandbox/opportunity/${first.Id}`);
  assert.equal(got.Customer.Account.CompanyName, "Alpha");
  assert.equal(got.LifeCycle.ReviewStatus, "Pending Submission");
  assert.equal(got.LastModifiedDate.getTime(), first.LastModifiedDate.getTime());

  // List in pages of one, by hand and through the paginator.
  const page1 = await c.send(new ListOpportunitiesCommand({ Catalog: CATALOG, MaxResults: 1 }));
  assert.equal(page1.OpportunitySummaries.length, 1);
  assert.ok(page1.NextToken);
  const page2 = await c.send(new ListOpportunitiesCommand({ Catalog: CATALOG, MaxResults: 1, NextToken: page1.NextToken }));
  assert.notEqual(page2.OpportunitySummaries[0].Id, page1.OpportunitySummaries[0].Id);
  const seen = [];
  for await (const page of paginateListOpportunities({ client: c, pageSize: 2 }, { Catalog: CATALOG })) {
    seen.push(...page.OpportunitySummaries.map((s) => s.Id));
  }
  assert.deepEqual([...seen].sort(), made.map((m) => m.Id).sort());

  // Update with the date read, then again with that (now stale) date: ConflictException, nothing stored.
  const changed = editable(got);
  changed.LifeCycle.Stage = "Qualified";
  const updated = await c.send(new UpdateOpportunityCommand({
    Catalog: CATALOG, Identifier: first.Id, LastModifiedDate: got.LastModifiedDate, ...changed,
  }));
  assert.ok(updated.LastModifiedDate > got.LastModifiedDate);
  const now = await c.send(new GetOpportunityCommand({ Catalog: CATALOG, Identifier: first.Id }));
  assert.equal(now.LifeCycle.Stage, "Qualified");
  const stale = editable(got);
  stale.LifeCycle.Stage = "Committed";
  const conflict = await rejects(c.send(new UpdateOpportunityCommand({
    Catalog: CATALOG, Identifier: first.Id, LastModifiedDate: got.LastModifiedDate, ...stale,
  })), ConflictException);
  assert.equal(conflict.$metadata.httpStatusCode, 409);
  const after = await c.send(new GetOpportunityCommand({ Catalog: CATALOG, Identifier: first.Id }));
  assert.equal(after.LifeCycle.Stage, "Qualified");
  assert.equal(after.LastModifiedDate.getTime(), now.LastModifiedDate.getTime());

  // Associate a solution, submit, read the AWS opportunity summary.
  await c.send(new AssociateOpportunityCommand({
    Catalog: CATALOG, OpportunityIdentifier: first.Id, RelatedEntityType: "Solutions",
    RelatedEntityIdentifier: SOLUTION,
  }));
  await c.send(new SubmitOpportunityCommand({
    Catalog: CATALOG, Identifier: first.Id, InvolvementType: "Co-Sell", Visibility: "Full",
  }));
  const submitted = await c.send(new GetOpportunityCommand({ Catalog: CATALOG, Identifier: first.Id }));
  assert.equal(submitted.LifeCycle.ReviewStatus, "Submitted");
  assert.deepEqual(submitted.RelatedEntityIdentifiers.Solutions, [SOLUTION]);
  const summary = await c.send(new GetAwsOpportunitySummaryCommand({
    Catalog: CATALOG, RelatedOpportunityIdentifier: first.Id,
  }));
  assert.equal(summary.RelatedOpportunityId, first.Id);
  assert.equal(summary.InvolvementType, "Co-Sell");
  assert.equal(summary.Origin, "Partner Referral");
  assert.deepEqual(summary.RelatedEntityIds.Solutions, [SOLUTION]);
  await rejects(c.send(new GetAwsOpportunitySummaryCommand({
    Catalog: CATALOG, RelatedOpportunityIdentifier: made[1].Id,
  })), ResourceNotFoundException);

  // Tags on the opportunity's ARN.
  const arn = got.Arn;
  await c.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "team", Value: "east" }, { Key: "tier", Value: "1" }] }));
  await c.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["tier"] }));
  const tags = await c.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
  assert.deepEqual(tags.Tags, [{ Key: "team", Value: "east" }]);

  // Assign another owner.
  await c.send(new AssignOpportunityCommand({
    Catalog: CATALOG, Identifier: made[1].Id,
    Assignee: { Email: "owner@p.example", FirstName: "New", LastName: "Owner", BusinessTitle: "PartnerAccountManager" },
  }));
  const assigned = await c.send(new GetOpportunityCommand({ Catalog: CATALOG, Identifier: made[1].Id }));
  assert.deepEqual(assigned.OpportunityTeam.map((m) => m.Email), ["owner@p.example"]);

  // Another account sees none of it.
  const other = selling(newAccount());
  await rejects(other.send(new GetOpportunityCommand({ Catalog: CATALOG, Identifier: first.Id })), ResourceNotFoundException);
  const none = await other.send(new ListOpportunitiesCommand({ Catalog: CATALOG }));
  assert.deepEqual(none.OpportunitySummaries, []);
});

test("a validation error is parsed with its reason and every field, and stores nothing", async () => {
  const account = newAccount();
  const c = selling(account);
  const bad = opportunity("Refused");
  bad.LifeCycle.TargetCloseDate = "2027-13-45";
  bad.Customer.Account.WebsiteUrl = "x";
  const e = await rejects(c.send(new CreateOpportunityCommand(bad)), ValidationException);
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.equal(e.Reason, "REQUEST_VALIDATION_FAILED");
  assert.deepEqual(e.ErrorList.map((x) => x.FieldName).sort(), ["Customer.Account.WebsiteUrl", "LifeCycle.TargetCloseDate"]);
  for (const x of e.ErrorList) {
    assert.ok(x.Message, "every field has a message");
    assert.ok(x.Code, "every field has a code");
  }
  const listed = await c.send(new ListOpportunitiesCommand({ Catalog: CATALOG }));
  assert.deepEqual(listed.OpportunitySummaries, []);
  const [status, exported] = await admin("GET", "/_pcentral/export");
  assert.equal(status, 200);
  assert.deepEqual((exported.opportunities ?? []).filter((o) => o.owner === account), []);
});

test("AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING is honoured without an explicit endpoint", async () => {
  const account = newAccount();
  const made = await selling(account).send(new CreateOpportunityCommand(opportunity("Env Corp")));
  const script = `
    import { PartnerCentralSellingClient, ListOpportunitiesCommand }
      from "@aws-sdk/client-partnercentral-selling";
    const c = new PartnerCentralSellingClient({});
    const listed = await c.send(new ListOpportunitiesCommand({ Catalog: "Sandbox" }));
    console.log(JSON.stringify(listed.OpportunitySummaries.map((s) => s.Id)));
  `;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  Object.assign(env, {
    AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING: ENDPOINT,
    AWS_ACCESS_KEY_ID: account,
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/nonexistent/pcentral-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/pcentral-credentials",
  });
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: dirname(HERE), env, encoding: "utf8", timeout: 60_000,
  });
  assert.equal(child.status, 0, `child failed: ${child.stderr}`);
  assert.deepEqual(JSON.parse(child.stdout.trim()), [made.Id]);
});
