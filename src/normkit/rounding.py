"""Numbers rounded for people as a spreadsheet rounds them: halves away from zero.

Python's formatting rounds a float's exact binary value, halves to even:
0.625 shows as 0.62, and 0.285 (stored as 0.284999…) as 0.28. Excel, which
planners set our tables beside, reads the float to 15 significant digits and
rounds halves away from zero: 0.63 and 0.29. A figure must read the same in
the terminal, a report and the workbook, so every figure shown as text is
rounded here, and the workbook's cells are kept with the same function.

The workbook keeps a figure to :data:`KEPT` decimals (money to 2), short of
float noise, and Excel shows that kept value; so text rounds in the same two
steps, first to the decimals kept, then to those shown (0.1249996 FTE is
kept as 0.125 and shown as 0.13 in both). Only what is shown or kept for a
spreadsheet: computations and program formats (JSON, CSV) keep the full float.
"""

from __future__ import annotations

import decimal

#: decimals a workbook keeps of a figure (money: :data:`KEPT_MONEY`)
KEPT = 6
KEPT_MONEY = 2

# Enough digits for any float written out in full (10^308) and its decimals.
_CONTEXT = decimal.Context(prec=400, rounding=decimal.ROUND_HALF_UP)
_STEPS = {places: decimal.Decimal(1).scaleb(-places) for places in range(KEPT + 1)}


def kept_decimals(kind: str) -> int:
    """The decimals a workbook keeps of a figure of this kind (``nok``: money)."""
    return KEPT_MONEY if kind.removeprefix("signed_") == "nok" else KEPT


def rounded(value: float, places: int, kept: int = KEPT) -> decimal.Decimal:
    """``value`` to ``places`` decimals (0 to 6), as a spreadsheet shows it: read to 15
    significant digits, kept to ``kept`` decimals, then shown to ``places``, each
    step with halves away from zero.

    Format the result with the same number of decimals (``f"{d:,.2f}"``): its
    digits are then exactly those shown.
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"cannot round {value} for display")
    read = decimal.Decimal(f"{value:.15g}")
    return read.quantize(_STEPS[kept], context=_CONTEXT).quantize(_STEPS[places], context=_CONTEXT)
