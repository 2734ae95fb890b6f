"""The baseline for ``normkit assess big.csv --format csv``: the same job hand-written in pandas.

Reads the CSV inventory (facility, unit, bed_type, beds, staffed_fte), gives
each unit the national norm's FTE (hours per week per place ÷ 30, written out
by hand), its staffing and gap, sums each facility and the whole, and writes
one CSV row per unit, facility and total. It knows nothing of overrides,
explanations, dates or notes, and checks nothing: it is what a programmer
would write for this one table, and the yardstick normkit is measured by.

    python benchmarks/pandas_assess.py big.csv out.csv
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

# The national norm (2012): hours per week per place, and 30 hours a week per FTE.
HOURS = {
    "long_term": 1 / 3,
    "short_term": 1.5,
    "rehabilitation": 3.0,
    "dementia_special": 0.5,
    "palliative": 5.0,
}


COLUMNS = ["level", "facility", "unit", "bed_type", "beds", "norm_fte", "staffed_fte", "gap_fte"]


def main(source: str, target: str) -> None:
    units = pd.read_csv(source, dtype={"facility": str, "unit": str, "bed_type": "category"})
    fte_per_place = units["bed_type"].map(lambda t: HOURS.get(t, np.nan) / 30).astype(float)
    units["norm_fte"] = fte_per_place * units["beds"]
    units["gap_fte"] = units["norm_fte"] - units["staffed_fte"]
    units["level"] = "unit"
    figures = ["beds", "norm_fte", "staffed_fte", "gap_fte"]
    facilities = units.groupby("facility", sort=False, observed=True)[figures].sum(min_count=1)
    facilities = facilities.reset_index().assign(level="facility")
    total = facilities[figures].sum().to_frame().T.assign(level="total")
    with open(target, "w", encoding="utf-8") as out:
        for index, frame in enumerate((units, facilities, total)):
            frame.reindex(columns=COLUMNS).to_csv(
                out, index=False, header=index == 0, float_format="%.4f"
            )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
