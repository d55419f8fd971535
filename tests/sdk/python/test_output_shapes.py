"""Every successful answer matches the model's output shape, checked on the raw JSON body.

boto3 is wrapped (an `after-call` hook) to keep the raw body of every successful call made during
a story that uses every served operation; each body is then checked against the operation's
output shape: every required member present (recursively), no member the model does not define,
JSON types as the shape says, unions with exactly one member, timestamps as RFC 3339 strings."""

import json
import re

import botocore.loaders
from botocore.exceptions import ClientError

from helpers import CATALOG, create_partner, new_account, publish, task_details

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")


def shape_errors(shapes, shape_name, value, path):
    s = shapes[shape_name]
    t = s["type"]
    errs = []
    if t == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {value!r}"]
        members = s.get("members", {})
        for m in s.get("required", []):
            if m not in value:
                errs.append(f"{path}.{m}: required member missing")
        for k, v in value.items():
            if k not in members:
                errs.append(f"{path}.{k}: not a member of {shape_name}")
            elif v is None:
                errs.append(f"{path}.{k}: null (absent members must be left out)")
            else:
                errs.extend(shape_errors(shapes, members[k]["shape"], v, f"{path}.{k}"))
        if s.get("union") and len(value) != 1:
            errs.append(f"{path}: union {shape_name} must have exactly one member, has {sorted(value)}")
    elif t == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {value!r}"]
        for i, item in enumerate(value):
            errs.extend(shape_errors(shapes, s["member"]["shape"], item, f"{path}[{i}]"))
    elif t == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {value!r}"]
        for k, v in value.items():
            errs.extend(shape_errors(shapes, s["key"]["shape"], k, f"{path}<key>"))
            errs.extend(shape_errors(shapes, s["value"]["shape"], v, f"{path}[{k}]"))
    elif t == "string":
        if not isinstance(value, str):
            errs.append(f"{path}: expected a string, got {value!r}")
    elif t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errs.append(f"{path}: expected an integer, got {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            errs.append(f"{path}: expected a boolean, got {value!r}")
    elif t == "timestamp":
        if not isinstance(value, str) or not TS.match(value):
            errs.append(f"{path}: expected an RFC 3339 UTC timestamp string, got {value!r}")
    else:
        errs.append(f"{path}: unhandled shape type {t}")
    return errs


def test_shape_checker_catches_defects():
    shapes = botocore.loaders.Loader().load_service_model("partnercentral-account", "service-2")["shapes"]
    out = shapes["GetConnectionPreferencesResponse"]
    good = {"Catalog": "Sandbox", "Arn": "arn:x", "AccessType": "ALLOW_ALL", "ExcludedParticipantIds": [],
            "UpdatedAt": "2025-01-02T03:04:05.123Z", "Revision": 0}
    name = "GetConnectionPreferencesResponse"
    assert set(out["required"]) <= set(good)
    assert shape_errors(shapes, name, good, "$") == []
    assert shape_errors(shapes, name, {**good, "Extra": 1}, "$")
    assert shape_errors(shapes, name, {k: v for k, v in good.items() if k != "Arn"}, "$")
    assert shape_errors(shapes, name, {**good, "UpdatedAt": 1735787045}, "$")
    assert shape_errors(shapes, name, {**good, "Revision": "0"}, "$")


def test_every_success_matches_its_output_shape(client):
    model = botocore.loaders.Loader().load_service_model("partnercentral-account", "service-2")
    shapes = model["shapes"]
    captured = []

    def keep(http_response, parsed, model, **kwargs):
        if 200 <= http_response.status_code < 300:
            captured.append((model.name, http_response.content))

    a, b = new_account(), new_account()
    ca, cb = client(a), client(b)
    for c in (ca, cb):
        c.meta.events.register("after-call.partnercentral-account", keep)
    try:
        ca.send_email_verification_code(Catalog=CATALOG, Email="lead@example.com")
        pa = create_partner(ca)
        pb = create_partner(cb)
        ca.get_partner(Catalog=CATALOG, Identifier=pa["Id"])  # draft profile
        ca.list_partners(Catalog=CATALOG)
        publish(ca, pa["Id"], details=task_details(DisplayName="Alpha"))
        publish(cb, pb["Id"], details=task_details(DisplayName="Beta"))
        ca.get_partner(Catalog=CATALOG, Identifier=pa["Id"])  # published profile
        ca.start_profile_update_task(Catalog=CATALOG, Identifier=pa["Id"], TaskDetails=task_details(
            DisplayName="Alpha 2",
            LocalizedContents=[{"DisplayName": "Alpha FR", "Description": "Nous", "WebsiteUrl": "https://a.example",
                                "LogoUrl": "https://a.example/l.png", "Locale": "fr-FR"}]))
        try:
            ca.cancel_profile_update_task(Catalog=CATALOG, Identifier=pa["Id"],
                                          TaskId=ca.get_profile_update_task(Catalog=CATALOG, Identifier=pa["Id"])["TaskId"])
        except ClientError:
            pass  # already SUCCEEDED with the default delay of 0 s
        ca.put_profile_visibility(Catalog=CATALOG, Identifier=pa["Id"], Visibility="PUBLIC")
        vis_b = cb.get_profile_visibility(Catalog=CATALOG, Identifier=pb["Id"])
        ca.get_connection_preferences(Catalog=CATALOG)
        ca.update_connection_preferences(Catalog=CATALOG, Revision=0, AccessType="ALLOW_ALL")

        args = dict(Catalog=CATALOG, Email="ana@example.com", Message="hi", Name="Ana Lee")
        inv = ca.create_connection_invitation(ConnectionType="OPPORTUNITY_COLLABORATION",
                                              ReceiverIdentifier=vis_b["ProfileId"], **args)
        cb.get_connection_invitation(Catalog=CATALOG, Identifier=inv["Id"])
        cb.list_connection_invitations(Catalog=CATALOG)
        conn = cb.accept_connection_invitation(Catalog=CATALOG, Identifier=inv["Id"])["Connection"]
        ca.get_connection_invitation(Catalog=CATALOG, Identifier=inv["Id"])  # with ConnectionId
        sub = ca.create_connection_invitation(ConnectionType="SUBSIDIARY", ReceiverIdentifier=b, **args)
        cb.reject_connection_invitation(Catalog=CATALOG, Identifier=sub["Id"], Reason="no")
        sub2 = ca.create_connection_invitation(ConnectionType="SUBSIDIARY", ReceiverIdentifier=b, **args)
        ca.cancel_connection_invitation(Catalog=CATALOG, Identifier=sub2["Id"])
        sub3 = ca.create_connection_invitation(ConnectionType="SUBSIDIARY", ReceiverIdentifier=b, **args)
        cb.accept_connection_invitation(Catalog=CATALOG, Identifier=sub3["Id"])
        ca.get_connection(Catalog=CATALOG, Identifier=conn["Id"])
        ca.list_connections(Catalog=CATALOG)
        cb.cancel_connection(Catalog=CATALOG, Identifier=conn["Id"], ConnectionType="SUBSIDIARY", Reason="done")
        ca.get_connection(Catalog=CATALOG, Identifier=conn["Id"])  # with a CANCELED type
        cb.list_connections(Catalog=CATALOG)
        # Operations still being built (501 for now) are checked once they answer with a success.
        for call in (lambda: ca.get_alliance_lead_contact(Catalog=CATALOG, Identifier=pa["Id"]),
                     lambda: ca.list_tags_for_resource(ResourceArn=pa["Arn"])):
            try:
                call()
            except ClientError:
                pass  # only successes are checked here
    finally:
        for c in (ca, cb):
            c.meta.events.unregister("after-call.partnercentral-account", keep)

    seen = {op for op, _ in captured}
    served = {"SendEmailVerificationCode", "CreatePartner", "GetPartner", "ListPartners", "StartProfileUpdateTask",
              "GetProfileUpdateTask", "PutProfileVisibility", "GetProfileVisibility", "GetConnectionPreferences",
              "UpdateConnectionPreferences", "CreateConnectionInvitation", "GetConnectionInvitation",
              "ListConnectionInvitations", "AcceptConnectionInvitation", "RejectConnectionInvitation",
              "CancelConnectionInvitation", "GetConnection", "ListConnections", "CancelConnection"}
    assert served <= seen, f"not exercised: {served - seen}"
    problems = []
    for op, body in captured:
        output = model["operations"][op].get("output", {}).get("shape")
        doc = json.loads(body) if body else {}
        if output is None:
            if doc != {}:
                problems.append(f"{op}: no output shape, but the body is {doc}")
            continue
        problems.extend(f"{op}: {e}" for e in shape_errors(shapes, output, doc, "$"))
    assert not problems, "\n".join(problems[:60])
