"""The Selling API's SearchEngagements (docs/behaviour.md#searches): the caller's engagements only,
the keyword, the filter tree (EqualsTo, ContainsAny, ContainsAll, comparisons, And/Or/Not) over the
engagement and its Lead and ProspectingResult contexts, every sort, pages, values that do not fit
their key refused, and a GroupId that names no group of the caller (finds nothing)."""

import datetime

import pytest
from botocore.exceptions import ClientError

from helpers import CATALOG, new_account
from test_engagement_invitations import connect, invite, pair, partner  # noqa: F401 (fixture)
from test_engagements import CONTACT, create as create_engagement, error, lead

PROSPECT = {"ProspectingResult": {"Aws": {"Customer": {"AccountName": "Far Co", "Geo": "EMEA", "Country": "DE",
                                                       "Industry": "Retail", "CompanySize": "Large"},
                                          "Insights": {"MarketplaceEngagementScore": "High",
                                                       "SolutionCategory": "Storage"}}}}


def lead_payload(name, status="Qualified", country="US", first="Li"):
    payload = lead(name)
    payload["QualificationStatus"] = status
    payload["Customer"]["Address"] = {"CountryCode": country}
    payload["Interactions"][0]["Contact"] = dict(CONTACT, FirstName=first)
    return {"Lead": payload}


def search(selling, account, **kw):
    return [e["Id"] for e in selling(account).search_engagements(Catalog=CATALOG, **kw)["EngagementSearchSummaries"]]


@pytest.fixture
def three(selling):
    """One account's three engagements, oldest first."""
    a = new_account()
    made = []
    for title, context in (("Alpha deal", lead_payload("Acme", country="US", first="Ann")),
                           ("Beta deal", lead_payload("Bolt", status="Disqualified", country="FR", first="Bob")),
                           ("Gamma prospect", PROSPECT)):
        kind = next(iter(context))
        made.append(create_engagement(selling(a), catalog=CATALOG, title=title,
                                      Contexts=[{"Type": kind, "Payload": context}])["Id"])
    return a, made


def test_filters_keyword_and_sort(selling, three):
    a, (alpha, beta, gamma) = three
    assert search(selling, a) == [gamma, beta, alpha]  # newest first
    assert search(selling, a, Sort={"SortBy": "Title", "SortOrder": "ASCENDING"}) == [alpha, beta, gamma]
    assert search(selling, a, Keyword="BOLT") == [beta]  # context text, any case
    assert search(selling, a, Keyword="prospect") == [gamma]
    eq = lambda key, value: {"EqualsTo": {"Key": key, "Value": {"StringValue": value}}}  # noqa: E731
    assert search(selling, a, Filter=eq("LeadCustomerCountryCode", "FR")) == [beta]
    assert search(selling, a, Filter=eq("LeadInteractionsContactFirstName", "Ann")) == [alpha]
    assert search(selling, a, Filter=eq("ProspectingCustomerGeo", "EMEA")) == [gamma]
    assert search(selling, a, Filter=eq("ContextType", "Lead"), Sort={"SortBy": "CreatedAt",
                                                                    "SortOrder": "ASCENDING"}) == [alpha, beta]
    assert search(selling, a, Filter={"NotFilter": eq("ContextType", "Lead")}) == [gamma]
    any_of = {"ContainsAny": {"Key": "LeadQualificationStatus", "Value": {"StringListValue": ["Disqualified", "X"]}}}
    assert search(selling, a, Filter=any_of) == [beta]
    assert search(selling, a, Filter={"OrAllFilters": [eq("Title", "Alpha deal"), eq("Title", "Gamma prospect")]}) \
        == [gamma, alpha]
    assert search(selling, a, Filter={"AndAllFilters": [eq("ContextType", "Lead"),
                                                        eq("LeadQualificationStatus", "Qualified")]}) == [alpha]
    assert search(selling, a, Filter={"EqualsTo": {"Key": "MemberCount", "Value": {"LongValue": 1}}}) \
        == [gamma, beta, alpha]
    later = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)
    assert search(selling, a, Filter={"LessThan": {"Key": "CreatedAt", "Value": {"DateValue": later}}}) \
        == [gamma, beta, alpha]
    assert search(selling, a, Filter={"GreaterThan": {"Key": "CreatedAt", "Value": {"DateValue": later}}}) == []
    # Sorting by a context key puts engagements without it last.
    assert search(selling, a, Sort={"SortBy": "LeadCustomerCompanyName", "SortOrder": "DESCENDING"}) \
        == [beta, alpha, gamma]


def test_pages(selling, three):
    a, made = three
    seen, token = [], None
    while True:
        page = selling(a).search_engagements(Catalog=CATALOG, MaxResults=2, **({"NextToken": token} if token else {}))
        seen += [e["Id"] for e in page["EngagementSearchSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == made[::-1]
    first = selling(a).search_engagements(Catalog=CATALOG, MaxResults=1)
    with pytest.raises(ClientError) as e:
        selling(a).search_engagements(Catalog=CATALOG, MaxResults=1, Keyword="deal", NextToken=first["NextToken"])
    assert error(e) == "ValidationException"


def test_pages_are_keyset(selling, three):
    """A token is the position of the last engagement shown: one made between pages shifts nothing."""
    a, (alpha, beta, gamma) = three
    first = selling(a).search_engagements(Catalog=CATALOG, MaxResults=1)
    assert [e["Id"] for e in first["EngagementSearchSummaries"]] == [gamma]
    create_engagement(selling(a), catalog=CATALOG, title="Delta deal",
                      Contexts=[{"Type": "Lead", "Payload": lead_payload("Dyn")}])
    rest = selling(a).search_engagements(Catalog=CATALOG, MaxResults=5, NextToken=first["NextToken"])
    assert [e["Id"] for e in rest["EngagementSearchSummaries"]] == [beta, alpha]


def test_the_summary_shape(selling, three):
    a, (alpha, _, _) = three
    found = selling(a).search_engagements(Catalog=CATALOG, Keyword="Alpha")["EngagementSearchSummaries"]
    got = selling(a).get_engagement(Catalog=CATALOG, Identifier=alpha)
    assert len(found) == 1
    summary = found[0]
    for key in ("Id", "Arn", "Title", "Description", "CreatedAt", "CreatedBy", "MemberCount", "ModifiedAt",
                "ModifiedBy", "Contexts"):
        assert summary[key] == got[key], key
    assert "ContextTypes" not in summary


def test_a_value_that_does_not_fit_its_key_is_refused(selling, three):
    """The shared engine's rules (docs/behaviour.md#searches): the field named is the condition's Value."""
    a, _ = three
    for bad, at in (({"EqualsTo": {"Key": "Title", "Value": {"StringListValue": ["x"]}}}, "Filter.EqualsTo.Value"),
                    ({"GreaterThan": {"Key": "Title", "Value": {"StringValue": "x"}}}, "Filter.GreaterThan.Value"),
                    ({"ContainsAll": {"Key": "Title", "Value": {"StringListValue": ["x"]}}},
                     "Filter.ContainsAll.Value"),
                    ({"NotFilter": {"GreaterThan": {"Key": "CreatedAt", "Value": {"LongValue": 5}}}},
                     "Filter.NotFilter.GreaterThan.Value")):
        with pytest.raises(ClientError) as e:
            selling(a).search_engagements(Catalog=CATALOG, Filter=bad)
        assert error(e) == "ValidationException"
        assert at in str(e.value) or at in str(e.value.response), at


def test_the_engines_tree_rules(selling, three):
    """One member per node, and combinators nest at most three levels (the engine's rules)."""
    a, (alpha, beta, gamma) = three
    eq = {"EqualsTo": {"Key": "ContextType", "Value": {"StringValue": "Lead"}}}
    two = dict(eq, NotFilter=eq)
    deep = {"NotFilter": {"NotFilter": {"NotFilter": eq}}}
    for bad in (two, deep):
        with pytest.raises(ClientError) as e:
            selling(a).search_engagements(Catalog=CATALOG, Filter=bad)
        assert error(e) == "ValidationException"
    assert search(selling, a, Filter={"NotFilter": {"NotFilter": eq}}) == [beta, alpha]
    # A count is a number: a StringValue on it compares as text, a LongValue as a number.
    assert search(selling, a, Filter={"EqualsTo": {"Key": "MemberCount", "Value": {"StringValue": "1"}}}) \
        == [gamma, beta, alpha]
    assert search(selling, a, Filter={"GreaterThan": {"Key": "MemberCount", "Value": {"LongValue": 1}}}) == []
    # ContainsAny on a single text value matches a substring, any case.
    assert search(selling, a, Filter={"ContainsAny": {"Key": "Title", "Value": {"StringListValue": ["DEAL"]}}}) \
        == [beta, alpha]


def test_only_members_find_an_engagement(pair, selling):
    a, b, engagement = pair
    assert search(selling, a) == [engagement]
    assert search(selling, b) == [] and search(selling, new_account()) == []
    sent = invite(selling, a, engagement, b)
    assert search(selling, b) == []  # invited is not a member
    selling(b).accept_engagement_invitation(Catalog=CATALOG, Identifier=sent["Id"])
    assert search(selling, b) == [engagement]
    two = {"EqualsTo": {"Key": "MemberCount", "Value": {"LongValue": 2}}}
    assert search(selling, a, Filter=two) == [engagement]
    assert search(selling, a, Filter={"EqualsTo": {"Key": "PartnerId", "Value": {"StringValue": b}}}) == [engagement]
    # In the other catalog, nothing.
    assert selling(a).search_engagements(Catalog="AWS")["EngagementSearchSummaries"] == []


def test_an_unknown_group_finds_nothing(selling, three):
    a, _ = three
    assert search(selling, a, GroupId="eng-grp-00000000000000") == []
