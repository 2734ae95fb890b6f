"""Numbers rounded for people as a spreadsheet rounds them: halves away from zero.

Python's formatting rounds a float's exact binary value, halves to even:
0.625 shows as 0.62, and 0.285 (stored as 0.284999…) as 0.28. Excel, which
planners set our tables beside, reads the float to 15 significant digits and
rounds halves away from zero: 0.63 and 0.29. A figure must read the same in
the terminal, a report and the workbook, so every figure shown as text is
rounded here. Only what is shown: computations and program formats (JSON,
CSV) keep the full float.
"""

from __future__ import annotations

import decimal

# Enough digits for any float written out in full (10^308) and its decimals.
_CONTEXT = decimal.Context(prec=400, rounding=decimal.ROUND_HALF_UP)
_STEPS = {places: decimal.Decimal(1).scaleb(-places) for places in range(7)}


def rounded(value: float, places: int) -> decimal.Decimal:
    """``value`` to ``places`` decimals (0 to 6), as a spreadsheet shows it.

    Format the result with the same number of decimals (``f"{d:,.2f}"``): its
    digits are then exactly those shown.
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"cannot round {value} for display")
    return decimal.Decimal(f"{value:.15g}").quantize(_STEPS[places], context=_CONTEXT)
