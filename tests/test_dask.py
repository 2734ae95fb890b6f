"""The dask path: the DataFrame entry point on every partition of a Parquet dataset, on a
local cluster, gives what one machine gives, row for row and in total."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import normkit as nk
from normkit.frames import RESULT_COLUMNS, frame_totals

APRIL_2020 = dt.date(2020, 4, 1)
FIGURES = RESULT_COLUMNS[:4]


@pytest.fixture(scope="module")
def kit() -> nk.Kit:
    return nk.Kit()


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two workers in this process: the scheduler and workers dask runs on a real cluster,
    started in a fraction of a second."""
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def units(rows: int, seed: int = 7) -> pd.DataFrame:
    """Units of Sarpsborg's homes (some named by its norm set) and others, every bed type."""
    rng = np.random.default_rng(seed)
    kinds = ["long_term", "short_term", "dementia_special", "respite", "municipal_acute"]
    facilities = ["Kurland", "Tingvoll", "Borgen", "Helsehuset", "Elsewhere", "Øst"]
    staffed = np.round(rng.random(rows) * 3, 2)
    return pd.DataFrame(
        {
            "facility": rng.choice(facilities, rows),
            "unit": [f"unit {i}" for i in range(rows)],
            "bed_type": rng.choice(kinds, rows),
            "beds": rng.integers(0, 500, rows),
            "staffed_fte": np.where(rng.random(rows) < 0.3, np.nan, staffed),
        }
    )


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    """A Parquet dataset of four files, and the same rows in one frame."""
    frame = units(2_000)
    path = tmp_path_factory.mktemp("parquet") / "units"
    dd.from_pandas(frame, npartitions=4).to_parquet(path, write_index=False)
    assert len(list(path.glob("*.parquet"))) == 4
    return frame, path


@pytest.mark.parametrize("normset_id", ["national", "sarpsborg-physicians"])
def test_partitions_give_what_one_machine_gives(
    client: Client, kit: nk.Kit, dataset: tuple[pd.DataFrame, Path], normset_id: str
) -> None:
    frame, path = dataset
    normset = kit.resolve(normset_id, APRIL_2020)
    ddf = dd.read_parquet(path)
    assert ddf.npartitions == 4
    lazy = nk.assess_dask(ddf, normset, known_bed_types=kit.bed_types)
    computed = lazy.compute().reset_index(drop=True)
    single = nk.assess_frame(frame, normset)
    for name in FIGURES:
        assert np.array_equal(computed[name].to_numpy(), single[name].to_numpy(), equal_nan=True)
    assert computed["status"].astype(str).tolist() == single["status"].astype(str).tolist()
    assert isinstance(computed["status"].dtype, pd.CategoricalDtype)
    totals = frame_totals(lazy)
    assert totals == frame_totals(single)
    # and the totals are the sums of the per-unit path's figures, rounded once
    rows = list(frame.itertuples(index=False))
    assessed = nk.assess(
        nk.Inventory.model_validate(
            {
                "facilities": [
                    {
                        "name": name,
                        "units": [
                            {"name": r.unit, "bed_type": r.bed_type, "beds": int(r.beds)}
                            | ({} if math.isnan(r.staffed_fte) else {"staffing": r.staffed_fte})
                            for r in rows
                            if r.facility == name
                        ],
                    }
                    for name in dict.fromkeys(frame["facility"])
                ]
            }
        ),
        normset,
        explain=False,
    )
    per_unit = [u for u in assessed.units if u.beds is not None]
    for name in FIGURES:
        known = [getattr(u, name) for u in per_unit if getattr(u, name) is not None]
        assert getattr(totals, name) == math.fsum(known)
    assert totals.units_without_norm == sum(
        1 for u in per_unit if u.norm_fte is None and u.status != "unknown"
    )


def test_categorical_partitions_and_the_wide_layout(
    client: Client, kit: nk.Kit, dataset: tuple[pd.DataFrame, Path]
) -> None:
    frame, path = dataset
    normset = kit.resolve("sarpsborg-physicians", APRIL_2020)
    ddf = dd.read_parquet(path)
    ddf["bed_type"] = ddf["bed_type"].astype("category")  # each partition its own categories
    lazy = nk.assess_dask(ddf, normset)
    assert frame_totals(lazy) == frame_totals(nk.assess_frame(frame, normset))

    wide = frame.pivot_table(
        index="facility", columns="bed_type", values="beds", aggfunc="sum"
    ).reset_index()
    wide.columns.name = None
    wide_lazy = nk.assess_dask(dd.from_pandas(wide, npartitions=3), normset, layout="wide")
    single = nk.assess_frame(wide, normset, layout="wide")
    computed = wide_lazy.compute().reset_index(drop=True)
    # dask stores text as its own string type: the values, not the dtypes, are compared
    pd.testing.assert_frame_equal(computed, single, check_dtype=False, check_exact=True)
    assert frame_totals(wide_lazy) == frame_totals(single)


def test_a_dask_frame_is_not_one_frame(kit: nk.Kit, dataset: tuple[pd.DataFrame, Path]) -> None:
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_frame(dd.read_parquet(dataset[1]), kit.resolve("national", APRIL_2020))
    assert caught.value.code == "frame.kind"
