// IAM users' policies (docs/security.md#iam-users-and-policies) through the
// unmodified JS v3 SDKs: a key of a user whose policy allows
// ListOpportunities in the Sandbox catalog makes that call, and is refused
// GetPartner on the Account API with the AccessDeniedException AWS answers
// (403, Reason ACCESS_DENIED, AWS's wording), parsed as the SDK's own class.

import assert from "node:assert/strict";
import { test } from "node:test";

import { AccessDeniedException, GetPartnerCommand, PartnerCentralAccountClient } from "@aws-sdk/client-partnercentral-account";
import { ListOpportunitiesCommand, PartnerCentralSellingClient } from "@aws-sdk/client-partnercentral-selling";

import { CATALOG, ENDPOINT, REGION, admin, newAccount } from "../lib.mjs";

const POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: "partnercentral:ListOpportunities",
      Resource: "*",
      Condition: { StringEquals: { "partnercentral:Catalog": "Sandbox" } },
    },
  ],
};

test("a user's policy allows one call and refuses another", async () => {
  const account = newAccount();
  const [status, key] = await admin("POST", "/_pcentral/credentials", {
    account,
    user: "reader",
    managed_policies: [],
    policies: [{ name: "p", document: POLICY }],
  });
  assert.equal(status, 200, JSON.stringify(key));
  const credentials = { accessKeyId: key.access_key_id, secretAccessKey: key.secret_access_key };
  const selling = new PartnerCentralSellingClient({ endpoint: ENDPOINT, region: REGION, credentials, maxAttempts: 1 });
  const listed = await selling.send(new ListOpportunitiesCommand({ Catalog: CATALOG }));
  assert.equal(listed.$metadata.httpStatusCode, 200);
  assert.deepEqual(listed.OpportunitySummaries, []);

  const accountApi = new PartnerCentralAccountClient({ endpoint: ENDPOINT, region: REGION, credentials, maxAttempts: 1 });
  const e = await accountApi.send(new GetPartnerCommand({ Catalog: CATALOG, Identifier: "partner-abcdefghijklm" })).then(
    () => assert.fail("GetPartner was allowed"),
    (err) => err,
  );
  assert.ok(e instanceof AccessDeniedException, `${e.name}: ${e.message}`);
  assert.equal(e.$metadata.httpStatusCode, 403);
  assert.equal(e.Reason, "ACCESS_DENIED");
  assert.match(
    e.message,
    new RegExp(
      `^User: arn:aws:iam::${account}:user/reader is not authorized to perform: partnercentral:GetPartner on resource: ` +
        `arn:aws:partnercentral:${REGION}:${account}:catalog/${CATALOG}/partner/partner-abcdefghijklm ` +
        "because no identity-based policy allows the partnercentral:GetPartner action$",
    ),
  );
});
