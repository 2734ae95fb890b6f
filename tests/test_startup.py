"""Starting up: what ``import normkit`` loads, and what normkit keeps between runs.

How long it takes is measured by ``benchmarks/startup.py``, never asserted here.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import normkit
from normkit import cache, entry_points, files, quantities, registry

HEAVY = {"numpy", "pint", "click", "rich", "pydantic", "yaml"}


def modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def cache_in(folder: Path) -> dict[str, str]:
    """The environment of a process whose cache is on, in ``folder``."""
    return {"NORMKIT_CACHE_DIR": str(folder), "NORMKIT_DISABLE_CACHE": "0"}


def test_import_normkit_loads_no_heavy_library() -> None:
    loaded = modules_after("import normkit")
    assert loaded & HEAVY == set()
    assert {m for m in loaded if m.startswith("normkit.")} == set()


def test_a_kit_loads_neither_numpy_pint_nor_the_assessment(tmp_path: Path) -> None:
    """Listing plugins reads headers: no rules, no units, no numbers."""
    loaded = modules_after("import normkit; normkit.Kit()", cache_in(tmp_path))
    assert loaded & {"numpy", "pint", "click", "rich"} == set()
    assert loaded & {"normkit.normset", "normkit.assessment", "normkit.rules"} == set()


def test_the_second_assessment_of_a_norm_set_does_without_pint(tmp_path: Path) -> None:
    code = (
        "import datetime as dt, normkit\n"
        "kit = normkit.Kit()\n"
        "inventory = kit.load_inventory(normkit.EXAMPLE_INVENTORY)\n"
        "kit.assess(inventory, 'national', dt.date(2020, 4, 1))"
    )
    env = cache_in(tmp_path)
    first = modules_after(code, env)  # the first run asks pint and PyYAML, and keeps the answers
    assert {"pint", "yaml", "importlib.metadata"} <= first
    loaded = modules_after(code, env)
    assert loaded & {"pint", "yaml", "numpy", "click", "rich"} == set()


def test_every_public_name_is_listed_and_resolves() -> None:
    for name in normkit.__all__:
        assert getattr(normkit, name) is not None, name
    assert set(normkit.__all__) <= set(dir(normkit))
    namespace: dict[str, object] = {}
    exec("from normkit import *", namespace)
    assert set(normkit.__all__) <= set(namespace)
    assert normkit.Kit is normkit.kit.Kit
    assert normkit.UnitError is normkit.QuantityError
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        normkit.Nothing  # noqa: B018


def test_the_lazy_table_matches_the_imports_type_checkers_read() -> None:
    """``_LAZY`` and the ``if TYPE_CHECKING:`` imports name the same things, and
    ``__all__`` lists exactly those and the two constants."""
    tree = ast.parse(Path(normkit.__file__).read_text(encoding="utf-8"))
    (block,) = [
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    ]
    imported: dict[str, tuple[str, ...]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module is not None
        imported[node.module] = tuple(alias.name for alias in node.names)
    assert imported == normkit._LAZY
    lazy = {name for names in normkit._LAZY.values() for name in names}
    assert set(normkit.__all__) == lazy | {"EXAMPLE_INVENTORY", "__version__"}


# -- the cache -------------------------------------------------------------


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[], None]]:
    """An empty cache folder, and a way to start over as a new process would."""
    monkeypatch.setenv("NORMKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NORMKIT_DISABLE_CACHE", "0")

    def new_process() -> None:
        for kept in (quantities._answers, registry._headers, entry_points._answers):
            if kept.cache_info().currsize:
                kept().save()  # what the end of the process does
            kept.cache_clear()
        files._documents.cache_clear()  # written at once, nothing to save

    new_process()
    yield new_process
    new_process()  # later tests get the session's cache back


def units_file() -> Path:
    folder = cache.directory()
    assert folder is not None
    return folder / "units.json"


UNITS = ["1 hour/week", "3 places", "30 hour/week/FTE", "330 NOK/patient/year", "0.2 FTE"]


def answers() -> list[object]:
    found: list[object] = []
    for text in UNITS:
        q = quantities.Q.parse(text)
        found += [q.unit, q.dimensionality, q.counted_input(), q.has_time_base()]
        found += [q.is_dimension(u) for u in ("hour/week", "FTE", "place")]
        found += [q.to(u) for u in ("hour/week", "FTE", "place") if q.is_dimension(u)]
    return found


def test_units_answer_alike_from_pint_and_from_the_cache(fresh: Callable[[], None]) -> None:
    asked = answers()
    fresh()
    kept = json.loads(units_file().read_text(encoding="utf-8"))
    assert "unit|places" in kept["answers"]
    assert answers() == asked
    assert quantities._answers()._new == {}  # all from the file


def test_a_unit_pint_does_not_know_is_an_error_every_time(fresh: Callable[[], None]) -> None:
    for _ in range(2):
        with pytest.raises(normkit.QuantityError) as caught:
            quantities.Q.parse("3 beds/fortnight")
        assert caught.value.code == "quantity.unknown-unit"
        fresh()


def test_a_kept_answer_of_the_wrong_kind_or_from_other_code_is_not_used(
    fresh: Callable[[], None],
) -> None:
    quantities.Q.parse("3 places")
    fresh()
    path = units_file()
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["answers"]["unit|places"] = 5
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert quantities.Q.parse("3 places").unit == "place"
    fresh()
    stored["fingerprint"] = "something else"
    stored["answers"]["unit|places"] = "bed"
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert quantities.Q.parse("3 places").unit == "place"


def test_the_cache_can_be_turned_off_cleared_and_be_unwritable(
    fresh: Callable[[], None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    quantities.Q.parse("3 places")
    fresh()
    folder = cache.directory()
    assert folder is not None and (folder / "units.json").is_file()
    cache.clear()
    assert list(folder.iterdir()) == []
    monkeypatch.setenv("NORMKIT_DISABLE_CACHE", "1")
    assert cache.directory() is None
    assert quantities.Q.parse("3 places").unit == "place"
    assert quantities._answers()._answers == {}  # not even kept in the process
    fresh()
    assert list(folder.iterdir()) == []
    monkeypatch.setenv("NORMKIT_DISABLE_CACHE", "0")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("NORMKIT_CACHE_DIR", str(blocked / "cache"))
    assert quantities.Q.parse("3 places").unit == "place"
    fresh()  # saving fails quietly


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMKIT_DISABLE_CACHE", "0")
    monkeypatch.delenv("NORMKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert cache.directory() == Path("/somewhere/normkit")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.directory() == Path("~/.cache/normkit").expanduser()


NORMS = """\
id: filed
title: From a file
valid_from: 2020-01-01
source: {document: d}
needs:
  - id: long-term
    bed_types: [long_term]
    rule: {kind: rate, amount: 1 hour/week, per: 3 place, fte_basis: 30 hour/week/FTE}
"""


def kit_with(path: Path) -> normkit.Kit:
    class Filed:
        __name__ = "filed"

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            register(path)

    return normkit.Kit([Filed()], autoload=False, builtins=True)


def test_a_file_met_before_is_read_by_its_header_and_builds_alike(
    fresh: Callable[[], None], tmp_path: Path
) -> None:
    path = tmp_path / "filed.yaml"
    path.write_text(NORMS, encoding="utf-8")
    first = kit_with(path)
    (parsed,) = first.versions("filed")
    assert parsed.lines is not None and parsed.unread is None
    fresh()
    second = kit_with(path)
    (by_header,) = second.versions("filed")
    assert by_header.lines is None and by_header.unread is not None
    assert by_header.label() == parsed.label() == "filed (2020-01-01 to …)"
    on = dt.date(2020, 4, 1)
    built = second.normset("filed", on)
    assert built.model_dump() == first.normset("filed", on).model_dump()
    assert built.locate("needs[0].rule") == first.normset("filed", on).locate("needs[0].rule")


def test_a_file_changed_since_is_parsed_again_and_its_errors_reported(
    fresh: Callable[[], None], tmp_path: Path
) -> None:
    path = tmp_path / "filed.yaml"
    path.write_text(NORMS, encoding="utf-8")
    kit_with(path)
    fresh()
    path.write_text(NORMS.replace("title: From a file", "title: [unclosed"), encoding="utf-8")
    (failure,) = kit_with(path).failures
    assert failure.stage == "normkit_register_normsets"
    assert failure.error.startswith(f"NormSetError: {path}:3: invalid YAML")
    fresh()
    path.write_text(NORMS.replace("valid_from: 2020-01-01", "valid_from: 2021-01-01"))
    (version,) = kit_with(path).versions("filed")
    assert version.label() == "filed (2021-01-01 to …)"


def test_a_kept_answer_depends_on_the_code_data_and_packages_listed(tmp_path: Path) -> None:
    data = tmp_path / "definitions"
    data.write_text("hour = 60 * minute\n", encoding="utf-8")
    first = cache.fingerprint([data], ["pint"])
    assert first and first == cache.fingerprint([data], ["pint"])
    assert cache.fingerprint([data], []) != first  # another pint, or none
    data.write_text("hour = 61 * minute\n", encoding="utf-8")
    assert cache.fingerprint([data], ["pint"]) != first
    assert cache.fingerprint([tmp_path / "missing"], []) == ""  # unknown: nothing is kept
    here = Path(quantities.__file__).parent
    assert cache.DEPENDS["units"][0] == (here / "quantities.py", here / "quantities.definitions")
    assert {p.name for p in cache.DEPENDS["headers"][0]} >= {"registry.py", "files.py"}


# -- documents met before ----------------------------------------------------

# NORMS with a field no need has, on line 9
CHECKED = NORMS.replace("id: filed", "id: checked") + "    colour: blue\n"


@pytest.fixture
def installed_here(
    fresh: Callable[[], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files in tmp_path count as an installed package's (only those are kept)."""
    monkeypatch.setattr(files, "_installed_folders", lambda: (os.path.join(tmp_path, ""),))


def parsed(path: Path) -> tuple[object, dict[tuple[str | int, ...], int]]:
    data, lines = files.read_document(path, normkit.NormSetError, keep=True)
    return data, dict(lines.lines)


def kept_documents() -> list[Path]:
    folder = cache.directory()
    assert folder is not None
    return sorted((folder / "documents").glob("*.json"))


@pytest.mark.usefixtures("installed_here")
def test_a_document_met_before_is_read_alike_without_yaml(
    fresh: Callable[[], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "checked.yaml"
    path.write_text(CHECKED, encoding="utf-8")
    first = parsed(path)
    assert first[1][("needs", 0, "colour")] == 9
    fresh()
    assert len(kept_documents()) == 1
    with monkeypatch.context() as patched:
        patched.setattr(files, "_read_yaml", None)  # any parse would fail
        assert parsed(path) == first
        # The kept data is validated as the file's was, and its errors keep their lines.
        with pytest.raises(normkit.NormSetError) as caught:
            kit_with(path).normset("checked", dt.date(2020, 4, 1))
    assert caught.value.location.line == 9 and caught.value.code == "field.unknown"
    # Other bytes, or other limits, are another document.
    path.write_text(CHECKED.replace("blue", "red"), encoding="utf-8")
    assert parsed(path)[0] != first[0]
    files.read_document(path, normkit.NormSetError, normkit.Limits(max_depth=20), keep=True)
    assert len(kept_documents()) == 3


@pytest.mark.parametrize(
    "text",
    [
        "beds: 010\n",  # YAML 1.1's octal, kept as a marker that validation refuses
        "1: one\n",  # a key that is not text would come back from JSON as text
        "x: '" + "a" * (cache.MAX_DOCUMENT_BYTES) + "'\n",  # too large to keep
        # small, but its aliases repeat 2 KB 1 000 times: too large as JSON
        "a: &a '" + "b" * 2000 + "'\nx: [" + ", ".join(["*a"] * 1000) + "]\n",
    ],
)
@pytest.mark.usefixtures("installed_here")
def test_a_document_json_cannot_hold_exactly_is_not_kept(
    fresh: Callable[[], None], tmp_path: Path, text: str
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    limits = normkit.Limits(max_text_chars=10**6)
    first = files.read_document(path, normkit.NormkitError, limits, keep=True)
    fresh()
    assert kept_documents() == []
    again = files.read_document(path, normkit.NormkitError, limits, keep=True)
    assert again[0] == first[0] and type(again[0]) is type(first[0])


def test_a_users_inventory_is_never_kept_an_installed_example_is(
    fresh: Callable[[], None], tmp_path: Path
) -> None:
    kit = normkit.Kit(autoload=False)
    before = kept_documents()  # the built-in norm sets' files
    mine = tmp_path / "mine.yaml"
    mine.write_bytes(normkit.EXAMPLE_INVENTORY.read_bytes())
    kit.load_inventory(mine)
    fresh()
    assert kept_documents() == before
    assert kit.load_inventory(normkit.EXAMPLE_INVENTORY) == kit.load_inventory(mine)
    assert len(kept_documents()) == len(before) + 1


@pytest.mark.usefixtures("installed_here")
def test_a_kept_document_not_as_this_code_keeps_it_is_not_used(
    fresh: Callable[[], None], tmp_path: Path
) -> None:
    path = tmp_path / "checked.yaml"
    path.write_text(CHECKED, encoding="utf-8")
    first = parsed(path)
    fresh()
    (kept,) = kept_documents()
    deep: object = "x"
    for _ in range(100):  # deeper than the limits allow
        deep = [deep]
    for wrong in (
        "not json",
        json.dumps({"data": {"id": "other"}, "lines": [[["id"], "one"]]}),
        json.dumps({"data": {"id": "other"}}),
        json.dumps({"data": deep, "lines": []}),
    ):
        kept.write_text(wrong, encoding="utf-8")
        assert parsed(path) == first
        fresh()


@pytest.mark.usefixtures("installed_here")
def test_a_norm_set_read_by_its_header_skips_a_kept_document_out_of_its_limits(
    fresh: Callable[[], None], tmp_path: Path
) -> None:
    """The second run reads the header kept, then the document kept when the norm set is
    built: one out of the limits (not as this code keeps it) is passed over for the file."""
    path = tmp_path / "filed.yaml"
    path.write_text(NORMS, encoding="utf-8")
    on = dt.date(2020, 4, 1)
    built = kit_with(path).normset("filed", on).model_dump()
    fresh()
    deep: object = "x"
    for _ in range(100):  # deeper than the limits allow
        deep = [deep]
    (kept,) = kept_documents()
    kept.write_text(json.dumps({"data": deep, "lines": []}), encoding="utf-8")
    (version,) = (again := kit_with(path)).versions("filed")
    assert version.unread is not None  # by its header
    assert again.normset("filed", on).model_dump() == built


def test_a_surrogate_pair_is_not_kept_as_json_would_join_it() -> None:
    # libyaml refuses a lone surrogate; pure-Python PyYAML reads "\\ud83d\\ude00" as two.
    assert files._is_plain_json({"name": "Ho\u00e5me", "list": ["\U0001f600"]})
    assert not files._is_plain_json({"name": "\ud83d\ude00"})
    assert not files._is_plain_json({"\ud800": 1})


def test_a_plugin_in_the_users_own_folder_keeps_nothing(
    fresh: Callable[[], None], tmp_path: Path
) -> None:
    """Drafts are not copied into the cache: a manifest plugin registered from a folder
    of the user's (normkit check does the same) is read, never kept."""
    import shutil

    import normkit_sarpsborg

    draft = tmp_path / "draft"
    shutil.copytree(Path(normkit_sarpsborg.__file__).parent, draft)
    normkit.Kit(autoload=False)  # the built-in norm sets, kept
    fresh()
    before = kept_documents()
    kit = normkit.Kit([normkit.ManifestPlugin(draft, name="draft")], autoload=False)
    assert kit.failures == []
    kit.normset("sarpsborg-physicians", dt.date(2020, 4, 1))  # every file of it read
    inventories = [e for e in kit.municipalities["sarpsborg"].examples if e.kind == "inventory"]
    assert inventories and all(e.path.is_relative_to(draft) for e in inventories)
    for example in inventories:
        kit.load_inventory(example.path)
    fresh()
    assert kept_documents() == before


def age(paths: list[Path], start: int = 1_000_000_000) -> None:
    """Give each file a last use one second after the one before, in the order given."""
    for n, path in enumerate(paths):
        os.utime(path, ns=((start + n) * 10**9,) * 2)


@pytest.mark.usefixtures("installed_here")
def test_kept_documents_are_bounded_the_least_recently_used_go_first(
    fresh: Callable[[], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_DOCUMENTS", 4)
    kept_in_order: list[Path] = []
    for n in range(4):
        path = tmp_path / f"d{n}.yaml"
        path.write_text(f"n: {n}\n", encoding="utf-8")
        files.read_document(path, normkit.NormkitError, keep=True)
        kept_in_order += [p for p in kept_documents() if p not in kept_in_order]
        age(kept_in_order)
    files.read_document(tmp_path / "d0.yaml", normkit.NormkitError, keep=True)  # d0 used now
    path = tmp_path / "d4.yaml"
    path.write_text("n: 4\n", encoding="utf-8")
    files.read_document(path, normkit.NormkitError, keep=True)  # five: down to three
    values = sorted(
        json.loads(p.read_text(encoding="utf-8"))["data"]["n"] for p in kept_documents()
    )
    assert values == [0, 3, 4]
    cache.clear()
    assert list(tmp_path.joinpath("cache").iterdir()) == []


@pytest.mark.usefixtures("installed_here")
def test_a_cache_folder_that_cannot_be_pruned_costs_nothing_but_room(
    fresh: Callable[[], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_DOCUMENTS", 2)
    path = tmp_path / "d.yaml"
    path.write_text("n: 1\n", encoding="utf-8")
    files.read_document(path, normkit.NormkitError, keep=True)
    (stuck,) = kept_documents()
    stuck.unlink()
    stuck.mkdir()  # a folder where a kept file was: it can be neither read nor removed
    age([stuck])
    for n in range(2, 6):
        path.write_text(f"n: {n}\n", encoding="utf-8")
        assert files.read_document(path, normkit.NormkitError, keep=True)[0] == {"n": n}
    assert stuck.is_dir()
    cache.clear()  # leaves what it cannot remove, quietly
    assert stuck.is_dir()


# -- entry points met before ---------------------------------------------------


def test_entry_points_are_kept_until_a_distribution_changes(
    fresh: Callable[[], None],
    installed: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    plugin = "import normkit\n@normkit.hookimpl\ndef normkit_register_bed_types(register): pass\n"
    installed("normkit-first", first_plugin=plugin)
    found = normkit.Kit().plugins
    assert found["first_plugin"].distribution == "normkit-first"
    fresh()
    asked: list[str] = []
    real = entry_points._from_metadata
    monkeypatch.setattr(
        entry_points, "_from_metadata", lambda group: asked.append(group) or real(group)
    )
    kept = normkit.Kit().plugins
    assert asked == []  # from the kept list
    assert {n: (p.distribution, p.version, p.module) for n, p in kept.items()} == {
        n: (p.distribution, p.version, p.module) for n, p in found.items()
    }
    fresh()
    installed("normkit-second", second_plugin=plugin)  # a new distribution
    assert "second_plugin" in normkit.Kit().plugins and asked == ["normkit"]
    fresh()
    points = next(tmp_path.glob("normkit_first-*.dist-info")) / "entry_points.txt"
    points.write_text("[normkit]\nrenamed = first_plugin\n", encoding="utf-8")
    assert {"renamed", "second_plugin"} <= set(normkit.Kit().plugins)
    assert "first_plugin" not in normkit.Kit().plugins


def test_entry_points_found_through_a_replaced_metadata_are_not_kept(
    fresh: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import metadata

    with monkeypatch.context() as patched:  # a test hiding every plugin, say
        patched.setattr(metadata, "entry_points", lambda **_: metadata.EntryPoints([]))
        assert set(normkit.Kit().plugins) == {"national"}
    fresh()
    assert "sarpsborg" in normkit.Kit().plugins


def test_entry_points_are_asked_anew_when_a_hook_may_hold_distributions(
    fresh: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Elsewhere:  # finds distributions somewhere the stamp does not look
        def find_spec(self, *_: object) -> None:
            return None

        def find_distributions(self, *_: object, **__: object) -> list[object]:
            return []

    normkit.Kit()
    fresh()
    asked: list[str] = []
    real = entry_points._from_metadata
    monkeypatch.setattr(
        entry_points, "_from_metadata", lambda group: asked.append(group) or real(group)
    )
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Elsewhere()])
    normkit.Kit()
    assert asked == ["normkit"]


def test_the_stamp_sees_a_new_version_in_an_egg_info(tmp_path: Path) -> None:
    info = tmp_path / "nk_egg.egg-info"  # no version in its name
    info.mkdir()
    (info / "entry_points.txt").write_text("[normkit]\negg = egg\n", encoding="utf-8")
    (info / "PKG-INFO").write_text("Name: nk-egg\nVersion: 1.0\n", encoding="utf-8")
    first = entry_points.installed_stamp([str(tmp_path)])
    (info / "PKG-INFO").write_text("Name: nk-egg\nVersion: 2.0.0\n", encoding="utf-8")
    assert entry_points.installed_stamp([str(tmp_path)]) != first


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("json", json),
        ("json:loads", json.loads),
        ("os:path.join", os.path.join),
        ("json : dumps [extra]", json.dumps),
    ],
)
def test_an_entry_point_loads_what_importlib_metadata_would(value: str, expected: object) -> None:
    from importlib import metadata

    point = entry_points.EntryPoint("x", value, None, None)
    assert point.load() is expected
    assert metadata.EntryPoint("x", value, "g").load() is expected
    assert point.module == metadata.EntryPoint("x", value, "g").module


def test_a_malformed_entry_point_is_an_error() -> None:
    with pytest.raises(ValueError, match="malformed"):
        entry_points.EntryPoint("x", "not a module!", None, None).load()
