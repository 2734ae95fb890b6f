"""Emergency-duty competence (akuttmedisinforskriften § 7) as the public sources state it.

Helsedirektoratet's guide "Legevakt og legevaktsentral": a physician may be on
duty alone if a specialist in general practice, or approved as a GP, or with
30 months of clinical service after graduation; one who is not a specialist
must also have done 40 out-of-hours shifts or worked a year as a GP in the
municipal service. Each physician on duty who does not meet § 7 needs a
qualified backup. KS: from 2021-04-30 to 2024-12-31 a physician who completed
LIS1 needed no backup. Regjeringen.no: the courses in emergency medicine and
in violence and abuse are required from 2022-05-01.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import normkit
from normkit import Physician, Roster, Shift

NORMSET = "national-emergency-duty"

NOTHING = {
    "specialist_general_practice": False,
    "approved_gp": False,
    "months_clinical_service": 0,
    "out_of_hours_shifts": 0,
    "years_as_gp_in_municipal_service": 0,
    "completed_lis1": False,
    "course_emergency_medicine": True,
    "course_violence_abuse": True,
}


def physician(pid: str = "A", **facts: Any) -> Physician:
    return Physician(id=pid, **{**NOTHING, **facts})


def covered(
    kit: normkit.Kit,
    on_duty: list[Physician],
    day: dt.date = dt.date(2025, 3, 1),
    backup: Physician | None = None,
    normset: str = NORMSET,
) -> bool | None:
    people = {p.id: p for p in [*on_duty, *([backup] if backup else [])]}
    shift = Shift(
        id="night",
        date=day,
        on_duty=tuple(p.id for p in on_duty),
        backup=backup.id if backup else None,
    )
    (result,) = kit.assess_roster(
        Roster(physicians=tuple(people.values()), shifts=(shift,)), normset
    )
    return result.covered


@pytest.mark.parametrize(
    ("facts", "qualified"),
    [
        # A specialist qualifies without shifts or municipal service.
        ({"specialist_general_practice": True}, True),
        # An approved GP qualifies with the experience...
        ({"approved_gp": True, "out_of_hours_shifts": 40}, True),
        ({"approved_gp": True, "years_as_gp_in_municipal_service": 1}, True),
        # ... and not without it.
        ({"approved_gp": True, "out_of_hours_shifts": 39}, False),
        # 30 months of clinical service, with the experience.
        ({"months_clinical_service": 30, "out_of_hours_shifts": 40}, True),
        ({"months_clinical_service": 29, "out_of_hours_shifts": 40}, False),
        ({"months_clinical_service": 30, "years_as_gp_in_municipal_service": 0.99}, False),
        # Other municipal work is not a year as a GP.
        ({"months_clinical_service": 30, "years_municipal_service": 5}, False),
        # Experience alone is not competence.
        ({"out_of_hours_shifts": 400, "years_as_gp_in_municipal_service": 10}, False),
    ],
)
def test_competence_on_duty_alone(kit: normkit.Kit, facts: dict[str, Any], qualified: bool) -> None:
    assert covered(kit, [physician(**facts)]) is qualified


def test_each_physician_who_does_not_qualify_needs_a_backup(kit: normkit.Kit) -> None:
    senior = physician("S", specialist_general_practice=True)
    junior = physician("J", months_clinical_service=6)
    # A qualified colleague on duty is not a backup.
    assert covered(kit, [senior, junior]) is False
    # A qualified backup covers the one who needs it.
    assert covered(kit, [senior, junior], backup=physician("B", specialist_general_practice=True))
    # A backup must qualify.
    assert covered(kit, [junior], backup=physician("B", months_clinical_service=12)) is False


@pytest.mark.parametrize(
    ("day", "excused"),
    [
        (dt.date(2020, 6, 1), False),  # before the exception
        (dt.date(2021, 4, 29), False),
        (dt.date(2021, 4, 30), True),  # its first day
        (dt.date(2024, 12, 31), True),  # its last day
        (dt.date(2025, 1, 1), False),
    ],
)
def test_the_lis1_exception_has_a_start_and_an_end(
    kit: normkit.Kit, day: dt.date, excused: bool
) -> None:
    lis1 = physician(completed_lis1=True, months_clinical_service=12)
    assert covered(kit, [lis1], day) is excused
    assert covered(kit, [physician(completed_lis1=False, months_clinical_service=12)], day) is False


@pytest.mark.parametrize(
    ("day", "needed"), [(dt.date(2022, 4, 30), False), (dt.date(2022, 5, 1), True)]
)
def test_the_courses_are_required_from_may_2022(
    kit: normkit.Kit, day: dt.date, needed: bool
) -> None:
    without = physician(specialist_general_practice=True, course_emergency_medicine=False)
    assert covered(kit, [without], day) is (not needed)
    # A backup must have them too, once they are required.
    junior = physician("J", months_clinical_service=6)
    backup = physician("B", specialist_general_practice=True, course_violence_abuse=False)
    assert covered(kit, [junior], day, backup=backup) is (not needed)


def test_a_shift_before_2020_is_undecided_not_judged_by_the_2020_rule(kit: normkit.Kit) -> None:
    roster = Roster(
        physicians=(physician(specialist_general_practice=True),),
        shifts=(Shift(id="old", date=dt.date(2019, 12, 31), on_duty=("A",)),),
    )
    (result,) = kit.assess_roster(roster)
    assert result.covered is None
    assert "before 1 January 2020 are not encoded" in result.reason


def test_what_is_not_recorded_is_unknown_never_no(kit: normkit.Kit) -> None:
    # A specialist qualifies whatever else is unknown...
    specialist = Physician(
        id="A",
        specialist_general_practice=True,
        course_emergency_medicine=True,
        course_violence_abuse=True,
    )
    assert covered(kit, [specialist]) is True
    # ... while unknown experience leaves a non-specialist undecided, named.
    unsure = Physician(
        id="A",
        specialist_general_practice=False,
        approved_gp=True,
        completed_lis1=False,
        course_emergency_medicine=True,
        course_violence_abuse=True,
    )
    roster = Roster(
        physicians=(unsure,), shifts=(Shift(id="s", date=dt.date(2025, 3, 1), on_duty=("A",)),)
    )
    (result,) = kit.assess_roster(roster)
    assert result.covered is None and result.reason.startswith("undecided")


def test_each_condition_cites_its_source_and_dates(kit: normkit.Kit) -> None:
    resolved = kit.resolve(NORMSET, dt.date(2023, 1, 1))
    qualified = resolved.rules["emergency_duty_qualified"]
    courses = resolved.rules["emergency_duty_courses"]
    exception = resolved.rules["emergency_duty_backup_exempt"]
    assert resolved.normset.source.section == "7"
    assert (
        qualified.source is not None and "Legevakt og legevaktsentral" in qualified.source.document
    )
    assert courses.source is not None and "regjeringen.no" in (courses.source.url or "")
    assert courses.valid_from == dt.date(2022, 5, 1)
    assert exception.source is not None and exception.source.body == "KS"
    assert (exception.valid_from, exception.valid_to) == (
        dt.date(2021, 4, 30),
        dt.date(2024, 12, 31),
    )
    later = kit.resolve(NORMSET, dt.date(2025, 1, 1))
    assert "emergency_duty_backup_exempt" not in later.rules


def test_sarpsborg_keeps_its_own_wording(kit: normkit.Kit) -> None:
    # Without the plugin, the national rule; the plugin's own test covers its wording.
    with pytest.raises(normkit.NormSetError, match="unknown norm set 'sarpsborg-physicians'"):
        covered(kit, [physician()], normset="sarpsborg-physicians")


def test_a_norm_set_without_the_rule_is_refused(kit: normkit.Kit) -> None:
    with pytest.raises(normkit.NormSetError) as caught:
        covered(kit, [physician()], normset="national")
    assert caught.value.code == "roster.no-rule"
