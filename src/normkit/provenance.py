"""Provenance: where a norm, a figure or a rule comes from."""

from __future__ import annotations

from pydantic import Field

from .model import Model
from .values import Date


class Source(Model):
    """The decision or document behind a norm or rule.

    ``body`` is the adopting body (bystyret, kommunestyret, Legeforeningen),
    ``case`` its case number, ``date`` the date of the decision, ``section`` the
    place in the document. Only ``document`` is required: a plan often leaves
    the rest out, and normkit never invents it.
    """

    document: str = Field(min_length=1)
    body: str | None = None
    case: str | None = None
    date: Date | None = None
    section: str | None = None
    url: str | None = None
    note: str | None = None

    def cite(self) -> str:
        """One line a planner can quote: document, section, body, case, date."""
        parts = [self.document]
        if self.section:
            parts.append(f"§ {self.section}" if self.section[:1].isdigit() else self.section)
        if self.body:
            parts.append(self.body)
        if self.case:
            parts.append(f"case {self.case}")
        if self.date:
            parts.append(self.date.isoformat())
        return ", ".join(parts)
