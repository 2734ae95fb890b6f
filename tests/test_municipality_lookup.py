"""Finding a municipality by name or kommunenummer, and what is said when it fails.

Sarpsborg's codes are the plan's (3003 until 2023-12-31, 3105 from
2024-01-01, domain.md). "Rygge" holding 3105 before 2020, "Framtida" with a
code from 2030 and "Tomby" with no norm set are made up for the lookups; they
carry no norms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import normkit as nk
from normkit import Municipality, MunicipalityCode

DAY = dt.date(2025, 1, 1)


def plugin(name: str, *municipalities: Municipality) -> object:
    class Plugin:
        __name__ = name

        @nk.hookimpl
        def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
            for municipality in municipalities:
                register(municipality)

    return Plugin()


SARPSBORG = Municipality(
    id="sarpsborg",
    name="Sarpsborg",
    codes=(
        MunicipalityCode(
            code="3003", valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2023, 12, 31)
        ),
        MunicipalityCode(code="3105", valid_from=dt.date(2024, 1, 1)),
    ),
    normsets=("no-such-set", "national"),
)
RYGGE = Municipality(
    id="rygge", name="Rygge", codes=(MunicipalityCode(code="3105", valid_to=dt.date(2019, 12, 31)),)
)
FRAMTIDA = Municipality(
    id="framtida",
    name="Framtida",
    codes=(MunicipalityCode(code="9998", valid_from=dt.date(2030, 1, 1)),),
    normsets=("no-such-set", "national-emergency-duty"),
)
# A code given back and taken up again: two periods of one code.
BACK_AGAIN = Municipality(
    id="tilbake",
    name="Tilbake",
    codes=(
        MunicipalityCode(code="9990", valid_to=dt.date(2010, 12, 31)),
        MunicipalityCode(
            code="9991", valid_from=dt.date(2011, 1, 1), valid_to=dt.date(2019, 12, 31)
        ),
        MunicipalityCode(code="9990", valid_from=dt.date(2020, 1, 1)),
    ),
)
TOMBY = Municipality(id="tomby", name="Tomby kommune", codes=(MunicipalityCode(code="9997"),))


@pytest.fixture
def kit() -> nk.Kit:
    return nk.Kit([plugin("places", SARPSBORG, RYGGE, FRAMTIDA, TOMBY, BACK_AGAIN)], autoload=False)


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(nk.NormkitError) as caught:
        call()
    return caught.value.to_dict()


def test_by_name_slug_or_code(kit: nk.Kit) -> None:
    assert kit.municipality(" tomby kommune ").id == "tomby"
    assert kit.municipality("SARPSBORG").id == "sarpsborg"
    assert kit.municipality("3003").id == "sarpsborg"
    assert kit.municipality("3105", DAY).id == "sarpsborg"
    assert kit.municipality("3105", dt.date(2019, 6, 1)).id == "rygge"


def test_an_unknown_municipality_lists_the_known_ones(kit: nk.Kit) -> None:
    assert error_of(lambda: kit.municipality("Moss")) == {
        "code": "municipality.unknown",
        "message": "unknown municipality 'Moss'",
        "hint": "known municipalities: Sarpsborg (3003/3105), Rygge (3105), Framtida (9998), "
        "Tomby kommune (9997), Tilbake (9990/9991/9990)",
    }
    assert error_of(lambda: nk.Kit(autoload=False).municipality("Moss"))["hint"] == (
        "known municipalities: none (install a municipality plugin)"
    )


def test_a_code_that_two_municipalities_have_had(kit: nk.Kit) -> None:
    assert error_of(lambda: kit.municipality("3105")) == {
        "code": "municipality.code-ambiguous",
        "message": "kommunenummer 3105 has belonged to Sarpsborg, Rygge",
        "hint": "give a date (--at) or the municipality's name",
    }


def test_a_code_not_in_use_on_the_date(kit: nk.Kit) -> None:
    assert error_of(lambda: kit.municipality("3105", dt.date(2022, 1, 1))) == {
        "code": "municipality.code-not-in-use",
        "message": "kommunenummer 3105 is not in use on 2022-01-01: 3105 is Sarpsborg's number "
        "from 2024-01-01; on 2022-01-01 Sarpsborg is 3003; 3105 was Rygge's number until "
        "2019-12-31; on 2022-01-01 Rygge has no code",
        "hint": "give the code in use on that date, or the municipality's name",
    }
    assert error_of(lambda: kit.municipality("9990", dt.date(2015, 1, 1)))["message"] == (
        "kommunenummer 9990 is not in use on 2015-01-01: 9990 is Tilbake's number until "
        "2010-12-31, from 2020-01-01; on 2015-01-01 Tilbake is 9991"
    )
    assert error_of(lambda: kit.municipality("9998", DAY))["message"] == (
        "kommunenummer 9998 is not in use on 2025-01-01: 9998 is Framtida's number from "
        "2030-01-01; on 2025-01-01 Framtida has no code"
    )


def test_the_first_norm_set_in_force_is_the_municipalitys(kit: nk.Kit) -> None:
    assert kit.normset_for("3105", DAY).id == "national"
    # Framtida has no code in 2025, but is found by name; its norm sets are tried in order.
    assert kit.normset_for("framtida", DAY).id == "national-emergency-duty"


def test_no_norm_set_in_force(kit: nk.Kit) -> None:
    assert error_of(lambda: kit.normset_for("Sarpsborg", dt.date(1990, 1, 1))) == {
        "code": "normset.not-in-force",
        "message": "Sarpsborg has no norm set in force on 1990-01-01",
        "hint": "unknown norm set 'no-such-set'; norm set 'national' has no version in force "
        "on 1990-01-01 (its versions cover: 2012-01-01 to …)",
    }
    assert error_of(lambda: kit.normset_for("tomby", DAY))["hint"] == (
        "the municipality's plugin registers no norm set"
    )


def test_a_contested_municipality_is_refused_by_its_name() -> None:
    kit = nk.Kit([plugin("a", TOMBY), plugin("b", TOMBY)], autoload=False)
    with pytest.raises(nk.PluginError, match="registered by both plugin 'a' and plugin 'b'"):
        kit.municipality("Tomby kommune")


def test_examples(kit: nk.Kit) -> None:
    assert error_of(lambda: kit.example("nope")) == {
        "code": "example.unknown",
        "message": "unknown example 'nope'",
        "hint": "examples: none (install a municipality plugin)",
    }
    installed = nk.Kit()
    known = [
        e.id for m in installed.municipalities.values() for e in m.examples if e.kind == "inventory"
    ]
    assert len(known) >= 2
    assert error_of(lambda: installed.example("nope"))["hint"] == f"examples: {', '.join(known)}"


def test_an_assessment_names_the_municipality_by_the_code_on_its_date(kit: nk.Kit) -> None:
    inventory = nk.Inventory.model_validate({"facilities": []})
    made = kit.assess(inventory, "national", DAY, municipality="3105")
    assert made.municipality is not None
    assert (made.municipality.name, made.municipality.kommunenummer) == ("Sarpsborg", "3105")
    by_name = kit.assess(inventory, "national", dt.date(2022, 1, 1), municipality="Sarpsborg")
    assert by_name.municipality is not None and by_name.municipality.kommunenummer == "3003"
    assert (
        error_of(lambda: kit.assess(inventory, "national", DAY, municipality="3003"))["code"]
        == "municipality.code-not-in-use"
    )


def test_a_municipality_claimed_twice_is_refused_by_its_code() -> None:
    # Two plugins give 'tomby' different codes: its code 9997 is not contested, its id is.
    other = Municipality(id="tomby", name="Tomby", codes=(MunicipalityCode(code="9996"),))
    kit = nk.Kit([plugin("a", TOMBY), plugin("b", other)], autoload=False)
    with pytest.raises(nk.PluginError, match="registered by both plugin 'a' and plugin 'b'"):
        kit.municipality("9997")


def test_norm_set_lookups_fail_whole(kit: nk.Kit) -> None:
    known = "known norm sets: " + ", ".join(sorted(kit.normset_ids()))
    unknown = {"code": "normset.unknown", "message": "unknown norm set 'nope'", "hint": known}
    assert error_of(lambda: kit.normset("nope", DAY)) == unknown
    assert error_of(lambda: kit.versions("nope")) == unknown
    assert error_of(lambda: nk.Kit(autoload=False, builtins=False).versions("nope"))["hint"] == (
        "known norm sets: none"
    )
    assert error_of(lambda: kit.normset("national", dt.date(1990, 1, 1))) == {
        "code": "normset.not-in-force",
        "message": "norm set 'national' has no version in force on 1990-01-01",
        "hint": "its versions cover: 2012-01-01 to …",
    }
