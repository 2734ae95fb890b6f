from __future__ import annotations

import pytest

from normkit import Q, QuantityError, Rate


def test_quantity_keeps_the_text_it_was_written_in() -> None:
    q = Q.parse("30 hour/week/FTE")
    assert str(q) == "30 hour/week/FTE"
    assert q.to("hour/week/FTE") == pytest.approx(30)


def test_conversion_between_time_bases() -> None:
    assert Q.parse("1560 hour/year").to("hour/week") == pytest.approx(1560 / (365.25 / 7))


def test_unknown_unit_is_named() -> None:
    with pytest.raises(QuantityError, match="cannot read quantity '3 furlongs'"):
        Q.parse("3 furlongs")


def test_bare_number_is_rejected() -> None:
    with pytest.raises(QuantityError, match="has no unit"):
        Q.parse("1.5")


def test_wrong_dimension_names_both() -> None:
    with pytest.raises(QuantityError, match=r"'2 place' is not convertible to FTE"):
        Q.parse("2 place").to("FTE")


@pytest.mark.parametrize("text", ["1.5 hour", "90 minute"])
def test_rate_without_time_base_is_rejected_when_built(text: str) -> None:
    with pytest.raises(ValueError, match=r"has no time base.*hint: write hours per week"):
        Rate(amount=text, fte_basis="30 hour/week/FTE")


def test_hours_need_a_stated_fte_basis() -> None:
    with pytest.raises(ValueError, match="needs 'fte_basis'"):
        Rate(amount="1.5 hour/week")


def test_fte_basis_must_be_hours_per_week_per_fte() -> None:
    with pytest.raises(ValueError, match="'fte_basis' must be hours per week per FTE"):
        Rate(amount="1.5 hour/week", fte_basis="30 hour/week")


def test_per_must_count_something() -> None:
    with pytest.raises(ValueError, match="'per' must count places"):
        Rate(amount="1 FTE", per="90 hour")


def test_rate_per_inhabitant() -> None:
    # Stavanger legevakt: 13.5 FTE for about 186 000 people.
    rate = Rate(amount="13.5 FTE", per="186000 inhabitant")
    assert rate.input == "inhabitants"
    assert rate.evaluate({"inhabitants": 10_000}) == pytest.approx(13.5 / 18.6)


def test_same_rate_in_its_two_forms() -> None:
    hours = Rate(amount="1 hour/week", per="3 place", fte_basis="30 hour/week/FTE")
    fte = Rate(amount="1 FTE", per="90 place")
    assert hours.fte_per_unit == pytest.approx(fte.fte_per_unit)


WHERE = {"file": "f.yaml", "line": 3, "field": "amount"}
UNITS = (
    "units: hour, week, year, FTE, NOK, place, patient, inhabitant, shift, physician, contract, %"
)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            5,
            {
                "code": "quantity.not-text",
                "message": "expected a quantity with a unit as text, like '1.5 hour/week', got 5",
            },
        ),
        (
            "abc",
            {
                "code": "quantity.syntax",
                "message": "cannot read quantity 'abc': expected a number and a unit",
                "hint": "write a decimal number and a unit, e.g. '1.5 hour/week' or "
                "'330 NOK/patient/year'",
            },
        ),
        (
            "1.5",
            {
                "code": "quantity.no-unit",
                "message": "quantity '1.5' has no unit",
                "hint": "write the unit, e.g. '0.2 FTE', '1.5 hour/week', '330 NOK/patient/year'",
            },
        ),
        (
            "1 furlong/week",
            {
                "code": "quantity.unknown-unit",
                "message": "cannot read quantity '1 furlong/week': unknown unit 'furlong'",
                "hint": UNITS,
            },
        ),
        (
            "1" * 201 + " FTE",
            {
                "code": "quantity.syntax",
                "message": "a quantity of 205 characters is longer than 200",
            },
        ),
        (
            "1e16 FTE",
            {
                "code": "value.too-large",
                "message": "quantity '1e16 FTE': 1e+16 is larger than normkit accepts "
                "(at most 10^15)",
            },
        ),
    ],
    ids=["not text", "syntax", "no unit", "unknown unit", "too long", "too large"],
)
def test_quantity_errors_whole_with_their_place(text: object, error: dict[str, object]) -> None:
    from normkit.errors import Location

    with pytest.raises(QuantityError) as caught:
        Q.parse(text, Location("f.yaml", 3, "amount"))
    assert caught.value.to_dict() == {**error, **WHERE}


def test_a_quantity_of_exactly_the_longest_length_is_read() -> None:
    from normkit.quantities import MAX_TEXT

    longest = "1" + " " * (MAX_TEXT - 5) + " FTE"
    assert len(longest) == MAX_TEXT
    assert Q.parse(longest).magnitude == 1
    with pytest.raises(QuantityError, match="longer than"):
        Q.parse(longest + " ")


def test_numbers_are_shown_without_a_sign_on_zero() -> None:
    from normkit.rules.base import fmt

    assert fmt(-0.001) == "0"
    assert fmt(-0.004, "FTE") == "0 FTE"
    assert fmt(-0.005, "FTE") == "-0.01 FTE"
    assert fmt(0.0) == "0"
    assert fmt(1234.5) == "1 234.5"


def test_explanations_round_halves_as_the_tables_do() -> None:
    from normkit.render.plan_lines import _figure, _fte2, _signed
    from normkit.rules.base import fmt

    # 0.625 is exactly half-way; 0.285 is stored just below it. A planner's
    # spreadsheet shows 0.63 and 0.29, and so does every text normkit writes.
    assert fmt(0.625, "FTE") == "0.63 FTE" and fmt(0.285) == "0.29"
    assert (_fte2(0.625), _figure(1052.625), _signed(-0.625)) == ("0.63", "1 052.63", "-0.63")
    assert _signed(2.5, money=True) == "+3" and _signed(-0.4, money=True) == "0"


def test_hours_a_week_where_fte_is_wanted_says_how_to_get_there() -> None:
    """pint calls hour/week dimensionless: the message said "it has dimension
    dimensionless", which a plugin author read as a bug (review finding)."""
    import normkit

    with pytest.raises(normkit.NormkitError) as caught:
        normkit.Floor(at_least="6 hour/week", rule=normkit.Rate(amount="1 FTE", per="1 place"))
    assert caught.value.code == "quantity.dimension"
    assert "(it is a ratio with no dimension, expected [fte])" in caught.value.message
    assert caught.value.hint is not None and "fte_basis" in caught.value.hint
    with pytest.raises(normkit.NormkitError) as caught:
        normkit.Floor(at_least="6 hour", rule=normkit.Rate(amount="1 FTE", per="1 place"))
    assert "(it has dimension [time], expected [fte])" in caught.value.message
    assert caught.value.hint is None
