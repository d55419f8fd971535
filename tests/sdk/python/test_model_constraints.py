"""Every input constraint of the pinned botocore model, and of the Smithy traits botocore drops
(crates/model/services/partnercentral-account/smithy-extra.json), is enforced by the server.

For each operation, a valid baseline input is generated from the model's shapes (every member,
nested structures included), sent as a signed raw request, and must pass validation. Then, for
each constraint (required, min/max length, pattern, enum, range, list min/max, union with zero or
two members, and Smithy's uniqueItems), the baseline is sent again with exactly that constraint
violated, and the answer must be ValidationException REQUEST_VALIDATION_FAILED naming that member
(dotted path) with the code docs/behaviour.md#validation gives. Operations that answer a valid
baseline with 501 NotImplementedException are reported as not applicable. Smithy's defaults are
checked by leaving the member out.
"""

import copy
import json
import re
import uuid
from pathlib import Path

import botocore.loaders
import pytest

SERVICE = "partnercentral-account"

# A valid sample for each pattern of the model. A new pattern in the model fails the test until
# a sample is added here (the test checks every sample against its pattern and lengths).
PATTERN_SAMPLES = {
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*": "ana@example.com",
    r"(https|HTTPS):\/\/[^\/\s]+(\/\S*)?": "https://www.example.com/logo.png",
    r"(partner-[A-Za-z0-9]{13}|arn:[a-z-]+:partnercentral:[a-z0-9-]+:[0-9]{12}:catalog/[A-Za-z-_]+/partner/"
    r"partner-[A-Za-z0-9]{13})": "partner-abcdefghijklm",
    r"[0-9]+": "123456",
    r"[0-9]{12}": "123456789012",
    r"[A-Z0-9]{1,3}": "WA",
    r"[A-Z0-9]{2}": "US",
    r"[A-Z]{2}": "US",
    r"[A-Za-z0-9-_]+": "token-1",
    r"[\S]+": "value",
    r"[\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\n]+": "Example text",
    r"[\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD]+": "Example text",
    r"[a-zA-Z0-9-]+": "abc-123",
    r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*": "example.com",
    r"[a-zA-Z_-]+(:[a-zA-Z]+)?": "SUBSIDIARY:ACTIVE",
    r"[a-z]{2}-[A-Z]{2}": "en-US",
    r"arn:[a-z-]+:partnercentral:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9._:/-]+":
        "arn:aws:partnercentral:us-east-1:123456789012:catalog/Sandbox/partner/partner-abcdefghijklm",
    r"arn:[a-z-]+:partnercentral:[a-z0-9-]+:[0-9]{12}:catalog/[A-Za-z-_]+/partner/partner-[A-Za-z0-9]{13}":
        "arn:aws:partnercentral:us-east-1:123456789012:catalog/Sandbox/partner/partner-abcdefghijklm",
    r"arn:[a-zA-Z0-9-]+:partnercentral:[a-z0-9\-]*::catalog/[a-zA-Z]+/connection-invitation/pacinv-[A-Za-z0-9]{13}":
        "arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-abcdefghijklm",
    r"arn:[a-zA-Z0-9-]+:partnercentral:[a-z0-9\-]*::catalog/[a-zA-Z]+/connection/pac-[A-Za-z0-9]{13}":
        "arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/pac-abcdefghijklm",
    r"arn:[a-zA-Z0-9-]+:partnercentral:[a-z0-9\-]*:[0-9]{12}:catalog/[a-zA-Z]+/connection-preferences":
        "arn:aws:partnercentral:us-east-1:123456789012:catalog/Sandbox/connection-preferences",
    r"pac-[A-Za-z0-9]{13}": "pac-abcdefghijklm",
    r"pacinv-[A-Za-z0-9]{13}": "pacinv-abcdefghijklm",
    r"partner-[A-Za-z0-9]{13}": "partner-abcdefghijklm",
    r"pprofile-[A-Za-z0-9]{13}": "pprofile-abcdefghijklm",
    r"pprofiletask-[A-Za-z0-9]{13}": "pprofiletask-abcdefghijklm",
    r"pqatask-[A-Za-z0-9]{13}": "pqatask-abcdefghijklm",
    r"pqdtask-[A-Za-z0-9]{13}": "pqdtask-abcdefghijklm",
}

# Members whose valid values are narrower than their shape (business rules answered after validation).
MEMBER_SAMPLES = {"Catalog": "Sandbox"}
# Opaque values only the server mints (a made-up NextToken is refused as INVALID_VALUE): left out of
# the baseline, but their constraints are still checked by adding a violating value.
SERVER_MINTED = {"NextToken"}

CODES = {
    "required": "REQUIRED_FIELD_MISSING",
    "min_length": "INVALID_VALUE",
    "max_length": "INVALID_VALUE",
    "pattern": "INVALID_STRING_FORMAT",
    "enum": "INVALID_ENUM_VALUE",
    "range_min": "INVALID_VALUE",
    "range_max": "INVALID_VALUE",
    "list_min": "INVALID_VALUE",
    "list_max": "TOO_MANY_VALUES",
    "union_zero": "INVALID_VALUE",
    "union_two": "INVALID_VALUE",
    "unique_items": "DUPLICATE_VALUE",
}

SMITHY_EXTRA = Path(__file__).resolve().parents[3] / "crates" / "model" / "services" / SERVICE / "smithy-extra.json"


def load_extra():
    return json.loads(SMITHY_EXTRA.read_text())


def load_model():
    return botocore.loaders.Loader().load_service_model(SERVICE, "service-2")


def fullmatch(pattern, text):
    return re.fullmatch(pattern, text) is not None


class Generator:
    def __init__(self, model, extra=None):
        self.shapes = model["shapes"]
        self.extra_shapes = (extra or {}).get("shapes", {})

    def shape(self, name):
        return self.shapes[name]

    def string(self, shape, member_name, variant=0):
        if "enum" in shape:
            values = shape["enum"]
            return values[variant % len(values)]
        if member_name in MEMBER_SAMPLES:
            return MEMBER_SAMPLES[member_name]
        pattern = shape.get("pattern")
        if pattern is not None:
            assert pattern in PATTERN_SAMPLES, f"no sample for pattern {pattern!r}: add one to PATTERN_SAMPLES"
            value = PATTERN_SAMPLES[pattern]
        else:
            value = "a" * max(shape.get("min", 1), 1)
        if member_name == "ClientToken":
            value = str(uuid.uuid4())
        return value

    def value(self, shape_name, member_name, variant=0, depth=0):
        assert depth < 12, f"input shapes nest too deep at {shape_name}"
        s = self.shape(shape_name)
        t = s["type"]
        if t == "string":
            return self.string(s, member_name, variant)
        if t in ("integer", "long"):
            lo = s.get("min", 1)
            return max(lo, min(1, s.get("max", 1)))
        if t == "boolean":
            return True
        if t == "timestamp":
            return "2025-01-02T03:04:05Z"
        if t == "list":
            n = max(s.get("min", 0), 1)
            item = s["member"]["shape"]
            return [self.value(item, member_name, variant=i, depth=depth + 1) for i in range(n)]
        if t == "map":
            return {self.value(s["key"]["shape"], member_name, depth=depth + 1):
                    self.value(s["value"]["shape"], member_name, depth=depth + 1)}
        if t == "structure":
            members = s.get("members", {})
            if s.get("union"):
                first = next(iter(members))
                return {first: self.value(members[first]["shape"], first, depth=depth + 1)}
            return {m: self.value(ref["shape"], m, depth=depth + 1) for m, ref in members.items()}
        raise AssertionError(f"unhandled shape type {t} ({shape_name})")

    def bad_string(self, shape, length):
        """A string of `length` code points that does not match the shape's pattern."""
        for ch in ["!", " ", "\u0001", "\t", "a", "A", "0", "-"]:
            candidate = ch * length
            if not fullmatch(shape["pattern"], candidate):
                return candidate
        raise AssertionError(f"cannot make a string violating {shape['pattern']!r}")

    def constraints(self, shape_name, path, value):
        """[(kind, path, mutate(doc) -> None)] for the member at `path` whose valid value is `value`.

        `path` is a list of keys and indexes from the input root."""
        out = []
        s = self.shape(shape_name)
        t = s["type"]
        if t == "string":
            lo, hi = s.get("min"), s.get("max")
            if "enum" in s:
                out.append(("enum", path, setter(path, "NOT_A_MODELED_VALUE")))
            else:
                if lo is not None and lo > 0:
                    out.append(("min_length", path, setter(path, value[: lo - 1] if lo > 1 else "")))
                if hi is not None:
                    out.append(("max_length", path, setter(path, (value + "a" * (hi + 1))[: hi + 1])))
                if "pattern" in s:
                    length = max(lo or 1, 1)
                    if hi is not None:
                        length = min(length, hi)
                    out.append(("pattern", path, setter(path, self.bad_string(s, length))))
        elif t in ("integer", "long"):
            if "min" in s:
                out.append(("range_min", path, setter(path, s["min"] - 1)))
            if "max" in s:
                out.append(("range_max", path, setter(path, s["max"] + 1)))
        elif t == "list":
            item = s["member"]["shape"]
            if s.get("min", 0) > 0:
                out.append(("list_min", path, setter(path, value[: s["min"] - 1])))
            if "max" in s:
                n = s["max"] + 1
                items = [self.value(item, path_name(path), variant=i) for i in range(n)]
                out.append(("list_max", path, setter(path, items)))
            if self.extra_shapes.get(shape_name, {}).get("uniqueItems"):
                out.append(("unique_items", path, setter(path, [value[0], value[0]])))
            out.extend(self.constraints(item, path + [0], value[0]))
        elif t == "structure":
            members = s.get("members", {})
            if s.get("union"):
                if len(members) >= 2:
                    out.append(("union_zero", path, setter(path, {})))
                    two = dict(list(members.items())[:2])
                    both = {m: self.value(ref["shape"], m) for m, ref in two.items()}
                    out.append(("union_two", path, setter(path, both)))
                (first, ref), = [(m, r) for m, r in members.items() if m in value]
                out.extend(self.constraints(ref["shape"], path + [first], value[first]))
            else:
                for m, ref in members.items():
                    if m in s.get("required", []):
                        out.append(("required", path + [m], deleter(path + [m])))
                    out.extend(self.constraints(ref["shape"], path + [m], value[m]))
        return out


def path_name(path):
    """Dotted name: TaskDetails.LocalizedContents[0].Locale."""
    text = ""
    for p in path:
        if isinstance(p, int):
            text += f"[{p}]"
        else:
            text += ("." if text else "") + p
    return text


def _parent(doc, path):
    for p in path[:-1]:
        doc = doc[p]
    return doc


def setter(path, new):
    def apply(doc):
        _parent(doc, path)[path[-1]] = copy.deepcopy(new)
    return apply


def deleter(path):
    def apply(doc):
        del _parent(doc, path)[path[-1]]
    return apply


def field_errors(resp):
    """{Name: Code} of a REQUEST_VALIDATION_FAILED answer, or None for any other answer."""
    body = resp.json if isinstance(resp.json, dict) else {}
    if resp.status != 400 or resp.error_type != "ValidationException" or body.get("Reason") != "REQUEST_VALIDATION_FAILED":
        return None
    out = {}
    for item in body.get("ErrorDetails") or []:
        fe = item.get("FieldValidationError")
        if fe:
            out[fe.get("Name")] = fe.get("Code")
    return out


def test_pattern_samples_are_valid():
    model = load_model()
    for name, s in model["shapes"].items():
        if s["type"] == "string" and "pattern" in s:
            sample = PATTERN_SAMPLES.get(s["pattern"])
            assert sample is not None, f"{name}: no sample for pattern {s['pattern']!r}"
            assert fullmatch(s["pattern"], sample), f"{name}: {sample!r} does not match {s['pattern']!r}"
            assert s.get("min", 0) <= len(sample) <= s.get("max", 10**9), f"{name}: {sample!r} length"


@pytest.fixture
def sandbox_tags_allowed(admin):
    """The baseline of CreatePartner gives Tags in catalog Sandbox, which the operation refuses
    unless `sandbox_allow_tags` is on (docs/behaviour.md#partners); the model allows them."""
    status, body = admin("POST", "/_pcentral/settings", {"sandbox_allow_tags": True})
    assert status == 200, body
    yield
    admin("POST", "/_pcentral/settings", {"sandbox_allow_tags": False})


def test_every_input_constraint_is_enforced(raw, capsys, sandbox_tags_allowed):
    model = load_model()
    gen = Generator(model, load_extra())
    checked = enforced = 0
    not_applicable = []
    failures = []
    for op_name in sorted(model["operations"]):
        op = model["operations"][op_name]
        input_shape = op.get("input", {}).get("shape")
        if input_shape is None:
            continue
        baseline = gen.value(input_shape, "")
        cases = gen.constraints(input_shape, [], baseline)
        for member in SERVER_MINTED:
            baseline.pop(member, None)
        first = raw(op_name, baseline, account="444444444444")
        if first.status == 501:
            assert first.error_type == "NotImplementedException", first
            not_applicable.append((op_name, len(cases)))
            continue
        baseline_fields = field_errors(first) or {}
        if baseline_fields:
            failures.append(f"{op_name}: the baseline {baseline} was refused: {baseline_fields}")
        for kind, path, mutate in cases:
            name = path_name(path)
            if name in baseline_fields:
                continue  # reported above
            checked += 1
            doc = copy.deepcopy(baseline)
            mutate(doc)
            resp = raw(op_name, doc, account="444444444444")
            fields = field_errors(resp)
            want = CODES[kind]
            if fields is not None and fields.get(name) == want:
                enforced += 1
            else:
                failures.append(f"{op_name} {name} {kind}: expected {want}, got {resp.status} "
                                f"{resp.json if resp.json is not None else resp.body[:200]!r}")
    skipped = sum(n for _, n in not_applicable)
    summary = (f"constraints checked: {checked}, enforced: {enforced}; not applicable (501): {skipped} constraints "
               f"of {len(not_applicable)} operations {[op for op, _ in not_applicable]}")
    with capsys.disabled():
        print("\n" + summary)
    assert not failures, summary + "\n" + "\n".join(failures[:60])
    assert checked > 0
    assert checked == enforced, summary


def test_smithy_extra_names_shapes_and_members_of_the_model():
    model = load_model()
    extra = load_extra()
    for name, traits in extra["shapes"].items():
        assert name in model["shapes"], name
        if traits.get("uniqueItems"):
            assert model["shapes"][name]["type"] == "list", name
    for name in extra["members"]:
        structure, member = name.split(".")
        assert member in model["shapes"][structure]["members"], name


def test_smithy_defaults_apply_when_the_member_is_absent(raw):
    """MaxResults defaults to 20: with 21 items, a listing without it answers 20 and a NextToken."""
    model = load_model()
    defaults = {name: traits["default"] for name, traits in load_extra()["members"].items() if "default" in traits}
    assert set(defaults) == {"ListConnectionInvitationsRequest.MaxResults", "ListConnectionsRequest.MaxResults"}, \
        "a new default needs a case here"
    sender = new_account()
    partner = raw("CreatePartner", {
        "Catalog": "Sandbox", "LegalName": f"Defaults {sender}", "PrimarySolutionType": "SOFTWARE_PRODUCTS",
        "AllianceLeadContact": {"FirstName": "Ana", "LastName": "Lee", "Email": "ana@example.com",
                                "BusinessTitle": "Lead"},
        "EmailVerificationCode": "123456"}, account=sender)
    assert partner.status == 200, partner
    task = raw("StartProfileUpdateTask", {"Catalog": "Sandbox", "Identifier": partner.json["Id"], "TaskDetails": {
        "DisplayName": "Defaults", "Description": "About", "WebsiteUrl": "https://example.com",
        "LogoUrl": "https://example.com/logo.png", "PrimarySolutionType": "SOFTWARE_PRODUCTS",
        "IndustrySegments": ["OTHER"], "TranslationSourceLocale": "en-US"}}, account=sender)
    assert task.status == 200, task
    most = max(defaults.values())
    for _ in range(most + 1):
        receiver = new_account()
        sent = raw("CreateConnectionInvitation", {
            "Catalog": "Sandbox", "ClientToken": str(uuid.uuid4()), "ConnectionType": "SUBSIDIARY",
            "Email": "ana@example.com", "Message": "Hello", "Name": "Ana", "ReceiverIdentifier": receiver},
            account=sender)
        assert sent.status == 200, sent
        accepted = raw("AcceptConnectionInvitation", {
            "Catalog": "Sandbox", "ClientToken": str(uuid.uuid4()), "Identifier": sent.json["Id"]}, account=receiver)
        assert accepted.status == 200, accepted
    for name, default in defaults.items():
        structure, member = name.split(".")
        op_name = next(op for op, o in model["operations"].items() if o["input"]["shape"] == structure)
        output = model["shapes"][model["operations"][op_name]["output"]["shape"]]["members"]
        items = next(m for m, ref in output.items() if model["shapes"][ref["shape"]]["type"] == "list")
        resp = raw(op_name, {"Catalog": "Sandbox"}, account=sender)
        assert resp.status == 200, resp
        assert len(resp.json[items]) == default and resp.json.get("NextToken"), f"{name}: {resp}"
        explicit = raw(op_name, {"Catalog": "Sandbox", member: default}, account=sender)
        assert explicit.json[items] == resp.json[items], name


def new_account():
    return str(uuid.uuid4().int % 900000000000 + 100000000000)
