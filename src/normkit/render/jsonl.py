"""JSON Lines: an assessment as one JSON object per line, for programs reading a stream.

Each unit is a line ``{"record": "unit", ...}`` with the fields of a unit in
the documented JSON; then each facility (``"record": "facility"``); the last
line (``"record": "assessment"``) holds everything else: the norm set, the
date, the totals, indicators, alerts and notes. A program can act on each
unit as it arrives, and ``normkit assess big.csv --format jsonl`` writes the
lines as the units are assessed (:mod:`normkit.streaming`).
"""

from __future__ import annotations

import io
import json
from typing import Any, TextIO

from .. import escaping
from ..assessment import Assessment, FacilityAssessment
from ..errors import NormkitError
from . import RenderOptions


class AssessmentJsonl:
    """Writes an assessment's lines to a text stream, one call per record."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def record(self, kind: str, fields: dict[str, Any]) -> None:
        """One line: ``fields`` (as ``model_dump(mode="json")`` gives them) after ``record``."""
        line = json.dumps({"record": kind, **fields}, ensure_ascii=False, separators=(",", ":"))
        self._out.write(escaping.json_text(line) + "\n")

    def facility(self, f: FacilityAssessment) -> None:
        self.record("facility", f.model_dump(mode="json"))

    def end(self, assessment: Assessment) -> None:
        self.record(
            "assessment", assessment.model_dump(mode="json", exclude={"units", "facilities"})
        )


def render_jsonl(result: Any, options: RenderOptions) -> str:
    if not isinstance(result, Assessment):
        raise NormkitError(
            "--format jsonl writes assessments (normkit assess)",
            hint="use --format json or csv for this result",
            code="render.jsonl",
        )
    buffer = io.StringIO()
    writer = AssessmentJsonl(buffer)
    for u in result.units:
        writer.record("unit", u.model_dump(mode="json"))
    for f in result.facilities:
        writer.facility(f)
    writer.end(result)
    return buffer.getvalue()
