// Shared helpers for the JavaScript v3 suite. run.sh starts the server and
// passes its URL in PCENTRAL_ENDPOINT; every test uses its own random accounts.

import { randomBytes, randomInt } from "node:crypto";

import {
  CreatePartnerCommand,
  GetProfileUpdateTaskCommand,
  GetProfileVisibilityCommand,
  PartnerCentralAccountClient,
  SendEmailVerificationCodeCommand,
  StartProfileUpdateTaskCommand,
} from "@aws-sdk/client-partnercentral-account";

export const ENDPOINT = process.env.PCENTRAL_ENDPOINT;
if (!ENDPOINT) {
  throw new Error("PCENTRAL_ENDPOINT is not set: run the suite with tests/sdk/js/run.sh");
}
export const CATALOG = "Sandbox";
export const REGION = "us-east-1";
export const OC = "OPPORTUNITY_COLLABORATION";
export const SUB = "SUBSIDIARY";

const used = new Set(["000000000000", "111111111111", "222222222222", "333333333333"]);

/** A fresh random 12-digit account id. */
export function newAccount() {
  for (;;) {
    const id = String(randomInt(100000, 999999)) + String(randomInt(100000, 999999));
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

export function uniq(prefix) {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/**
 * A client for `account` (access key id = account id, secret "test").
 * `sent` collects the JSON body of every attempt the client sends.
 */
export function client(account, { maxAttempts, sent } = {}) {
  const c = new PartnerCentralAccountClient({
    endpoint: ENDPOINT,
    region: REGION,
    credentials: { accessKeyId: account, secretAccessKey: "test" },
    ...(maxAttempts ? { maxAttempts } : {}),
  });
  if (sent) {
    c.middlewareStack.add(
      (next, context) => async (args) => {
        const target = args.request.headers["x-amz-target"];
        const raw = args.request.body;
        const text = typeof raw === "string" ? raw : new TextDecoder().decode(raw);
        sent.push({ operation: target.split(".")[1], body: JSON.parse(text) });
        return next(args);
      },
      { step: "finalizeRequest", name: "pcentralCaptureBody", priority: "low" },
    );
  }
  return c;
}

/** Call the admin API; answers [status, parsed JSON]. */
export async function admin(method, path, body) {
  const res = await fetch(ENDPOINT + path, {
    method,
    // Every admin call but GET and HEAD says it is one (docs/security.md, the admin gate).
    headers: method === "GET" || method === "HEAD" ? {} : { "content-type": "application/json", "x-pcentral-admin": "1" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return [res.status, await res.json()];
}

export const taskDetails = (displayName) => ({
  DisplayName: displayName,
  Description: "We build example things for example customers.",
  WebsiteUrl: "https://www.example.com",
  LogoUrl: "https://www.example.com/logo.png",
  PrimarySolutionType: "CONSULTING_SERVICES",
  IndustrySegments: ["COMPUTER_SOFTWARE"],
  TranslationSourceLocale: "en-US",
});

/**
 * Register a partner for `account` in Sandbox (code sent, any 6 digits accepted),
 * publish its profile and answer { partnerId, profileId }.
 */
export async function publishedPartner(account, displayName) {
  const c = client(account);
  const email = `${uniq("lead")}@example.com`;
  await c.send(new SendEmailVerificationCodeCommand({ Catalog: CATALOG, Email: email }));
  const partner = await c.send(
    new CreatePartnerCommand({
      Catalog: CATALOG,
      LegalName: uniq(`${displayName} Legal`),
      PrimarySolutionType: "SOFTWARE_PRODUCTS",
      AllianceLeadContact: { FirstName: "Ana", LastName: "Lee", Email: email, BusinessTitle: "Alliance Lead" },
      EmailVerificationCode: "123456",
    }),
  );
  await c.send(
    new StartProfileUpdateTaskCommand({
      Catalog: CATALOG,
      Identifier: partner.Id,
      TaskDetails: taskDetails(displayName),
    }),
  );
  const task = await c.send(new GetProfileUpdateTaskCommand({ Catalog: CATALOG, Identifier: partner.Id }));
  if (task.Status !== "SUCCEEDED") {
    throw new Error(`profile task not SUCCEEDED: ${task.Status}`);
  }
  const vis = await c.send(new GetProfileVisibilityCommand({ Catalog: CATALOG, Identifier: partner.Id }));
  return { partnerId: partner.Id, profileId: vis.ProfileId };
}

export function invitationInput(connectionType, receiver, extra = {}) {
  return {
    Catalog: CATALOG,
    ConnectionType: connectionType,
    Email: "ana@example.com",
    Message: "Let's work together",
    Name: "Ana Lee",
    ReceiverIdentifier: receiver,
    ...extra,
  };
}

/** Add a fault rule through the admin API; answers the stored rule. */
export async function addFault(rule) {
  const [status, body] = await admin("POST", "/_pcentral/faults", rule);
  if (status !== 200) {
    throw new Error(`adding fault ${JSON.stringify(rule)}: ${status} ${JSON.stringify(body)}`);
  }
  return body;
}

/** The fault rules in force. */
export async function faults() {
  const [status, body] = await admin("GET", "/_pcentral/faults");
  if (status !== 200) {
    throw new Error(`listing faults: ${status}`);
  }
  return body.faults;
}
