"""Numbers: no NaN, no infinity, no overflow, no silent coercion, anywhere they are read."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import normkit
from normkit.files import NO_FILE
from normkit.normset import parse_normset
from normkit.values import MAX_MAGNITUDE, parse_decimal

AT = dt.date(2020, 4, 1)


def inventory_with(raw: Callable[..., Path], unit: str, extra: str = "") -> Path:
    return raw(
        "inv.yaml",
        "facilities:\n  - name: Home\n    units:\n"
        f"      - {{name: U, bed_type: long_term, {unit}}}\n{extra}",
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (".nan", "value.not-finite"),
        (".inf", "value.not-finite"),
        ("-.inf", "value.not-finite"),
        ("1e400", "value.not-finite"),
        ("10000000000000000", "value.too-large"),
        ("1" * 5000, "file.syntax"),
        ("yes", "value.boolean-as-number"),
        ("true", "value.boolean-as-number"),
        ("010", "value.yaml-ambiguous"),
        ("1:30", "value.yaml-ambiguous"),
        ("0x10", "value.yaml-ambiguous"),
        ("1_000", "value.yaml-ambiguous"),
        ("12.5", "value.not-whole"),
        ("1.0e-400", "value.too-small"),  # a float reads it as 0: never taken for 0 places
        ("'1,000'", "value.ambiguous-separator"),
        ("'1.000'", "value.ambiguous-separator"),
        ("'-1,500'", "value.ambiguous-separator"),
        ("٣", "value.not-a-number"),  # an Arabic-Indic digit: digits are 0-9
        ("１２", "value.not-a-number"),  # full-width digits
        ("-1", "field.range"),
    ],
)
def test_beds_in_yaml(raw: Callable[..., Path], value: str, code: str) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(inventory_with(raw, f"beds: {value}"))
    assert caught.value.code == code, caught.value
    assert caught.value.location.line is not None


@pytest.mark.parametrize(
    ("row", "beds"),
    [("Home;U;long_term;1 000", 1000), ("Home;U;long_term;0,000", 0), ("Home;U;long_term;12", 12)],
)
def test_counts_with_a_space_between_thousands(
    raw: Callable[..., Path], row: str, beds: int
) -> None:
    path = raw("inv.csv", f"facility;unit;bed_type;beds\n{row}\n")
    assert normkit.load_inventory(path).facilities[0].units[0].beds == beds


@pytest.mark.parametrize("beds", ["1,000", "1.000", '"12,000"'])
def test_counts_that_could_be_thousands_or_decimals(raw: Callable[..., Path], beds: str) -> None:
    """1,000 places read as 1 would be silently wrong, and as 1000 wrong for another reader."""
    separator = "," if beds.startswith('"') else ";"
    path = raw(
        "inv.csv",
        separator.join(["facility", "unit", "bed_type", "beds"])
        + "\n"
        + separator.join(["Home", "U", "long_term", beds])
        + "\n",
    )
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code == "value.ambiguous-separator"
    assert "(a thousands separator)" in caught.value.message


def test_the_yaml_readings_are_explained(raw: Callable[..., Path]) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(inventory_with(raw, "beds: 010"))
    assert caught.value.message == "'010' is octal 8 in YAML 1.1 but 10 in YAML 1.2"
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(inventory_with(raw, "beds: 1:30"))
    assert "base 60" in caught.value.message


def test_yaml_11_numbers_stay_text_where_text_is_wanted(raw: Callable[..., Path]) -> None:
    # A kommunenummer or a name such as 0301 is kept exactly as written.
    path = raw(
        "inv.yaml",
        "name: 0301\nfacilities:\n  - name: 08:00\n    units:\n"
        "      - {name: 010, bed_type: long_term, beds: 10}\n",
    )
    inventory = normkit.load_inventory(path)
    assert inventory.name == "0301"
    assert inventory.facilities[0].name == "08:00"
    assert inventory.facilities[0].units[0].name == "010"


def test_yes_no_as_text_is_explained(raw: Callable[..., Path]) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("inv.yaml", "facilities:\n  - name: No\n"))
    assert caught.value.code == "field.text"
    assert caught.value.hint is not None and "quotes" in caught.value.hint


@pytest.mark.parametrize(
    "staffing",
    ["staffing: .nan", "staffing: 1e300", "staffing: '1e300 %'", "staffing: [{fte: .inf}]"],
)
def test_staffing_is_finite(raw: Callable[..., Path], staffing: str) -> None:
    path = raw(
        "inv.yaml",
        f"facilities:\n  - name: Home\n    {staffing}\n    units:\n"
        "      - {name: U, bed_type: long_term, beds: 1}\n",
    )
    with pytest.raises(normkit.InventoryError):
        normkit.load_inventory(path)


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        (
            {"kind": "scale", "rule": {"kind": "fixed", "amount": "1 FTE"}, "factor": 1e300},
            "value.too-large",
        ),
        (
            {"kind": "scale", "rule": {"kind": "fixed", "amount": "1 FTE"}, "factor": float("nan")},
            "value.not-finite",
        ),
        ({"kind": "rate", "amount": "1 FTE", "per": "1e-20 place"}, "value.too-small"),
        (
            {
                "kind": "rate",
                "amount": "1 hour/week",
                "per": "1 place",
                "fte_basis": "1e-12 hour/week/FTE",
            },
            "value.too-small",
        ),
        (
            {"kind": "fte_cost", "salary": "1e20 NOK/year/FTE", "employer_cost_factor": 1.3},
            "value.too-large",
        ),
        (
            {"kind": "fte_cost", "salary": "1 NOK/year/FTE", "employer_cost_factor": float("inf")},
            "value.not-finite",
        ),
        (
            {"kind": "ratio", "numerator": "a", "denominator": "b", "per": 1e99, "reports_in": "x"},
            "value.too-large",
        ),
        ({"kind": "compare", "attribute": "a", "op": "<", "value": float("nan")}, "field.invalid"),
    ],
)
def test_rule_factors_are_bounded(rule: dict[str, object], code: str) -> None:
    data = {
        "id": "x",
        "title": "t",
        "source": {"document": "d"},
        "rules": [{"id": "r", "rule": rule}],
    }
    with pytest.raises(normkit.NormSetError) as caught:
        parse_normset(data, NO_FILE)
    assert caught.value.code == code
    assert (caught.value.location.field or "").startswith("rules[0].rule")


def test_threshold_limits_are_finite() -> None:
    with pytest.raises(normkit.NormSetError):
        normkit.Threshold(id="t", indicator="x", below=float("inf"), action="a")


def threshold_file(raw: Callable[..., Path], limit: str) -> Path:
    """A norm set whose one threshold is "below" ``limit`` (on line 7), as written."""
    return raw(
        "norms.yaml",
        "id: x\ntitle: t\nsource: {document: d}\n"
        f"thresholds:\n  - id: gp\n    indicator: free_list_places\n    below: {limit}\n"
        "    action: open a new GP list\n",
    )


@pytest.mark.parametrize("limit", ["1,000", "'1,000'", "1.000", "'12,500'", "'1.000'"])
def test_a_threshold_written_like_a_thousand_is_refused(
    raw: Callable[..., Path], limit: str
) -> None:
    """Sarpsborg's "below 1000" typed 1,000 would read as 1 and never fire: refused."""
    path = threshold_file(raw, limit)
    with pytest.raises(normkit.NormSetError) as caught:
        normkit.load_normset(path)
    assert caught.value.code == "value.ambiguous-separator"
    assert (caught.value.location.line, caught.value.location.field) == (7, "thresholds[0].below")


@pytest.mark.parametrize(
    ("limit", "read"),
    [("1000", 1000), ("1 000", 1000), ("'1,5'", 1.5), ("1.125", 1.125), ("12.500", 12.5)],
)
def test_a_threshold_written_plainly_is_read(
    raw: Callable[..., Path], limit: str, read: float
) -> None:
    path = threshold_file(raw, limit)
    assert normkit.load_normset(path).thresholds[0].below == read


@pytest.mark.parametrize(
    ("text", "shown", "field"),
    [
        (
            "{name: H, units: [{name: U, bed_type: long_term, beds: 3, staffing: 0,5}]}",
            "'0,5' inside { } is read as 0 and a key '5'",
            "facilities[0].units[0]",
        ),
        ("{name: H, staffing: 1,250, units: []}", "read as 1 and a key '250'", "facilities[0]"),
    ],
)
def test_a_decimal_comma_in_braces_is_said_to_be_one(
    raw: Callable[..., Path], text: str, shown: str, field: str
) -> None:
    """YAML ends a value at a comma inside { }: the error said "Keys should be strings"."""
    path = raw("inv.yaml", f"facilities:\n  - {text}\n")
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code == "value.decimal-comma"
    assert shown in caught.value.message
    assert (caught.value.location.line, caught.value.location.field) == (2, field)


def test_minus_zero_is_zero(raw: Callable[..., Path]) -> None:
    """-0.0 passes "not negative" and would show as -0 in the JSON and explanations."""
    import math

    path = raw(
        "inv.json",
        '{"facilities": [{"name": "H", "units": '
        '[{"name": "U", "bed_type": "long_term", "beds": 9, "staffing": -0.0}]}]}',
    )
    fte = normkit.load_inventory(path).facilities[0].units[0].staffing[0].fte
    assert fte == 0 and math.copysign(1.0, fte) == 1.0
    rule = normkit.Rate(amount="-0 FTE", per="1 place")
    assert math.copysign(1.0, rule.evaluate({"places": 3.0})) == 1.0


def test_nested_scales_cannot_overflow_a_result(kit: normkit.Kit) -> None:
    # Each factor is within bounds; their product is not. The figure is refused.
    rule: dict[str, object] = {"kind": "rate", "amount": "1 FTE", "per": "1 place"}
    for _ in range(25):
        rule = {"kind": "scale", "rule": rule, "factor": MAX_MAGNITUDE}
    normset = normkit.NormSet.model_validate(
        {
            "id": "big",
            "title": "t",
            "source": {"document": "d"},
            "needs": [{"id": "n", "bed_types": ["long_term"], "rule": rule}],
        }
    )
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": "H", "units": [{"name": "U", "bed_type": "long_term", "beds": 1}]}
            ]
        }
    )
    with pytest.raises(normkit.RuleError) as caught:
        kit.assess(inventory, normset, AT)
    assert caught.value.code == "rule.not-finite"


def test_results_are_finite_and_read_back(kit: normkit.Kit) -> None:
    huge = int(MAX_MAGNITUDE)
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "H",
                    "staffing": MAX_MAGNITUDE,
                    "units": [{"name": "U", "bed_type": "palliative", "beds": huge}],
                }
            ]
        }
    )
    result = kit.assess(inventory, "national", AT)
    text = result.model_dump_json()
    assert "Infinity" not in text and "NaN" not in text
    data = json.loads(text)
    assert data["totals"]["gap_fte"] == pytest.approx(huge * 5 / 30 - MAX_MAGNITUDE)
    assert normkit.Assessment.model_validate_json(text) == result


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31.02.2020", "value.not-a-date"),
        ("2020-02-30", "value.not-a-date"),
        ("20200101", "value.not-a-date"),
        ("01/02/2020", "value.not-a-date"),
        ("'2020-01-01T10:00:00'", "value.not-a-date"),
    ],
)
def test_dates_refuse_to_be_ambiguous(raw: Callable[..., Path], value: str, code: str) -> None:
    path = raw(
        "inv.yaml",
        "facilities:\n  - name: H\n    staffing: [{fte: 0.4, valid_to: " + value + "}]\n",
    )
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code == code


def test_norwegian_dates_are_read(raw: Callable[..., Path]) -> None:
    path = raw("inv.yaml", "as_of: 01.04.2020\nfacilities: []\n")
    assert normkit.load_inventory(path).as_of == dt.date(2020, 4, 1)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("inv.yaml", "facilities:\n  - name: H\n    staffing: [{fte: 1.0e-400}]\n"),
        ("inv.json", '{"facilities": [{"name": "H", "staffing": [{"fte": 1e-400}]}]}'),
        ("inv.toml", '[[facilities]]\nname = "H"\n[[facilities.staffing]]\nfte = 1e-400\n'),
    ],
)
def test_a_number_too_small_for_a_float_is_not_zero(
    raw: Callable[..., Path], name: str, text: str
) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw(name, text))
    assert caught.value.code == "value.too-small"
    assert "e-400 is smaller than normkit accepts" in caught.value.message


def test_zero_written_with_an_exponent_is_zero(raw: Callable[..., Path]) -> None:
    path = raw("inv.json", '{"facilities": [{"name": "H", "staffing": [{"fte": 0.0e-400}]}]}')
    assert normkit.load_inventory(path).facilities[0].staffing[0].fte == 0


@pytest.mark.parametrize(
    ("measure", "field"),
    [
        ("amount: 999999999999999 NOK/year, count: 999999999999999", "count"),
        ("fte: 999999999, salary: 999999999 NOK/year/FTE, employer_cost_factor: 1.2", "amount"),
    ],
)
def test_a_measures_yearly_cost_is_bounded(
    raw: Callable[..., Path], measure: str, field: str
) -> None:
    """Each figure is at most 10^15, and so is their product: a plan shows it, never 10^30."""
    scenario = raw(
        "big.yaml",
        "id: big\ntitle: Big\nchanges:\n"
        f"  - {{kind: measure, valid_from: 2020-06-01, id: x, type: cost, {measure}}}\n",
    )
    with pytest.raises(normkit.NormkitError) as caught:
        normkit.Kit(autoload=False).load_scenarios([scenario])
    assert caught.value.code == "value.too-large"
    assert caught.value.location.field == f"changes[0].measure.{field}"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "inv.yaml",
            "facilities:\n  - {name: H, units: [{name: U, bed_type: long_term, beds: 1.000}]}\n",
        ),
        (
            "inv.json",
            '{"facilities": [{"name": "H", "units": '
            '[{"name": "U", "bed_type": "long_term", "beds": 2.000}]}]}',
        ),
        (
            "inv.toml",
            '[[facilities]]\nname = "H"\n[[facilities.units]]\nname = "U"\n'
            'bed_type = "long_term"\nbeds = 1.500\n',
        ),
    ],
)
def test_a_count_written_like_a_thousand_is_refused_in_every_format(
    raw: Callable[..., Path], name: str, text: str
) -> None:
    """'1.000' places is 1 to a float and 1000 to a Norwegian reader: never read as either."""
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw(name, text))
    assert caught.value.code == "value.ambiguous-separator"


def test_a_figure_written_like_a_thousand_is_still_a_number(raw: Callable[..., Path]) -> None:
    """Staffing is not a count: 1.000 FTE is 1 FTE (a plain float in the model)."""
    path = raw("inv.yaml", "facilities:\n  - {name: H, staffing: 1.000, units: []}\n")
    fte = normkit.load_inventory(path).facilities[0].staffing[0].fte
    assert fte == 1.0 and type(fte) is float


@given(st.from_regex(r"[+-]?[0-9]{1,12}([.,][0-9]{1,6})?", fullmatch=True))
def test_a_plain_cell_reads_as_its_digits(text: str) -> None:
    """Digits alone are a whole number (int, leading zeros and all); with a point or a
    comma, a float: the shortcut for plain digits reads them as the general path does."""
    value = parse_decimal(f" {text} ")
    expected = float(text.replace(",", ".")) if any(c in text for c in ".,") else int(text)
    assert value == expected and type(value) is type(expected)
