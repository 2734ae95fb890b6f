"""Faulty plugins: isolated and reported, whatever they raise or print."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Literal

import pytest

import normkit
from normkit.lint import check_plugins
from normkit.plugins import env_flag
from normkit.rules.base import Inputs, Step

from .conftest import cli

EXITS_ON_IMPORT = "import sys\nprint('hello from a plugin')\nsys.exit(3)\n"

EXITS_IN_A_HOOK = """
from normkit import hookimpl

@hookimpl
def normkit_register_normsets(register):
    raise SystemExit("bye")
"""

CHATTY = """
import sys
from normkit import hookimpl, Municipality, MunicipalityCode
print("importing chatty")

@hookimpl
def normkit_register_municipalities(register):
    print("registering chatty")
    register(Municipality(id="chatty", name="Chatty", codes=[MunicipalityCode(code="9990")]))
"""

SLOW = """
import time
from normkit import hookimpl, Municipality, MunicipalityCode
time.sleep(0.6)

@hookimpl
def normkit_register_municipalities(register):
    register(Municipality(id="slowby", name="Slowby", codes=[MunicipalityCode(code="9991")]))
"""

MARKUP_ERROR = "raise ImportError('[red]not[/red] \\x1b[2J found')\n"


@pytest.fixture(autouse=True)
def _autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)


def test_system_exit_at_import_and_in_a_hook_is_isolated(
    installed: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    installed("normkit-rude", exits=EXITS_ON_IMPORT, hooked=EXITS_IN_A_HOOK)
    kit = normkit.Kit()
    failures = {f.plugin: f for f in kit.failures}
    assert failures["exits"].stage == "import" and "SystemExit: 3" in failures["exits"].error
    assert failures["hooked"].stage == "normkit_register_normsets"
    assert "SystemExit: bye" in failures["hooked"].error
    assert "national" in kit.plugins  # the host goes on
    assert "hello from a plugin" in capsys.readouterr().err


def test_plugin_output_never_reaches_stdout(installed: Callable[..., None]) -> None:
    installed("normkit-chatty", chatty=CHATTY)
    code, out, err = cli("plugins", "--format", "json")
    assert code == 0
    assert "chatty" in [p["plugin"] for p in json.loads(out)["plugins"]]
    assert "importing chatty" in err and "registering chatty" in err
    code, out, _ = cli("schema", "inventory")
    assert code == 0 and json.loads(out)["title"] == "normkit inventory file"


def test_check_reports_plugins_that_failed_to_load(installed: Callable[..., None]) -> None:
    installed("normkit-rude", exits=EXITS_ON_IMPORT)
    code, out, _ = cli("check", "--format", "json")
    assert code == 1
    findings = json.loads(out)
    assert [f["code"] for f in findings] == ["plugin.failed"]
    assert "plugin 'exits' (normkit-rude 1.0) failed at import" in findings[0]["message"]
    assert check_plugins(normkit.Kit()) != []


def test_a_slow_plugin_is_named_with_its_load_time(installed: Callable[..., None]) -> None:
    installed("normkit-slow", slow=SLOW)
    # The first kit imports the plugin (Python keeps the module for later kits).
    code, out, _ = cli("plugins")
    assert code == 0
    line = next(line for line in out.splitlines() if "Slowby" in line)
    assert "(slow)" in line
    kit = normkit.Kit()
    assert not kit.plugins["national"].slow


@pytest.mark.parametrize(
    ("value", "disabled"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("", False),
        ("0", False),
        ("false", False),
        ("no", False),
        ("Off", False),
    ],
)
def test_the_autoload_switch_parses_as_documented(value: str, disabled: bool) -> None:
    assert env_flag("X", {"X": value}) is disabled


@pytest.mark.parametrize("switch", ["NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "NORMKIT_DISABLE_CACHE"])
def test_an_unreadable_switch_is_an_error(monkeypatch: pytest.MonkeyPatch, switch: str) -> None:
    """One error naming the switch: never a plugin failure, nor an unknown norm set."""
    monkeypatch.setenv(switch, "maybe")
    with pytest.raises(normkit.NormkitError) as caught:
        normkit.Kit()
    assert caught.value.code == "environment.invalid"
    for command in ("plugins", "assess"):
        code, _, err = cli(command)
        assert (
            code == 1
            and err
            == f"error: {switch} must be 1, true, yes or on (or 0, false, no, off), got 'maybe'\n"
        )


def test_false_keeps_autoload_on(
    installed: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    installed("normkit-chatty", chatty=CHATTY)
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "false")
    assert "chatty" in normkit.Kit().plugins


def test_an_unknown_name_in_the_allow_list_is_an_error_not_silence(
    installed: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    installed("normkit-chatty", chatty=CHATTY)
    monkeypatch.setenv("NORMKIT_PLUGINS", "chattty")
    kit = normkit.Kit()
    (failure,) = kit.failures
    assert failure.stage == "select"
    assert "NORMKIT_PLUGINS names 'chattty', which is not installed" in failure.error
    assert "chatty" in failure.error  # the installed names, to spot the typo
    code, _, _ = cli("plugins")
    assert code == 1
    monkeypatch.delenv("NORMKIT_PLUGINS")
    assert normkit.Kit(block=["chattty"]).warnings == [
        "the block list names 'chattty', which is not installed"
    ]


def test_a_conflict_hint_names_both_plugins(installed: Callable[..., None]) -> None:
    # 'aaa' sorts first, so it registers first; the hint must not blame the other.
    installed(
        "normkit-two",
        aaa=CHATTY.replace('id="chatty", name="Chatty"', 'id="impostor", name="Impostor"'),
        zzz=CHATTY,
    )
    (conflict,) = normkit.Kit().conflicts
    assert conflict.hint is not None
    assert "NORMKIT_BLOCK_PLUGINS=aaa" in conflict.hint
    assert "NORMKIT_BLOCK_PLUGINS=zzz" in conflict.hint


class Incomplete(normkit.Rule):
    kind: Literal["incomplete"] = "incomplete"

    def evaluate(self, inputs: Inputs) -> float:
        return 1.0


class Complete(Incomplete):
    kind: Literal["complete"] = "complete"  # type: ignore[assignment]

    def explain(self, inputs: Inputs) -> Step:
        return Step("one", 1.0, "FTE", self.kind)


def test_an_incomplete_rule_kind_is_refused_at_registration() -> None:
    class Plugin:
        __name__ = "halfway"

        @normkit.hookimpl
        def normkit_register_rule_kinds(self, register: Callable[[object], None]) -> None:
            register(Complete)
            register(Incomplete)

    kit = normkit.Kit([Plugin()], autoload=False)
    (failure,) = kit.failures
    assert failure.plugin == "halfway" and failure.stage == "normkit_register_rule_kinds"
    assert "rule kind 'incomplete' (Incomplete) does not implement explain" in failure.error
    # The plugin is withdrawn whole: the kind it registered before failing is not used.
    assert "complete" not in kit.rule_kinds and "incomplete" not in kit.rule_kinds
    assert "halfway" not in kit.plugins


def test_a_plugin_rule_kind_that_fails_is_named_not_a_traceback() -> None:
    class Broken(Complete):
        kind: Literal["broken"] = "broken"  # type: ignore[assignment]

        def evaluate(self, inputs: Inputs) -> float:
            raise ZeroDivisionError("oops")

    need = normkit.Need(id="n", bed_types=("long_term",), rule=Broken())
    normset = normkit.NormSet(id="b", title="b", source=normkit.Source(document="d"), needs=(need,))
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": "H", "units": [{"name": "U", "bed_type": "long_term", "beds": 1}]}
            ]
        }
    )
    with pytest.raises(normkit.RuleError) as caught:
        normkit.Kit(autoload=False).assess(inventory, normset, dt.date(2020, 1, 1))
    assert caught.value.code == "rule.failed"
    assert "rule kind 'broken' failed on H › U: ZeroDivisionError: oops" in caught.value.message


def test_plugin_errors_are_shown_verbatim(installed: Callable[..., None]) -> None:
    installed("normkit-markup", markup=MARKUP_ERROR)
    code, out, _ = cli("plugins")
    assert code == 1
    assert "[red]not[/red]" in out and "\x1b" not in out and "\\x1b[2J" in out
    code, out, _ = cli("check")
    assert "[red]not[/red]" in out and "\x1b" not in out
