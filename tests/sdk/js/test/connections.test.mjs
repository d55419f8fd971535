// The two-party connection story, modeled exceptions, idempotency tokens,
// retries after a committed call, paginators and timestamps, all through the
// unmodified AWS SDK for JavaScript v3.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  AcceptConnectionInvitationCommand,
  CancelConnectionCommand,
  ConflictException,
  CreateConnectionInvitationCommand,
  GetConnectionCommand,
  GetConnectionInvitationCommand,
  InternalServerException,
  ListConnectionInvitationsCommand,
  ListConnectionsCommand,
  PartnerCentralAccountServiceException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  paginateListConnectionInvitations,
  paginateListConnections,
} from "@aws-sdk/client-partnercentral-account";

import {
  CATALOG, ENDPOINT, OC, SUB, addFault, client, faults, invitationInput, newAccount, publishedPartner,
} from "../lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function rejects(promise, klass) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof klass, `expected ${klass.name}, got ${e?.name}: ${e?.message}`);
    assert.ok(e instanceof PartnerCentralAccountServiceException);
    return e;
  }
  assert.fail(`expected ${klass.name}, the call succeeded`);
}

test("two partners connect, add a second type, and cancel it", async () => {
  const a = newAccount();
  const b = newAccount();
  const pa = await publishedPartner(a, "Alpha Display");
  const pb = await publishedPartner(b, "Beta Display");
  const ca = client(a);
  const cb = client(b);

  // A invites B's profile to OPPORTUNITY_COLLABORATION.
  const sent = await ca.send(new CreateConnectionInvitationCommand(invitationInput(OC, pb.profileId)));
  assert.equal(sent.$metadata.httpStatusCode, 200);
  assert.match(sent.$metadata.requestId, UUID);
  assert.match(sent.Id, /^pacinv-[a-z0-9]{13}$/);
  assert.equal(sent.ParticipantType, "SENDER");
  assert.equal(sent.OtherParticipantIdentifier, pb.profileId);
  assert.equal(sent.Status, "PENDING");
  assert.ok(sent.CreatedAt instanceof Date && sent.ExpiresAt instanceof Date);
  assert.equal(sent.ExpiresAt - sent.CreatedAt, 30 * 86400 * 1000, "invitations live 30 days");

  // B sees it as RECEIVER, with A's profile id (never A's account id).
  const listed = await cb.send(new ListConnectionInvitationsCommand({ Catalog: CATALOG, ParticipantType: "RECEIVER" }));
  assert.deepEqual(listed.ConnectionInvitationSummaries.map((s) => s.Id), [sent.Id]);
  assert.equal(listed.ConnectionInvitationSummaries[0].OtherParticipantIdentifier, pa.profileId);
  const got = await cb.send(new GetConnectionInvitationCommand({ Catalog: CATALOG, Identifier: sent.Id }));
  assert.equal(got.ParticipantType, "RECEIVER");
  assert.equal(got.OtherParticipantIdentifier, pa.profileId);
  assert.equal(got.InvitationMessage, "Let's work together");
  assert.ok(!JSON.stringify(got).includes(a), "the receiver never sees the sender's account id");

  // B accepts: one connection, seen from both sides.
  const accepted = await cb.send(new AcceptConnectionInvitationCommand({ Catalog: CATALOG, Identifier: sent.Id }));
  const cid = accepted.Connection.Id;
  assert.match(cid, /^pac-[a-z0-9]{13}$/);
  assert.equal(accepted.Connection.OtherParticipantAccountId, a);
  const fromA = await ca.send(new GetConnectionCommand({ Catalog: CATALOG, Identifier: cid }));
  const fromB = await cb.send(new GetConnectionCommand({ Catalog: CATALOG, Identifier: cid }));
  assert.equal(fromA.OtherParticipantAccountId, b);
  assert.equal(fromB.OtherParticipantAccountId, a);
  assert.deepEqual(fromA.ConnectionTypes[OC].OtherParticipant, {
    PartnerProfile: { Id: pb.profileId, Name: "Beta Display" },
  });
  assert.deepEqual(fromB.ConnectionTypes[OC].OtherParticipant, {
    PartnerProfile: { Id: pa.profileId, Name: "Alpha Display" },
  });
  assert.equal(fromA.ConnectionTypes[OC].Status, "ACTIVE");
  assert.ok(fromA.UpdatedAt instanceof Date, "timestamps are Date objects");
  assert.ok(fromA.ConnectionTypes[OC].CreatedAt instanceof Date);
  assert.ok(Math.abs(Date.now() - fromA.ConnectionTypes[OC].CreatedAt.getTime()) < 120_000);
  assert.equal(fromA.Arn, `arn:aws:partnercentral:us-east-1::catalog/${CATALOG}/connection/${cid}`);

  // A invites B's account id to SUBSIDIARY: the same connection gets a second type.
  const sub = await ca.send(new CreateConnectionInvitationCommand(invitationInput(SUB, b)));
  assert.equal(sub.OtherParticipantIdentifier, b);
  const accepted2 = await cb.send(new AcceptConnectionInvitationCommand({ Catalog: CATALOG, Identifier: sub.Id }));
  assert.equal(accepted2.Connection.Id, cid);
  assert.deepEqual(Object.keys(accepted2.Connection.ConnectionTypes).sort(), [OC, SUB]);

  // B cancels SUBSIDIARY; OPPORTUNITY_COLLABORATION stays.
  const canceled = await cb.send(
    new CancelConnectionCommand({ Catalog: CATALOG, Identifier: cid, ConnectionType: SUB, Reason: "done" }),
  );
  assert.equal(canceled.ConnectionTypes[SUB].Status, "CANCELED");
  assert.equal(canceled.ConnectionTypes[SUB].CanceledBy, b);
  assert.ok(canceled.ConnectionTypes[SUB].CanceledAt instanceof Date);
  assert.equal(canceled.ConnectionTypes[OC].Status, "ACTIVE");
  const found = await ca.send(new ListConnectionsCommand({ Catalog: CATALOG, ConnectionType: "SUBSIDIARY:CANCELED" }));
  assert.deepEqual(found.ConnectionSummaries.map((s) => s.Id), [cid]);
  const active = await ca.send(new ListConnectionsCommand({ Catalog: CATALOG, ConnectionType: "SUBSIDIARY:ACTIVE" }));
  assert.deepEqual(active.ConnectionSummaries, []);

  // Canceling again is a modeled ConflictException.
  const e = await rejects(
    cb.send(new CancelConnectionCommand({ Catalog: CATALOG, Identifier: cid, ConnectionType: SUB, Reason: "again" })),
    ConflictException,
  );
  assert.equal(e.Reason, "INCOMPATIBLE_CONNECTION_STATE");
  assert.equal(e.$metadata.httpStatusCode, 409);
});

test("modeled exceptions are classes with their members", async () => {
  const a = newAccount();
  await publishedPartner(a, "Gamma");
  const c = client(a, { maxAttempts: 1 });

  const nf = await rejects(
    c.send(new GetConnectionCommand({ Catalog: CATALOG, Identifier: "pac-zzzzzzzzzzzzz" })),
    ResourceNotFoundException,
  );
  assert.equal(nf.name, "ResourceNotFoundException");
  assert.equal(nf.Reason, "CONNECTION_NOT_FOUND");
  assert.equal(nf.$metadata.httpStatusCode, 404);
  assert.equal(nf.$fault, "client");
  assert.match(nf.message, /pac-zzzzzzzzzzzzz/, "the Message member becomes the error message");
  assert.match(nf.$metadata.requestId, UUID);

  // JS sends what it is given: the server validates and names every member.
  const v = await rejects(
    c.send(new CreateConnectionInvitationCommand({ Catalog: CATALOG, ConnectionType: "FRIENDSHIP", Email: "x" })),
    ValidationException,
  );
  assert.equal(v.Reason, "REQUEST_VALIDATION_FAILED");
  assert.equal(v.$metadata.httpStatusCode, 400);
  const fields = Object.fromEntries(
    v.ErrorDetails.map((d) => [d.FieldValidationError.Name, d.FieldValidationError.Code]),
  );
  assert.equal(fields.ConnectionType, "INVALID_ENUM_VALUE");
  assert.equal(fields.Email, "INVALID_STRING_FORMAT");
  assert.equal(fields.Message, "REQUIRED_FIELD_MISSING");
  assert.equal(fields.ReceiverIdentifier, "REQUIRED_FIELD_MISSING");
  assert.ok(!("ClientToken" in fields), "the client filled ClientToken in");

  // A business rule: SUBSIDIARY to oneself.
  const biz = await rejects(c.send(new CreateConnectionInvitationCommand(invitationInput(SUB, a))), ValidationException);
  assert.equal(biz.Reason, "BUSINESS_VALIDATION_FAILED");
  assert.equal(biz.ErrorDetails[0].BusinessValidationError.Code, "INCOMPATIBLE_CONNECTION_INVITATION_REQUEST");

  // An unknown operation-independent error (auth) is the service's base exception.
  const bad = new (c.constructor)({
    endpoint: ENDPOINT, region: "us-east-1", maxAttempts: 1,
    credentials: { accessKeyId: a, secretAccessKey: "not-test" },
  });
  const sig = await rejects(bad.send(new ListConnectionsCommand({ Catalog: CATALOG })), PartnerCentralAccountServiceException);
  assert.equal(sig.name, "InvalidSignatureException");
  assert.equal(sig.$metadata.httpStatusCode, 403);

  // Injected faults arrive as the modeled classes.
  await addFault({ kind: "throttle_before", operation: "ListConnections", account: a, remaining: 1 });
  const t = await rejects(c.send(new ListConnectionsCommand({ Catalog: CATALOG })), ThrottlingException);
  assert.equal(t.$metadata.httpStatusCode, 429);
  await addFault({ kind: "internal_before", operation: "ListConnections", account: a, remaining: 1 });
  const i = await rejects(c.send(new ListConnectionsCommand({ Catalog: CATALOG })), InternalServerException);
  assert.equal(i.$metadata.httpStatusCode, 500);
  assert.equal(i.$fault, "server");
  const ok = await c.send(new ListConnectionsCommand({ Catalog: CATALOG }));
  assert.deepEqual(ok.ConnectionSummaries, [], "both faults were used up");
});

test("ClientToken is filled in and makes retries and repeats idempotent", async () => {
  const a = newAccount();
  await publishedPartner(a, "Delta");
  const sent = [];
  const c = client(a, { sent });
  const r1 = await c.send(new CreateConnectionInvitationCommand(invitationInput(SUB, newAccount())));
  const r2 = await c.send(new CreateConnectionInvitationCommand(invitationInput(SUB, newAccount())));
  const tokens = sent.map((s) => s.body.ClientToken);
  assert.equal(tokens.length, 2);
  for (const t of tokens) {
    assert.match(t, UUID, "auto-filled token is a UUID");
  }
  assert.notEqual(tokens[0], tokens[1], "every call gets its own token");
  assert.notEqual(r1.Id, r2.Id);

  // The same explicit token and input: the first answer again, nothing new created.
  const receiver = newAccount();
  const again1 = await c.send(new CreateConnectionInvitationCommand(invitationInput(SUB, receiver, { ClientToken: "js-token-1" })));
  const again2 = await c.send(new CreateConnectionInvitationCommand(invitationInput(SUB, receiver, { ClientToken: "js-token-1" })));
  assert.equal(again2.Id, again1.Id);
  assert.equal(sent.at(-1).body.ClientToken, "js-token-1");
  // The same token with other input is a conflict.
  const e = await rejects(
    c.send(new CreateConnectionInvitationCommand(invitationInput(SUB, newAccount(), { ClientToken: "js-token-1" }))),
    ConflictException,
  );
  assert.equal(e.Reason, "CONFLICT_CLIENT_TOKEN");
  const all = await c.send(new ListConnectionInvitationsCommand({ Catalog: CATALOG }));
  assert.equal(all.ConnectionInvitationSummaries.length, 3);
});

test("a retry after a committed call gets the replayed success", async () => {
  const a = newAccount();
  const b = newAccount();
  await publishedPartner(a, "Epsilon");
  const pb = await publishedPartner(b, "Zeta");
  const inv = await client(a).send(new CreateConnectionInvitationCommand(invitationInput(OC, pb.profileId)));

  const rule = await addFault({
    kind: "internal_after_commit", operation: "AcceptConnectionInvitation", account: b, remaining: 1,
  });
  assert.match(rule.id, /^fault-/);
  assert.ok((await faults()).some((f) => f.id === rule.id));

  const sent = [];
  const cb = client(b, { sent });
  const accepted = await cb.send(new AcceptConnectionInvitationCommand({ Catalog: CATALOG, Identifier: inv.Id }));
  assert.equal(accepted.$metadata.attempts, 2, "the first attempt got the injected 500, the retry succeeded");
  assert.equal(sent.length, 2);
  assert.equal(sent[0].body.ClientToken, sent[1].body.ClientToken, "the retry reuses the token");
  assert.match(sent[0].body.ClientToken, UUID);
  assert.ok(!(await faults()).some((f) => f.id === rule.id), "the rule was used up");

  // Exactly one connection, and it is the one the replay named.
  for (const [account, other] of [[a, b], [b, a]]) {
    const list = await client(account).send(new ListConnectionsCommand({ Catalog: CATALOG }));
    assert.deepEqual(list.ConnectionSummaries.map((s) => s.Id), [accepted.Connection.Id]);
    assert.equal(list.ConnectionSummaries[0].OtherParticipantAccountId, other);
  }
  const now = await client(a).send(new GetConnectionInvitationCommand({ Catalog: CATALOG, Identifier: inv.Id }));
  assert.equal(now.Status, "ACCEPTED");
  assert.equal(now.ConnectionId, accepted.Connection.Id);

  // Throttling is retried by the client too: two throttles, then the call runs.
  await addFault({ kind: "throttle_before", operation: "GetConnection", account: b, remaining: 2 });
  const got = await cb.send(new GetConnectionCommand({ Catalog: CATALOG, Identifier: accepted.Connection.Id }));
  assert.equal(got.$metadata.attempts, 3);
  assert.equal(got.Id, accepted.Connection.Id);
});

test("paginators walk invitations and connections one item per page", async () => {
  const a = newAccount();
  await publishedPartner(a, "Eta");
  const receivers = [newAccount(), newAccount(), newAccount()];
  for (const r of receivers) {
    await publishedPartner(r, `Receiver ${r}`);
  }
  const sent = [];
  const ca = client(a, { sent });
  const created = [];
  for (const r of receivers) {
    created.push((await ca.send(new CreateConnectionInvitationCommand(invitationInput(SUB, r)))).Id);
  }
  const whole = await ca.send(new ListConnectionInvitationsCommand({ Catalog: CATALOG }));
  const order = whole.ConnectionInvitationSummaries.map((s) => s.Id);
  assert.deepEqual([...order].sort(), [...created].sort());
  const stamps = whole.ConnectionInvitationSummaries.map((s) => s.CreatedAt);
  assert.ok(stamps.every((d) => d instanceof Date));
  assert.deepEqual(stamps, [...stamps].sort((x, y) => y - x), "newest first");

  sent.length = 0;
  const pages = [];
  for await (const page of paginateListConnectionInvitations({ client: ca, pageSize: 1 }, { Catalog: CATALOG })) {
    pages.push(page);
  }
  assert.equal(pages.length, 3);
  assert.ok(pages.every((p) => p.ConnectionInvitationSummaries.length === 1));
  assert.deepEqual(pages.flatMap((p) => p.ConnectionInvitationSummaries.map((s) => s.Id)), order);
  assert.equal(pages.at(-1).NextToken, undefined);
  assert.ok(sent.every((s) => s.body.MaxResults === 1), "the page size goes out as MaxResults");
  assert.equal(sent[0].body.NextToken, undefined);
  assert.ok(sent.slice(1).every((s) => typeof s.body.NextToken === "string"));

  // Each receiver accepts: three connections for A.
  const ids = [];
  for (const [i, r] of receivers.entries()) {
    const inv = created[i];
    ids.push((await client(r).send(new AcceptConnectionInvitationCommand({ Catalog: CATALOG, Identifier: inv }))).Connection.Id);
  }
  const connPages = [];
  for await (const page of paginateListConnections({ client: ca, pageSize: 1 }, { Catalog: CATALOG })) {
    connPages.push(page);
  }
  assert.equal(connPages.length, 3);
  const walked = connPages.flatMap((p) => p.ConnectionSummaries.map((s) => s.Id));
  assert.deepEqual([...walked].sort(), [...ids].sort());
  assert.equal(new Set(walked).size, 3, "no connection twice");
  assert.ok(connPages.flatMap((p) => p.ConnectionSummaries).every((s) => s.UpdatedAt instanceof Date));
});

test("AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT is honoured without an explicit endpoint", async () => {
  const a = newAccount();
  const pa = await publishedPartner(a, "Theta");
  const script = `
    import { PartnerCentralAccountClient, GetProfileVisibilityCommand, ListPartnersCommand }
      from "@aws-sdk/client-partnercentral-account";
    const c = new PartnerCentralAccountClient({});
    const partners = await c.send(new ListPartnersCommand({ Catalog: "Sandbox" }));
    const id = partners.PartnerSummaryList[0].Id;
    const vis = await c.send(new GetProfileVisibilityCommand({ Catalog: "Sandbox", Identifier: id }));
    console.log(JSON.stringify({ ids: partners.PartnerSummaryList.map((p) => p.Id), profileId: vis.ProfileId }));
  `;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  Object.assign(env, {
    AWS_ENDPOINT_URL_PARTNERCENTRAL_ACCOUNT: ENDPOINT,
    AWS_ACCESS_KEY_ID: a,
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/nonexistent/pcentral-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/pcentral-credentials",
  });
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: dirname(HERE), env, encoding: "utf8", timeout: 60_000,
  });
  assert.equal(child.status, 0, `child failed: ${child.stderr}`);
  const out = JSON.parse(child.stdout.trim());
  assert.deepEqual(out.ids, [pa.partnerId]);
  assert.equal(out.profileId, pa.profileId);
});
