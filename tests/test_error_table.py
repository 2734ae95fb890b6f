"""Every error a rule, need, norm set or override can raise when it is built, whole.

One row per raise site: the object built, and the error's code, message,
field and hint as `NormkitError.to_dict()` gives them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import normkit as nk
from normkit.normset import resolve

S = nk.Source(document="d")
DAY = dt.date(2020, 1, 1)


def fixed(amount: str) -> nk.Fixed:
    return nk.Fixed(amount=amount)


def normset(**content: Any) -> nk.NormSet:
    return nk.NormSet(id="x", title="t", source=S, **content)


def overflowing() -> nk.Rule:
    rule: nk.Rule = nk.Rate(amount="1 FTE", per="1 place")
    for _ in range(21):
        rule = nk.Scale(rule=rule, factor=1e15)
    return rule


OVERFLOWING = normset(needs=(nk.Need(id="n", bed_types=("x",), rule=overflowing()),))
BASE = nk.NormSet(
    id="base", title="t", source=S, needs=(nk.Need(id="n", bed_types=("x",), rule=fixed("1 FTE")),)
)
CYCLE = normset(extends="x")
ONE_UNIT = nk.Inventory.model_validate(
    {"facilities": [{"name": "H", "units": [{"name": "U", "bed_type": "x", "beds": 3}]}]}
)
LEAD = nk.Need(id="lead", facility="H", rule=fixed("0.2 FTE"), adopted=True, reason="r")
FACILITY_OVERFLOW = normset(
    extends="base",
    needs=(nk.Need(id="lead", facility="H", rule=overflowing(), adopted=True, reason="r"),),
)
UNIT_OVERRIDE_OVERFLOW = normset(
    extends="base",
    overrides=(nk.Override(id="o", facility="H", unit="U", rule=overflowing(), reason="r"),),
)
LEAD_OVERRIDE_OVERFLOW = normset(
    extends="base",
    needs=(LEAD,),
    overrides=(nk.Override(id="o", facility="H", replaces="lead", rule=overflowing(), reason="r"),),
)
PER = "e.g. per: '3 place' or per: '10000 inhabitant'"
AMOUNT = "e.g. amount: '1 FTE' per: '90 place', or amount: '1 hour/week' per: '3 place'"
BASIS = "e.g. '30 hour/week/FTE' or '37.5 hour/week/FTE'"
PLACES = "a unit gives its places and nothing else; use a named rule for other figures"

ROWS: list[tuple[str, Callable[[], object], dict[str, Any]]] = [
    (
        "per counts hours",
        lambda: nk.Rate(amount="1 FTE", per="3 hour"),
        {
            "code": "quantity.per-not-counted",
            "field": "per",
            "hint": PER,
            "message": "'per' must count places, patients, inhabitants or shifts, got '3 hour'",
        },
    ),
    (
        "per is zero",
        lambda: nk.Rate(amount="1 FTE", per="0 place"),
        {
            "code": "quantity.not-positive",
            "field": "per",
            "message": "'per' must be positive, got '0 place'",
        },
    ),
    (
        "amount is negative",
        lambda: nk.Rate(amount="-1 FTE", per="3 place"),
        {
            "code": "quantity.negative",
            "field": "amount",
            "message": "'amount' must not be negative, got '-1 FTE'",
            "hint": "a rate gives physician time per place; write 0 for none",
        },
    ),
    (
        "a basis for FTE",
        lambda: nk.Rate(amount="1 FTE", fte_basis="30 hour/week/FTE"),
        {
            "code": "quantity.fte-basis-not-needed",
            "field": "fte_basis",
            "message": "'fte_basis' is only for amounts in hours; this amount is already FTE",
        },
    ),
    (
        "hours without a week",
        lambda: nk.Rate(amount="1 hour"),
        {
            "code": "quantity.no-time-base",
            "field": "amount",
            "message": "'amount' '1 hour' has no time base",
            "hint": "write hours per week, e.g. '1.5 hour/week'",
        },
    ),
    (
        "money as a rate",
        lambda: nk.Rate(amount="1 NOK"),
        {
            "code": "quantity.dimension",
            "field": "amount",
            "hint": AMOUNT,
            "message": "'amount' must be FTE or hours per week, got '1 NOK' (dimension [currency])",
        },
    ),
    (
        "no basis",
        lambda: nk.Rate(amount="1 hour/week"),
        {
            "code": "quantity.fte-basis-missing",
            "field": "fte_basis",
            "message": "'amount' '1 hour/week' is in hours, so the rule needs 'fte_basis'",
            "hint": "state the hours per FTE the norm uses, e.g. '30 hour/week/FTE'",
        },
    ),
    (
        "a basis without a week",
        lambda: nk.Rate(amount="1 hour/week", fte_basis="30 hour/FTE"),
        {
            "code": "quantity.dimension",
            "field": "fte_basis",
            "hint": BASIS,
            "message": "'fte_basis' must be hours per week per FTE, got '30 hour/FTE'",
        },
    ),
    (
        "a zero basis",
        lambda: nk.Rate(amount="1 hour/week", fte_basis="0 hour/week/FTE"),
        {
            "code": "quantity.not-positive",
            "field": "fte_basis",
            "message": "'fte_basis' must be positive, got '0 hour/week/FTE'",
        },
    ),
    (
        "a negative fixed amount",
        lambda: fixed("-1 FTE"),
        {
            "code": "quantity.negative",
            "field": "amount",
            "message": "'amount' must not be negative, got '-1 FTE'",
        },
    ),
    (
        "a fixed amount in hours",
        lambda: fixed("1 hour/week"),
        {
            "code": "quantity.dimension",
            "field": "amount",
            "message": "a fixed amount must be in FTE or NOK/year, got '1 hour/week'",
        },
    ),
    (
        "an override in money",
        lambda: nk.Override(id="o", rule=fixed("1 NOK/year"), reason="r"),
        {
            "code": "normset.not-fte",
            "message": "an override must give FTE; this rule gives NOK/year",
        },
    ),
    (
        "a unit without its facility",
        lambda: nk.Override(id="o", unit="U", rule=fixed("1 FTE"), reason="r"),
        {
            "code": "override.unit-without-facility",
            "message": "an override naming a unit must name its facility too",
        },
    ),
    (
        "an override without a reason",
        lambda: nk.Override(id="o", rule=fixed("1 FTE"), reason=""),
        {
            "code": "field.length",
            "field": "reason",
            "message": "String should have at least 1 character",
        },
    ),
    (
        "a need for nothing",
        lambda: nk.Need(id="n", rule=fixed("1 FTE")),
        {
            "code": "need.scope",
            "message": "a need applies to 'bed_types', or to one 'facility', or both",
        },
    ),
    (
        "no norm, and adopted",
        lambda: nk.Need(id="n", bed_types=("x",), no_norm=True, reason="r", source=S, adopted=True),
        {
            "code": "need.no-norm",
            "message": "a need with 'no_norm: true' has no 'rule' and is not 'adopted'",
        },
    ),
    (
        "no norm for a facility",
        lambda: nk.Need(id="n", facility="H", no_norm=True, reason="r", source=S),
        {
            "code": "need.no-norm",
            "message": "a decision that there is no norm names the 'bed_types' it is for",
        },
    ),
    (
        "no norm without a source",
        lambda: nk.Need(id="n", bed_types=("x",), no_norm=True, reason="r"),
        {
            "code": "need.no-norm",
            "message": "a decision that there is no norm must give its 'reason' and 'source'",
            "hint": "say who decided it and where, e.g. the plan's section",
        },
    ),
    (
        "a need without a rule",
        lambda: nk.Need(id="n", bed_types=("x",)),
        {
            "code": "need.rule",
            "message": "a need gives a 'rule', or 'no_norm: true' with a reason and a source",
        },
    ),
    (
        "adopted without a reason",
        lambda: nk.Need(id="n", bed_types=("x",), rule=fixed("1 FTE"), adopted=True),
        {"code": "need.reason", "message": "an adopted need must give its 'reason'"},
    ),
    (
        "a need in money",
        lambda: nk.Need(id="n", bed_types=("x",), rule=fixed("1 NOK/year")),
        {"code": "normset.not-fte", "message": "a need must give FTE; this rule gives NOK/year"},
    ),
    (
        "a need of inhabitants",
        lambda: nk.Need(id="n", bed_types=("x",), rule=nk.Rate(amount="1 FTE", per="1 inhabitant")),
        {
            "code": "normset.rule-inputs",
            "hint": PLACES,
            "message": "a need's rule may read only 'places', but this one reads inhabitants",
        },
    ),
    (
        "an override of inhabitants",
        lambda: normset(
            overrides=(
                nk.Override(id="o", rule=nk.Rate(amount="1 FTE", per="1 inhabitant"), reason="r"),
            )
        ),
        {
            "code": "normset.rule-inputs",
            "hint": PLACES,
            "field": "overrides[0].rule",
            "message": "an override's rule may read only 'places', but this one reads inhabitants",
        },
    ),
    (
        "one id twice",
        lambda: normset(needs=(nk.Need(id="a", bed_types=("x",), rule=fixed("1 FTE")),) * 2),
        {
            "code": "normset.duplicate-id",
            "field": "needs[1].id",
            "message": "needs: id 'a' is used twice",
        },
    ),
    (
        "a cost that is not a cost",
        lambda: normset(fte_cost=fixed("1 NOK/year")),
        {
            "code": "normset.fte-cost",
            "field": "fte_cost",
            "message": "fte_cost must be a rule of the FTE given (kind: fte_cost)",
        },
    ),
    (
        "dates out of order",
        lambda: normset(valid_from=dt.date(2020, 2, 1), valid_to=dt.date(2020, 1, 1)),
        {
            "code": "validity.order",
            "hint": "valid_to is the last day in force",
            "message": "valid_to 2020-01-01 is before valid_from 2020-02-01",
            "field": "valid_to",
        },
    ),
    (
        "a parameter with nothing",
        lambda: nk.Parameter(id="p"),
        {
            "code": "parameter.value-or-unknown",
            "message": "give either 'value' or 'unknown' (what the source leaves out)",
        },
    ),
    (
        "a parameter with both",
        lambda: nk.Parameter(id="p", value="1 FTE", unknown="x"),
        {
            "code": "parameter.value-or-unknown",
            "message": "give either 'value' or 'unknown' (what the source leaves out)",
        },
    ),
    (
        "extending itself",
        lambda: resolve(CYCLE, DAY, lambda *_: CYCLE),
        {
            "code": "normset.extends-cycle",
            "field": "extends",
            "message": "norm set 'x' extends itself through 'x'",
        },
    ),
    (
        "replacing without a reason",
        lambda: resolve(
            nk.NormSet(
                id="child",
                title="t",
                source=S,
                extends="base",
                needs=(nk.Need(id="n", bed_types=("x",), rule=fixed("2 FTE")),),
            ),
            DAY,
            lambda *_: BASE,
        ),
        {
            "code": "need.replaced-without-reason",
            "field": "needs[0].reason",
            "message": "need 'n' in 'child' replaces the one from 'base' but gives no reason",
            "hint": "say why the municipality deviates from the norm it extends",
        },
    ),
    (
        "overriding a need that is not there",
        lambda: resolve(
            nk.NormSet(
                id="child",
                title="t",
                source=S,
                extends="base",
                overrides=(nk.Override(id="o", replaces="zz", rule=fixed("1 FTE"), reason="r"),),
            ),
            DAY,
            lambda *_: BASE,
        ),
        {
            "code": "override.target",
            "field": "overrides[0].replaces",
            "message": "override 'o' replaces need 'zz', which does not exist in 'child' or the "
            "norm sets it extends",
            "hint": "the needs are: n; write 'replaces: null' for an override that gives a need "
            "where the norm has none (such as KAD beds)",
        },
    ),
    (
        "overriding a need that is not there, with two needs about",
        lambda: resolve(
            nk.NormSet(
                id="child",
                title="t",
                source=S,
                extends="base",
                needs=(nk.Need(id="a", bed_types=("y",), rule=fixed("1 FTE")),),
                overrides=(nk.Override(id="o", replaces="zz", rule=fixed("1 FTE"), reason="r"),),
            ),
            DAY,
            lambda *_: BASE,
        ),
        {
            "code": "override.target",
            "field": "overrides[0].replaces",
            "message": "override 'o' replaces need 'zz', which does not exist in 'child' or the "
            "norm sets it extends",
            "hint": "the needs are: a, n; write 'replaces: null' for an override that gives a "
            "need where the norm has none (such as KAD beds)",
        },
    ),
    (
        "overriding a need where there are none",
        lambda: resolve(
            nk.NormSet(
                id="alone",
                title="t",
                source=S,
                overrides=(nk.Override(id="o", replaces="zz", rule=fixed("1 FTE"), reason="r"),),
            ),
            DAY,
            lambda *_: BASE,
        ),
        {
            "code": "override.target",
            "field": "overrides[0].replaces",
            "message": "override 'o' replaces need 'zz', which does not exist in 'alone' or the "
            "norm sets it extends",
            "hint": "the needs are: none; write 'replaces: null' for an override that gives a "
            "need where the norm has none (such as KAD beds)",
        },
    ),
    (
        "codes overlapping",
        lambda: nk.Municipality(
            id="m",
            name="M",
            codes=(
                nk.MunicipalityCode(code="1111"),
                nk.MunicipalityCode(code="2222", valid_from=DAY),
            ),
        ),
        {
            "code": "municipality.codes-overlap",
            "message": "codes 1111 and 2222 of M overlap in time",
        },
    ),
    (
        "a condition that is a figure",
        lambda: nk.Condition(id="c", over="gp_list", when=fixed("1 FTE"), message="m", action="a"),
        {
            "code": "condition.not-a-predicate",
            "message": "'when' must be a condition (compare, all_of, any_of, not)",
        },
    ),
    (
        "a condition on the wrong record",
        lambda: nk.Condition(
            id="c",
            over="gp_list",
            when=nk.Compare(attribute="gps", op=">", value=1),
            message="m",
            action="a",
        ),
        {
            "code": "condition.unknown-attribute",
            "message": "'when' uses gps, which a gp_list does not have; attributes: cap, listed, "
            "free_places, vacant, locum, unsold, full_months_since_notice",
        },
    ),
    (
        "a ratio over zero",
        lambda: nk.Ratio(numerator="a", denominator="b", reports_in="x").evaluate({"a": 1, "b": 0}),
        {"code": "rule.division-by-zero", "message": "'b' is 0, so 'ratio' has no value"},
    ),
    (
        "a figure too large to be finite",
        lambda: nk.assess(
            nk.Inventory.model_validate(
                {
                    "facilities": [
                        {"name": "H", "units": [{"name": "U", "bed_type": "x", "beds": 3}]}
                    ]
                },
            ),
            resolve(OVERFLOWING, DAY, lambda *_: OVERFLOWING),
        ),
        {
            "code": "rule.not-finite",
            "message": "rule 'scale' gives inf for H › U, not a finite number",
            "hint": "its factors are too large for the inputs; check the rule",
        },
    ),
    (
        "a facility-level need too large to be finite",
        lambda: nk.assess(ONE_UNIT, resolve(FACILITY_OVERFLOW, DAY, lambda *_: BASE)),
        {
            "code": "rule.not-finite",
            "message": "rule 'scale' gives inf for H › lead, not a finite number",
            "hint": "its factors are too large for the inputs; check the rule",
        },
    ),
    (
        "an override too large to be finite, on a unit",
        lambda: nk.assess(ONE_UNIT, resolve(UNIT_OVERRIDE_OVERFLOW, DAY, lambda *_: BASE)),
        {
            "code": "rule.not-finite",
            "message": "rule 'scale' gives inf for H › U, not a finite number",
            "hint": "its factors are too large for the inputs; check the rule",
        },
    ),
    (
        "an override too large to be finite, on a facility-level need",
        lambda: nk.assess(ONE_UNIT, resolve(LEAD_OVERRIDE_OVERFLOW, DAY, lambda *_: BASE)),
        {
            "code": "rule.not-finite",
            "message": "rule 'scale' gives inf for H › lead, not a finite number",
            "hint": "its factors are too large for the inputs; check the rule",
        },
    ),
    (
        "a missing input",
        lambda: nk.Rate(amount="1 FTE", label="lt").evaluate({"beds": 3}),
        {
            "code": "rule.missing-input",
            "hint": "inputs given: beds",
            "message": "rule 'lt' needs the input 'places', which was not given",
        },
    ),
]


@pytest.mark.parametrize(("what", "build", "error"), ROWS, ids=[r[0] for r in ROWS])
def test_error(what: str, build: Callable[[], object], error: dict[str, Any]) -> None:
    with pytest.raises(nk.NormkitError) as caught:
        build()
    assert caught.value.to_dict() == error
