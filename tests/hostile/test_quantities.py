"""Quantity text is read by a small grammar: a number, then a unit. Nothing is evaluated."""

from __future__ import annotations

import time

import pytest

import normkit
from normkit import Q, Rate


@pytest.mark.parametrize(
    "text",
    [
        "9**9**9 FTE",
        "10**400 place",
        "(1+1) FTE",
        "1 FTE + 1 FTE",
        "2 * 3 FTE",
        "1e9999 FTE",
        "__import__('os') FTE",
        "1 FTE; drop",
        "1 hour/week/(FTE)",
        "1 hour**99",
        "x" * 300,
    ],
)
def test_arithmetic_and_junk_are_syntax_errors_at_once(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(normkit.QuantityError) as caught:
        Q.parse(text)
    assert time.perf_counter() - started < 1
    assert caught.value.code in {"quantity.syntax", "value.too-large"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1e300 FTE", "value.too-large"),
        ("1e-30 FTE", "value.too-small"),
        ("1e-400 FTE", "value.too-small"),  # a float reads it as 0, which it is not
        ("nan FTE", "quantity.syntax"),
        ("inf FTE", "quantity.syntax"),
        ("12", "quantity.no-unit"),
        ("3 furlong", "quantity.unknown-unit"),
    ],
)
def test_bad_numbers_and_units(text: str, code: str) -> None:
    with pytest.raises(normkit.QuantityError) as caught:
        Q.parse(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "unit", "magnitude"),
    [
        ("1.5 hour/week", "hour/week", 1.5),
        ("30 hour/week/FTE", "hour/FTE/week", 30),  # pint orders the units
        ("330 NOK/patient/year", "NOK/patient/year", 330),
        ("2.6 1/year", "1/year", 2.6),
        ("30 %", "percent", 30),
        ("  0.2   FTE ", "FTE", 0.2),
        (".5 place", "place", 0.5),
        ("1e3 NOK/year", "NOK/year", 1000),
    ],
)
def test_what_the_grammar_reads(text: str, unit: str, magnitude: float) -> None:
    quantity = Q.parse(text)
    assert quantity.magnitude == magnitude
    assert quantity.unit == unit


def test_a_rule_built_in_python_raises_normkits_error() -> None:
    with pytest.raises(normkit.QuantityError) as caught:
        Rate(amount="9**9**9 hour/week", fte_basis="30 hour/week/FTE")
    assert caught.value.location.field == "amount"
    with pytest.raises(normkit.QuantityError) as caught:
        Rate(amount="1.5 hour", fte_basis="30 hour/week/FTE")
    assert caught.value.code == "quantity.no-time-base"
