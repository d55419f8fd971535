// Every command the pinned @aws-sdk/client-partnercentral-selling exports is
// served: each, sent a minimal input built from the botocore model's shapes
// (crates/model/services/partnercentral-selling/service.json), answers success
// or an error its model lists — never NotImplementedException or
// UnknownOperationException, never a status of 500 or more.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import * as selling from "@aws-sdk/client-partnercentral-selling";

import { CATALOG, ENDPOINT, REGION, newAccount } from "../lib.mjs";

const MODEL = JSON.parse(
  readFileSync(
    new URL("../../../../crates/model/services/partnercentral-selling/service.json", import.meta.url),
    "utf8",
  ),
);

// Minimal valid values for required members, by shape name (anything else is
// built from the shape's type and constraints).
const SAMPLES = {
  CatalogIdentifier: CATALOG,
  TaggableResourceArn:
    "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/opportunity/O0123456789",
  ClientToken: "token-1",
  AwsAccountId: "111111111111",
  Email: "ops@example.com",
  Url: "https://example.com",
  CountryCode: "US",
};

function sample(name, depth = 0) {
  if (name in SAMPLES) return SAMPLES[name];
  const shape = MODEL.shapes[name];
  switch (shape.type) {
    case "structure": {
      // This model lists members as [{name, shape}].
      const members = Object.fromEntries((shape.members ?? []).map((m) => [m.name, m]));
      const names = Object.keys(members).sort();
      if (shape.union) return { [names[0]]: sample(members[names[0]].shape, depth + 1) };
      let wanted = shape.required ?? [];
      if (depth > 0 && wanted.length === 0 && names.length > 0) wanted = [names[0]];
      return Object.fromEntries(wanted.map((n) => [n, sample(members[n].shape, depth + 1)]));
    }
    case "list":
      return shape.min ? [sample(shape.member.shape, depth + 1)] : [];
    case "map":
      return {};
    case "string":
      if (shape.enum) return shape.enum[0];
      return "x".repeat(Math.max(1, shape.min ?? 1));
    case "integer":
    case "long":
    case "double":
      return Math.max(1, shape.min ?? 1);
    case "boolean":
      return false;
    case "timestamp":
      return new Date("2026-01-01T00:00:00Z");
    default:
      return undefined;
  }
}

const COMMANDS = Object.keys(selling)
  .filter((k) => /^[A-Z]\w+Command$/.test(k))
  .sort();

test("the client exports commands that the model knows", () => {
  assert.ok(COMMANDS.length >= 40, `only ${COMMANDS.length} commands`);
  for (const k of COMMANDS) {
    const op = k.slice(0, -"Command".length);
    assert.ok(MODEL.operations[op], `${op} is not in the botocore model`);
  }
});

for (const commandName of COMMANDS) {
  const op = commandName.slice(0, -"Command".length);
  test(`${op} is served`, async () => {
    const client = new selling.PartnerCentralSellingClient({
      endpoint: ENDPOINT,
      region: REGION,
      credentials: { accessKeyId: newAccount(), secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const inputShape = MODEL.operations[op].input?.shape;
    const input = inputShape ? sample(inputShape) : {};
    try {
      const out = await client.send(new selling[commandName](input));
      assert.ok(out.$metadata.httpStatusCode < 300, `${op}: ${out.$metadata.httpStatusCode}`);
    } catch (e) {
      if (!e.$metadata) throw e;
      const status = e.$metadata.httpStatusCode;
      assert.ok(
        !["NotImplementedException", "UnknownOperationException"].includes(e.name),
        `${op}: ${e.name}: ${e.message}`,
      );
      assert.ok(status < 500, `${op}: ${status} ${e.name}: ${e.message}`);
      assert.ok(status !== 404 || e.name === "ResourceNotFoundException", `${op}: 404 ${e.name}`);
      // The error is one the operation's model lists (or a common one every operation may answer).
      const listed = (MODEL.operations[op].errors ?? []).map((x) => x.shape);
      const common = ["AccessDeniedException", "ValidationException", "ThrottlingException", "ServiceQuotaExceededException"];
      assert.ok(
        listed.includes(e.name) || common.includes(e.name),
        `${op}: ${e.name} is not among its model's errors ${listed}`,
      );
    }
  });
}
