"""Errors with structure: a stable, documented code; fields; locations kept with the object."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

import normkit
from normkit.errors import Location
from normkit.files import _TYPE_CODES

ROOT = Path(__file__).parent.parent.parent
SOURCE = ROOT / "src" / "normkit"
REFERENCE = ROOT / "docs" / "reference" / "errors.md"
# mutmut runs the tests on a copy whose source holds every mutant side by side.
reads_source = pytest.mark.skipif(
    ROOT.name == "mutants", reason="reads normkit's source, which mutmut rewrites"
)


def codes_in_source() -> set[str]:
    """Every code= literal in normkit's source, and every class's own code."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "code"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
            if (
                isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["code"]
                and isinstance(node.value, ast.Constant)
            ):
                found.add(str(node.value.value))
    return found - {""}


def documented_codes() -> set[str]:
    return set(re.findall(r"^\| `([a-z][a-z0-9.-]*)` \|", REFERENCE.read_text(), re.M))


# Codes given positionally (lint's findings) or as a class default (annotated).
OTHER_CODES = {
    "error",
    "field.invalid",
    "normset.no-source",
    "normset.gap",
    "municipality.normset-unknown",
    "plugin.not-installed",
    "plugin.select",
    "plugin.failed",
    "csv.workbook",
    "csv.encoding",
    "file.not-found",
    "file.alias-budget",
    "file.duplicate-key",
    "file.recursive-alias",
    "normset.not-a-normset",
}


@reads_source
def test_every_code_is_documented() -> None:
    codes = codes_in_source() | {code for _, code in _TYPE_CODES} | OTHER_CODES
    missing = sorted(codes - documented_codes())
    assert not missing, f"codes missing from docs/reference/errors.md: {missing}"


@reads_source
def test_no_documented_code_is_stale() -> None:
    codes = codes_in_source() | {code for _, code in _TYPE_CODES} | OTHER_CODES
    assert not sorted(documented_codes() - codes)


def test_an_error_is_data_too() -> None:
    error = normkit.QuantityError(
        "bad", Location("f.yaml", 3, "needs[0].rule"), "fix it", code="quantity.syntax"
    )
    assert error.to_dict() == {
        "code": "quantity.syntax",
        "message": "bad",
        "file": "f.yaml",
        "line": 3,
        "field": "needs[0].rule",
        "hint": "fix it",
    }
    assert str(error) == "f.yaml:3, field 'needs[0].rule': bad (hint: fix it)"
    assert normkit.RuleError("x").code == "rule"


@pytest.mark.parametrize(
    ("build", "error", "code"),
    [
        (
            lambda: normkit.Rate(amount="1.5 hour", fte_basis="30 hour/week/FTE"),
            normkit.QuantityError,
            "quantity.no-time-base",
        ),
        (lambda: normkit.Fixed(amount="-1 FTE"), normkit.QuantityError, "quantity.negative"),
        (
            lambda: normkit.Unit(name="U", bed_type="x", beds=-3),
            normkit.InventoryError,
            "field.range",
        ),
        (
            lambda: normkit.Staffing(fte=1, valid_from="2020-02-01", valid_to="2020-01-01"),
            normkit.InventoryError,
            "validity.order",
        ),
        (
            lambda: normkit.NormSet(id="Bad Id", title="t", source=normkit.Source(document="d")),
            normkit.NormSetError,
            "field.pattern",
        ),
        (
            lambda: normkit.Threshold(id="t", indicator="x", action="a"),
            normkit.NormSetError,
            "threshold.limits",
        ),
    ],
)
def test_objects_built_in_python_raise_normkit_errors(
    build: object, error: type[Exception], code: str
) -> None:
    with pytest.raises(error) as caught:
        build()  # type: ignore[operator]
    assert isinstance(caught.value, normkit.NormkitError)
    assert caught.value.code == code


@reads_source
def test_lint_classifies_by_code_not_by_message() -> None:
    lint = (SOURCE / "lint.py").read_text(encoding="utf-8")
    assert ".message" not in lint.replace("error.message", "").replace("conflict.message", "")


def test_locations_are_kept_with_the_norm_set(tmp_path: Path) -> None:
    # A norm set read from a file keeps its lines; one built in Python has none,
    # so an error in it can never be placed at another file's line.
    path = tmp_path / "n.yaml"
    path.write_text(
        "id: n\ntitle: t\nsource: {document: d}\nextends: national\nneeds:\n"
        "  - id: long_term\n    bed_types: [long_term]\n"
        "    rule: {kind: fixed, amount: 1 FTE}\n",
        encoding="utf-8",
    )
    kit = normkit.Kit(autoload=False)
    from_file = kit.load_normset(path)
    in_python = normkit.NormSet.model_validate(from_file.model_dump(mode="json"))
    assert from_file == in_python and from_file.origin is not None and in_python.origin is None
    at = dt.date(2020, 1, 1)
    with pytest.raises(normkit.NormSetError) as from_file_error:
        kit.resolve(from_file, at)
    with pytest.raises(normkit.NormSetError) as python_error:
        kit.resolve(in_python, at)
    assert from_file_error.value.code == python_error.value.code == "need.replaced-without-reason"
    assert (from_file_error.value.location.file, from_file_error.value.location.line) == (
        str(path),
        6,
    )
    assert python_error.value.location.file is None
    assert python_error.value.location.field == "needs[0].reason"
