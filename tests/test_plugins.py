"""Plugins: discovery through real entry points, isolation, conflicts, selection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit
from normkit import (
    Municipality,
    MunicipalityCode,
    NormkitError,
    NormSetError,
    PluginError,
)

GOOD = """
from normkit import hookimpl, Municipality, MunicipalityCode

@hookimpl
def normkit_register_municipalities(register):
    register(Municipality(id="testby", name="Testby", codes=[MunicipalityCode(code="9999")]))
"""

BROKEN_IMPORT = "raise ImportError('cannot import name Foo from bar')\n"

BROKEN_REGISTER = """
from normkit import hookimpl

@hookimpl
def normkit_register_normsets(register):
    register(42)
"""

CLAIMS_3105 = """
from normkit import hookimpl, Municipality, MunicipalityCode

@hookimpl
def normkit_register_municipalities(register):
    register(Municipality(id="impostor", name="Impostor", codes=[
        MunicipalityCode(code="3105", valid_from="2023-06-01")]))
"""


def sarpsborg_plugin(name: str = "sarpsborg") -> object:
    class Plugin:
        __name__ = name

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
            register(
                Municipality(
                    id="sarpsborg",
                    name="Sarpsborg",
                    codes=(
                        MunicipalityCode(
                            code="3003",
                            valid_from=dt.date(2020, 1, 1),
                            valid_to=dt.date(2023, 12, 31),
                        ),
                        MunicipalityCode(code="3105", valid_from=dt.date(2024, 1, 1)),
                    ),
                    normsets=("national",),
                )
            )

    return Plugin()


def test_broken_plugins_are_reported_and_the_rest_load(installed: Callable[..., None]) -> None:
    installed(
        "normkit-mixed", good=GOOD, broken_import=BROKEN_IMPORT, broken_register=BROKEN_REGISTER
    )
    kit = normkit.Kit()
    assert "testby" in kit.municipalities
    failures = {f.plugin: f for f in kit.failures}
    assert failures["broken_import"].distribution == "normkit-mixed 1.0"
    assert "ImportError: cannot import name Foo from bar" in failures["broken_import"].error
    assert failures["broken_register"].stage == "normkit_register_normsets"
    assert failures["broken_register"].distribution == "normkit-mixed 1.0"
    assert "expected a NormSet or a file path, got int" in failures["broken_register"].error
    problems = "\n".join(kit.problems())
    assert "plugin 'broken_import' (normkit-mixed 1.0) failed at import" in problems
    # Asking for what a failed plugin may have registered says that it failed.
    for ask in (lambda: kit.municipality("Eksempelby"), lambda: kit.versions("eksempel")):
        with pytest.raises(normkit.NormkitError) as unknown:
            ask()
        assert unknown.value.hint is not None
        assert unknown.value.hint.endswith(
            "; plugin(s) 'broken_import', 'broken_register' failed to load, and may be what "
            "registers it: 'normkit plugins' says why"
        )
    with pytest.raises(PluginError) as caught:
        normkit.Kit(strict=True)
    assert caught.value.code == "plugin.strict"
    listed = caught.value.message.removeprefix("plugins failed to load: ").split("; ")
    assert sorted(listed) == sorted(kit.problems())


def test_duplicate_municipality_code_names_both_plugins(installed: Callable[..., None]) -> None:
    installed("normkit-impostor", impostor=CLAIMS_3105)
    kit = normkit.Kit([sarpsborg_plugin()])
    message = "\n".join(kit.problems())
    assert "kommunenummer 3105 is claimed by plugin 'sarpsborg' for Sarpsborg" in message
    assert "and by plugin 'impostor' for Impostor (2023-06-01 to …)" in message
    (conflict,) = [c for c in kit.conflicts if "kommunenummer" in c.message]
    assert conflict.hint == (
        "decide which plugin should speak for kommunenummer 3105 and block the other one, "
        "NORMKIT_BLOCK_PLUGINS=sarpsborg or NORMKIT_BLOCK_PLUGINS=impostor"
    )
    with pytest.raises(PluginError, match="kommunenummer 3105"):
        kit.municipality("3105")
    with pytest.raises(PluginError, match="kommunenummer 3105"):
        kit.municipality("sarpsborg")


def test_codes_that_do_not_overlap_in_time_are_fine() -> None:
    class Earlier:
        __name__ = "earlier"

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
            register(
                Municipality(
                    id="old",
                    name="Old",
                    codes=(MunicipalityCode(code="3105", valid_to=dt.date(2019, 12, 31)),),
                )
            )

    kit = normkit.Kit([sarpsborg_plugin(), Earlier()], autoload=False)
    assert kit.conflicts == []
    assert kit.municipality("3003").id == "sarpsborg"
    assert kit.municipality("Sarpsborg").code_on(dt.date(2024, 1, 1)) == "3105"


def test_same_municipality_from_two_plugins() -> None:
    kit = normkit.Kit([sarpsborg_plugin("a"), sarpsborg_plugin("b")], autoload=False)
    assert any("registered by both plugin 'a' and plugin 'b'" in p for p in kit.problems())
    (conflict,) = kit.conflicts
    assert conflict.to_dict() == {
        "code": "plugin.conflict",
        "message": "municipality 'sarpsborg' is registered by both plugin 'a' and plugin 'b'",
        "hint": "decide which plugin should speak for Sarpsborg and block the other one, "
        "NORMKIT_BLOCK_PLUGINS=a or NORMKIT_BLOCK_PLUGINS=b",
    }
    assert conflict.plugins == ("a", "b")
    assert (kit.owner("sarpsborg"), kit.owner("moss")) == ("a", None)


def test_a_municipality_may_be_registered_as_plain_data() -> None:
    class Plain:
        __name__ = "plain"

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
            register({"id": "moss", "name": "Moss", "codes": [{"code": "3103"}]})

    kit = normkit.Kit([Plain()], autoload=False)
    assert kit.failures == [] and kit.municipality("3103").name == "Moss"


def test_autoload_off_by_environment(
    installed: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    installed("normkit-good", good=GOOD)
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    kit = normkit.Kit()
    assert "testby" not in kit.municipalities
    assert "national" in kit.plugins  # built in: always there unless blocked


def test_allow_and_block(installed: Callable[..., None], monkeypatch: pytest.MonkeyPatch) -> None:
    installed("normkit-two", good=GOOD, impostor=CLAIMS_3105)
    assert set(normkit.Kit(allow=["good"]).plugins) == {"national", "good"}
    assert "good" not in normkit.Kit(block=["good"]).plugins
    monkeypatch.setenv("NORMKIT_PLUGINS", "impostor")
    assert set(normkit.Kit().plugins) == {"national", "impostor"}
    monkeypatch.setenv("NORMKIT_PLUGINS", "")
    assert set(normkit.Kit().plugins) == {"national"}
    monkeypatch.setenv("NORMKIT_BLOCK_PLUGINS", "national")
    kit = normkit.Kit()
    with pytest.raises(NormSetError, match="unknown norm set 'national'"):
        kit.normset("national", dt.date(2020, 1, 1))


def test_two_kits_do_not_interfere() -> None:
    with_sarpsborg = normkit.Kit([sarpsborg_plugin()], autoload=False)
    plain = normkit.Kit(autoload=False)
    assert "sarpsborg" in with_sarpsborg.municipalities
    assert "sarpsborg" not in plain.municipalities
    with pytest.raises(NormSetError, match="unknown municipality 'sarpsborg'"):
        plain.municipality("sarpsborg")


def test_plugin_rule_kind_is_usable_in_files(write: Callable[[str, str], Path]) -> None:
    from typing import Literal

    from normkit.rules.base import Inputs, Step

    class PerShift(normkit.Rule):
        kind: Literal["per_shift"] = "per_shift"
        hours: float

        def inputs(self) -> frozenset[str]:
            return frozenset({"places"})

        def evaluate(self, inputs: Inputs) -> float:
            return float(inputs["places"]) * self.hours / 37.5

        def explain(self, inputs: Inputs) -> Step:
            return Step("per shift", self.evaluate(inputs), "FTE", self.kind)

    path = write(
        "n.yaml",
        """
        id: custom
        title: Custom
        valid_from: 2020-01-01
        source: {document: test}
        needs:
          - id: x
            bed_types: [long_term]
            rule: {kind: per_shift, hours: 3.75}
    """,
    )

    class Plugin:
        __name__ = "custom"

        @normkit.hookimpl
        def normkit_register_rule_kinds(self, register: Callable[[object], None]) -> None:
            register(PerShift)

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            register(path)

    kit = normkit.Kit([Plugin()], autoload=False)
    need = kit.normset("custom", dt.date(2020, 1, 1)).needs[0]
    assert need.rule.evaluate({"places": 10}) == 1.0
    # The kit reads a file that is not registered with its plugins' kinds too,
    # and `check` knows them.
    assert kit.load_normset(path).needs[0].rule.evaluate({"places": 20}) == 2.0
    from normkit.lint import check_paths

    assert [f.code for f in check_paths(kit, [path])] == ["normset.no-source"]
    unknown = check_paths(normkit.Kit(autoload=False), [path])
    assert "unknown rule kind 'per_shift'" in unknown[0].message
    # Another kit without the plugin does not know the kind.
    with pytest.raises(NormSetError, match="unknown rule kind 'per_shift'"):
        normkit.load_normset(path)


def test_check_reports_a_conflict_for_each_plugin_in_it() -> None:
    from normkit.lint import check_plugins

    class Impostor:
        __name__ = "impostor"

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
            register(
                Municipality(
                    id="impostor",
                    name="Impostor",
                    codes=(MunicipalityCode(code="3105", valid_from=dt.date(2023, 6, 1)),),
                )
            )

    kit = normkit.Kit([sarpsborg_plugin(), Impostor()], autoload=False)
    (conflict,) = kit.conflicts
    assert conflict.plugins == ("sarpsborg", "impostor")
    for named in (["impostor"], ["sarpsborg"], None):
        codes = [f.code for f in check_plugins(kit, named)]
        assert codes.count(conflict.code) == 1, named
    assert conflict.code not in [f.code for f in check_plugins(kit, ["national"])]


def test_a_distribution_is_named_with_its_version_when_it_has_one() -> None:
    from normkit.plugins import dist_label

    assert dist_label("normkit-moss", "1.2") == "normkit-moss 1.2"
    assert dist_label("normkit-moss", None) == "normkit-moss"
    assert dist_label(None, "1.2") is None


def test_rule_kinds_a_plugin_registers_are_checked() -> None:
    from typing import Literal

    from normkit.rules.base import Inputs, Step

    kit = normkit.Kit(autoload=False)
    register = kit.registry.register_rule_kind

    class Nothing(normkit.Rule):
        kind: Literal["nothing"] = "nothing"

    class Nameless(normkit.Rule):
        kind: str

        def evaluate(self, inputs: Inputs) -> float:
            return 0.0

        def explain(self, inputs: Inputs) -> Step:
            return Step("", 0.0, "FTE", "")

    class Impostor(normkit.Rate):
        pass

    def refused(item: object) -> dict[str, object]:
        with pytest.raises(PluginError) as caught:
            register(item, "national")
        return caught.value.to_dict()

    for item in (42, int):
        assert refused(item) == {
            "code": "plugin.rule-kind",
            "message": f"rule kind must be a subclass of normkit.rules.Rule, got {item!r}",
        }
    assert refused(Nameless) == {
        "code": "plugin.rule-kind",
        "message": "Nameless must give 'kind' a string default",
    }
    assert refused(Nothing) == {
        "code": "plugin.rule-kind",
        "message": "rule kind 'nothing' (Nothing) does not implement evaluate, explain",
        "hint": "a rule kind must define evaluate(inputs) and explain(inputs)",
    }
    assert refused(Impostor) == {
        "code": "plugin.rule-kind-taken",
        "message": "rule kind 'rate' is already registered",
    }
    register(normkit.Rate, "national")  # the same class again is no conflict
    assert kit.rule_kinds["rate"] is normkit.Rate
    assert kit.plugins["national"].registered["rule_kinds"] == ["rate"]


def test_an_installed_plugin_is_named_with_its_distribution_and_load_time(
    installed: Callable[..., None],
) -> None:
    import time

    installed("normkit-good", good=GOOD)
    started = time.perf_counter()
    kit = normkit.Kit()
    elapsed = time.perf_counter() - started
    info = kit.plugins["good"]
    assert (info.distribution, info.version) == ("normkit-good", "1.0")
    assert 0 <= info.load_seconds <= elapsed


def test_load_time_includes_registration() -> None:
    import time

    class Slow:
        __name__ = "slow"

        @normkit.hookimpl
        def normkit_register_bed_types(self, register: Callable[[object], None]) -> None:
            time.sleep(0.05)

    kit = normkit.Kit([Slow()], autoload=False)
    assert kit.plugins["slow"].load_seconds >= 0.05


def test_what_each_plugin_registered_is_listed() -> None:
    registered = normkit.Kit(autoload=False).plugins["national"].registered
    assert {"long_term", "short_term", "respite"} <= set(registered["bed_types"])
    assert "national" in " ".join(registered["normsets"])


def test_registering_what_is_not_a_norm_set_is_refused_with_its_code() -> None:
    refused: list[dict[str, object]] = []

    class Odd:
        __name__ = "odd"

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            try:
                register(5)
            except NormSetError as exc:
                refused.append(exc.to_dict())

    normkit.Kit([Odd()], autoload=False)
    assert refused == [
        {"code": "plugin.registered-item", "message": "expected a NormSet or a file path, got int"}
    ]


NORM_FILE_HEAD = """\
id: filed
title: From a file
municipality: Testby
valid_from: 2020-01-01
source: {document: d}
"""


def test_versions_keep_title_and_municipality_from_objects_and_files(tmp_path: Path) -> None:
    path = tmp_path / "filed.yaml"
    path.write_text(NORM_FILE_HEAD, encoding="utf-8")
    source = normkit.Source(document="d")
    built = normkit.NormSet(
        id="built", title="Built in Python", municipality="Testby", source=source
    )

    class Both:
        __name__ = "both"

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            register(built)
            register(path)

    kit = normkit.Kit([Both()], autoload=False)
    (b,) = kit.versions("built")
    (f,) = kit.versions("filed")
    assert (b.title, b.municipality) == ("Built in Python", "Testby")
    assert (f.title, f.municipality) == ("From a file", "Testby")


def test_a_plugin_norm_file_is_read_within_the_kit_limits(tmp_path: Path) -> None:
    path = tmp_path / "filed.yaml"
    path.write_text(NORM_FILE_HEAD + "# padding\n" * 20, encoding="utf-8")

    class Big:
        __name__ = "big"

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            register(path)

    assert normkit.Kit([Big()], autoload=False).failures == []
    small = normkit.Limits(max_document_bytes=100)
    failures = normkit.Kit([Big()], autoload=False, limits=small).failures
    (failure,) = [f for f in failures if f.plugin == "big"]  # the national files too
    assert failure.stage == "normkit_register_normsets"
    assert failure.error.startswith(
        f"NormSetError: {path}: file is larger than 100 bytes, the limit for this kind of file"
    )
    big = normkit.Limits(max_document_bytes=1_000_000)
    with pytest.raises(PluginError) as caught:
        normkit.Kit([Big()], autoload=False, limits=small, strict=True)
    assert f"{path}: file is larger than 100 bytes" in caught.value.message
    assert normkit.Kit([Big()], autoload=False, limits=big).failures == []


def test_environment_lists_are_split_on_commas_only() -> None:
    from normkit.plugins import env_list

    environ = {"A": " sarpsborg ,bergen,, trondheim kommune ", "B": ""}
    assert env_list("A", environ) == ["sarpsborg", "bergen", "trondheim kommune"]
    assert env_list("B", environ) == []
    assert env_list("C", environ) is None


def test_a_plugin_names_the_module_or_class_it_is() -> None:
    class Lead:
        @normkit.hookimpl
        def normkit_register_bed_types(self, register: Callable[[object], None]) -> None:
            pass

    kit = normkit.Kit([Lead()], autoload=False)
    assert {name: info.module for name, info in kit.plugins.items()} == {
        "national": "normkit.national",
        "Lead-0": "Lead",
    }


def test_a_bed_type_registered_twice_differently_fails_the_second_plugin() -> None:
    def plugin(name: str, label_nb: str) -> object:
        class Plugin:
            __name__ = name

            @normkit.hookimpl
            def normkit_register_bed_types(self, register: Callable[[object], None]) -> None:
                register({"id": "hospice", "label": "Hospice", "label_nb": label_nb})

        return Plugin()

    same = normkit.Kit([plugin("a", "hospice"), plugin("b", "hospice")], autoload=False)
    assert same.failures == [] and same.bed_types["hospice"].label_nb == "hospice"
    kit = normkit.Kit([plugin("a", "hospice"), plugin("b", "lindrende")], autoload=False)
    (failure,) = kit.failures
    assert (failure.plugin, failure.stage) == ("b", "normkit_register_bed_types")
    assert failure.error == "PluginError: bed type 'hospice' is already registered differently"
    assert kit.bed_types["hospice"].label_nb == "hospice"
    with pytest.raises(PluginError) as caught:
        kit.registry.register_bed_type(
            {"id": "hospice", "label": "Hospice", "label_nb": "lindrende"}, "c"
        )
    assert caught.value.code == "plugin.bed-type-taken"


def test_a_registered_version_is_labelled_with_its_version_and_period() -> None:
    from normkit.registry import NormSetVersion
    from normkit.validity import Validity

    def version(v: str | None) -> NormSetVersion:
        period = Validity(valid_from=dt.date(2020, 1, 1))
        return NormSetVersion("n", "N", v, period, None, "p")

    assert version("2020").label() == "n 2020 (2020-01-01 to …)"
    assert version(None).label() == "n (2020-01-01 to …)"


def test_strict_mode_lists_conflicts_too() -> None:
    class Impostor:
        __name__ = "impostor"

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
            register(Municipality(id="x", name="X", codes=(MunicipalityCode(code="3105"),)))

    (conflict,) = normkit.Kit([sarpsborg_plugin(), Impostor()], autoload=False).conflicts
    with pytest.raises(PluginError) as caught:
        normkit.Kit([sarpsborg_plugin(), Impostor()], autoload=False, strict=True)
    assert caught.value.message == f"plugins failed to load: {conflict}"
    assert conflict.to_dict()["code"] == "plugin.conflict"


def test_without_builtins_there_is_no_national_plugin() -> None:
    kit = normkit.Kit(autoload=False, builtins=False)
    assert kit.plugins == {} and kit.bed_types == {}
    assert "national" in normkit.Kit(autoload=False).plugins
    assert normkit.Kit(autoload=False).plugins["national"].builtin is True


def test_only_the_national_plugin_is_builtin(installed: Callable[..., None]) -> None:
    installed("normkit-good", good=GOOD)
    kit = normkit.Kit([sarpsborg_plugin("passed_in")], allow=["national", "good"])
    assert {name: p.builtin for name, p in kit.plugins.items()} == {
        "national": True,
        "passed_in": False,
        "good": False,
    }


def test_an_installed_plugin_failing_at_registration_names_its_distribution(
    installed: Callable[..., None],
) -> None:
    installed(
        "normkit-badargs",
        badargs="""
            import normkit

            @normkit.hookimpl
            def normkit_register_bed_types(register, extra):
                pass
        """,
    )
    failures = {f.plugin: f for f in normkit.Kit().failures}
    failure = failures["badargs"]
    assert (failure.distribution, failure.stage) == ("normkit-badargs 1.0", "register")
    assert failure.describe().startswith(
        "plugin 'badargs' (normkit-badargs 1.0) failed at register: PluginValidationError"
    )


def test_an_allow_list_may_name_a_plugin_the_host_passed_in() -> None:
    kit = normkit.Kit([sarpsborg_plugin("passed_in")], allow=["national", "passed_in"])
    assert kit.failures == []
    assert set(kit.plugins) == {"national", "passed_in"}


def test_an_allow_list_naming_what_is_not_installed_fails_for_that_name() -> None:
    kit = normkit.Kit(autoload=False, allow=["national", "nosuch"])
    (failure,) = kit.failures
    assert (failure.plugin, failure.distribution, failure.stage) == ("nosuch", None, "select")
    assert failure.error.startswith("allow= names 'nosuch', which is not installed; installed: ")
    assert "national" in failure.error.split("installed: ")[1].split(", ")


def test_a_plugin_whose_hook_has_the_wrong_arguments_fails_at_registration() -> None:
    class Bad:
        __name__ = "bad"

        @normkit.hookimpl
        def normkit_register_bed_types(self, register: object, extra: object) -> None:
            pass

    (failure,) = normkit.Kit([Bad()], autoload=False).failures
    assert (failure.plugin, failure.stage) == ("bad", "register")
    assert failure.error.startswith("PluginValidationError: Plugin 'bad'")
    assert "{'extra'}" in failure.error


def test_a_plugin_that_fails_halfway_is_withdrawn_whole() -> None:
    class Halfway:
        __name__ = "halfway"

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
            register({"id": "sarpsborg", "name": "Sarpsborg", "codes": [{"code": "3105"}]})

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            raise RuntimeError("the norm files are not there")

    kit = normkit.Kit([Halfway()], autoload=False)
    (failure,) = kit.failures
    assert failure.stage == "normkit_register_normsets" and failure.code == "plugin.failed"
    # A municipality without the norm sets its plugin meant to give is not assessed
    # under the national norm alone: the plugin registered nothing that stays.
    assert "sarpsborg" not in kit.municipalities and "halfway" not in kit.plugins
    with pytest.raises(NormkitError):
        kit.normset_for("3105", dt.date(2024, 1, 1))
    # Where it failed: the plugin's own line, not normkit's or pluggy's.
    assert failure.file == __file__
    assert "raise RuntimeError" in Path(__file__).read_text().splitlines()[failure.line - 1]
    assert f"({__file__}:{failure.line})" in failure.describe()
    assert normkit.Kit([Halfway(), sarpsborg_plugin()], autoload=False).failures == [failure]


def test_a_withdrawn_plugin_leaves_no_conflict_behind() -> None:
    class Failing:
        __name__ = "failing"

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
            register({"id": "sarpsborg", "name": "Sarpsborg", "codes": [{"code": "3105"}]})
            raise RuntimeError("half done")

    kit = normkit.Kit([Failing(), sarpsborg_plugin()], autoload=False)
    assert [f.plugin for f in kit.failures] == ["failing"]
    # Its municipality would have contested the good plugin's: the good one alone has it.
    assert kit.conflicts == [] and kit.owner("sarpsborg") == "sarpsborg"
    assert kit.normset_for("3105", dt.date(2024, 1, 1)).id == "national"


BAD_JSON_IN_A_HOOK = """
import json
from normkit import hookimpl

@hookimpl
def normkit_register_bed_types(register):
    register(json.loads("{bad"))
"""

NOT_A_NORM_SET = """
from normkit import hookimpl

@hookimpl
def normkit_register_normsets(register):
    register(42)
"""


def test_a_failure_names_the_plugins_own_line_not_a_library_s(
    installed: Callable[..., None], tmp_path: Path
) -> None:
    installed("normkit-json", badjson=BAD_JSON_IN_A_HOOK, notnorms=NOT_A_NORM_SET)
    failures = {f.plugin: f for f in normkit.Kit().failures}
    # json.loads raises in json/decoder.py, a refused item in normkit or pydantic: the
    # line to fix is the plugin's.
    for name, text in (("badjson", 'json.loads("{bad")'), ("notnorms", "register(42)")):
        failure = failures[name]
        assert failure.file == str(tmp_path / f"{name}.py"), failure
        assert failure.line is not None
        assert text in (tmp_path / f"{name}.py").read_text().splitlines()[failure.line - 1]
    assert failures["notnorms"].code == "plugin.registered-item"


def test_load_time_counts_one_registration_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import normkit.plugins

    clock = [0.0]  # a clock the slow hook moves on by 5 s, so nothing here is timed
    monkeypatch.setattr(normkit.plugins.time, "perf_counter", lambda: clock[0])

    class Slowish:
        __name__ = "slowish"

        @normkit.hookimpl
        def normkit_register_bed_types(self, register: Callable[[object], None]) -> None:
            clock[0] += 5.0

    class Failing:
        __name__ = "failing"

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            raise RuntimeError("fails at the first pass")

    kit = normkit.Kit([Slowish(), Failing()], autoload=False)
    # Registered twice (once more without the failed plugin), timed once.
    assert kit.plugins["slowish"].load_seconds == 5.0


def test_a_failure_in_normkits_own_plugin_class_names_the_line_outside_normkit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "normkit-plugin.yaml").write_text("normsets: []\n", encoding="utf-8")
    plugin = normkit.ManifestPlugin(tmp_path, name="manifested")

    def broken() -> None:
        raise RuntimeError("not a normkit error")  # the line a failure should name

    monkeypatch.setattr(plugin, "manifest", broken)
    (failure,) = normkit.Kit([plugin], autoload=False).failures
    # normkit's manifest.py called it, but the line to look at is this file's.
    assert (failure.file, failure.code) == (__file__, "plugin.failed")
    assert "raise RuntimeError" in Path(__file__).read_text().splitlines()[failure.line - 1]
    assert failure.to_dict() == {
        "plugin": "manifested",
        "stage": "normkit_register_bed_types",
        "code": "plugin.failed",
        "error": "RuntimeError: not a normkit error",
        "file": __file__,
        "line": failure.line,
    }
