"""Finding, loading and isolating plugins; calling their registration hooks.

Each plugin of the ``normkit`` entry-point group is imported on its own, and
each of its hooks is called on its own: one that raises anything (even
``SystemExit``) is recorded as a :class:`PluginFailure` naming the plugin, its
distribution, the stage and where it failed, and the rest still load. A plugin
that fails is withdrawn whole: nothing it registered before the failure is
used, as half a plugin (a municipality without its norm sets) would give
answers its authors never meant. Whatever a plugin prints
while it is imported or registers goes to stderr, so it can never corrupt
JSON or CSV on stdout. Each plugin's load time is measured, so a slow one can
be named.

Which plugins load is the host's choice: ``allow`` / ``block`` (or
``NORMKIT_PLUGINS`` / ``NORMKIT_BLOCK_PLUGINS``), and
``NORMKIT_DISABLE_PLUGIN_AUTOLOAD`` to load none from entry points.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import time
import traceback
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pluggy

from . import hookspecs
from .cache import ENV_DISABLE_CACHE
from .entry_points import ENTRY_POINT_GROUP as ENTRY_POINT_GROUP
from .entry_points import EntryPoint, entry_points
from .errors import NormkitError

ENV_DISABLE_AUTOLOAD = "NORMKIT_DISABLE_PLUGIN_AUTOLOAD"
ENV_PLUGINS = "NORMKIT_PLUGINS"
ENV_BLOCK = "NORMKIT_BLOCK_PLUGINS"
BUILTIN_PLUGINS = ("national",)
#: a plugin taking longer than this to import and register is reported as slow
SLOW_SECONDS = 0.5

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass
class PluginInfo:
    """A loaded plugin: its name, where it comes from, what it registered, how long it took."""

    name: str
    distribution: str | None
    version: str | None
    module: str
    builtin: bool = False
    registered: dict[str, list[str]] = field(default_factory=dict)
    #: seconds spent importing the plugin and running its hooks (once: when another
    #: plugin fails and the rest register again, the last time is the one kept)
    load_seconds: float = 0.0
    #: seconds spent importing it (0 for a plugin object passed in)
    import_seconds: float = 0.0

    @property
    def slow(self) -> bool:
        return self.load_seconds > SLOW_SECONDS


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be loaded or registered: reported, not fatal."""

    plugin: str
    distribution: str | None
    error: str
    #: "select", "import", "register" or the name of the hook that failed
    stage: str
    #: the code of the normkit error behind the failure; "plugin.failed" for any other
    code: str = "plugin.failed"
    #: where it failed: the file the error names, else the plugin's own line that raised
    file: str | None = None
    line: int | None = None
    #: the field of that file, and the normkit error's hint, when it gives them
    field: str | None = None
    hint: str | None = None

    def describe(self) -> str:
        dist = f" ({self.distribution})" if self.distribution else ""
        where = ""
        if self.file is not None and self.file not in self.error:
            where = f" ({self.file}:{self.line})" if self.line is not None else f" ({self.file})"
        return f"plugin '{self.plugin}'{dist} failed at {self.stage}{where}: {self.error}"

    def to_dict(self) -> dict[str, Any]:
        """The failure as data (nulls left out), as ``normkit plugins --format json`` gives it."""
        data = {
            "plugin": self.plugin,
            "distribution": self.distribution,
            "stage": self.stage,
            "code": self.code,
            "error": self.error,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "hint": self.hint,
        }
        return {k: v for k, v in data.items() if v is not None}


_HERE = os.path.dirname(os.path.abspath(__file__))
_HOSTS = (_HERE + os.sep, os.path.dirname(os.path.abspath(pluggy.__file__)) + os.sep)


def _failure(
    plugin: str,
    dist: str | None,
    exc: BaseException,
    stage: str,
    sources: tuple[str, ...] = (),
) -> PluginFailure:
    """A failure with what the error says of itself: its code, and its file and line
    (a manifest, a norm file); else the plugin's own line that raised it, the last
    line of the traceback in ``sources`` (the plugin's files), or failing that the
    last one outside normkit and pluggy."""
    text = f"{type(exc).__name__}: {exc}"  # a normkit error's text names its file and line
    code = exc.code if isinstance(exc, NormkitError) else "plugin.failed"
    if isinstance(exc, NormkitError) and exc.location.file is not None:
        location, named = exc.location, exc.location.file
        from .manifest import MANIFEST  # on a failure only: it imports the models

        if os.path.basename(named) == MANIFEST:
            stage = "reading its manifest"  # read when the first hook asks, whichever it is
        return PluginFailure(
            plugin,
            dist,
            text,
            stage,
            code,
            named,
            location.line,
            location.field,
            exc.hint,
        )
    own = outside = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        name = os.path.abspath(frame.f_code.co_filename)
        if sources and (name in sources or name.startswith(sources)):
            own = (frame.f_code.co_filename, lineno)
        if not name.startswith(_HOSTS):
            outside = (frame.f_code.co_filename, lineno)
    file, line = own or outside or (None, None)
    return PluginFailure(plugin, dist, text, stage, code, file, line)


def _sources(plugin: object = None, module: str | None = None) -> tuple[str, ...]:
    """The plugin's own files: its top package's folder, or its module's file, found
    without importing anything (``module``: one that failed to import). None for
    normkit's own classes (a manifest plugin: its errors name the manifest)."""
    if module is None and plugin is not None:
        if isinstance(plugin, types.ModuleType):
            module = plugin.__name__
        else:
            module = type(plugin).__module__
    if not module:
        return ()
    top = module.split(".")[0]
    if top == __name__.split(".")[0]:
        return ()  # normkit's own classes: their frames are the host's
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return ()
    if spec is None:
        return ()
    if spec.submodule_search_locations:
        return tuple(os.path.abspath(p) + os.sep for p in spec.submodule_search_locations)
    return (os.path.abspath(spec.origin),) if spec.origin else ()


def env_flag(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """An on/off environment switch: 1/true/yes/on or 0/false/no/off (or unset)."""
    value = (os.environ if environ is None else environ).get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise NormkitError(
        f"{name} must be 1, true, yes or on (or 0, false, no, off), got '{value}'",
        code="environment.invalid",
    )


def env_list(name: str, environ: Mapping[str, str] | None = None) -> list[str] | None:
    """A comma-separated environment list; None when the variable is not set."""
    value = (os.environ if environ is None else environ).get(name)
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def dist_label(name: str | None, version: str | None) -> str | None:
    if name is None:
        return None
    return f"{name} {version}" if version else name


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send what a plugin prints to stderr: stdout may be carrying JSON or CSV."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


class PluginSet:
    """The plugins one kit loads, with the failures and warnings met on the way."""

    # No defaults: Kit is the one caller, and passes what its own caller chose.
    def __init__(
        self,
        plugins: Iterable[object],
        *,
        autoload: bool | None,
        allow: Iterable[str] | None,
        block: Iterable[str] | None,
        builtins: bool,
    ) -> None:
        self.failures: list[PluginFailure] = []
        self.warnings: list[str] = []
        self.plugins: dict[str, PluginInfo] = {}
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        if autoload is None:
            autoload = not env_flag(ENV_DISABLE_AUTOLOAD)
        # Read now, not first while a plugin registers its files: a bad value is then
        # this error alone, not a failure blamed on every plugin in turn.
        env_flag(ENV_DISABLE_CACHE)
        allow_source = "allow="
        allowed = set(allow) if allow is not None else None
        if allowed is None and (from_env := env_list(ENV_PLUGINS)) is not None:
            allowed, allow_source = set(from_env), ENV_PLUGINS
        blocked = set(block or ()) | set(env_list(ENV_BLOCK) or ())
        self._allowed, self._blocked = allowed, blocked

        if builtins:
            from . import national

            for name in BUILTIN_PLUGINS:
                if name not in blocked:
                    self._add(national, name, None, None, builtin=True)
        for index, plugin in enumerate(plugins):
            name = getattr(plugin, "__name__", None) or f"{type(plugin).__name__}-{index}"
            # A plugin object the host passes in is chosen already: only a block refuses it.
            if name not in blocked:
                self._add(plugin, name, None, None)
        installed = self._entry_points() if autoload or allowed or blocked else []
        if autoload:
            for ep in installed:
                if ep.name not in blocked and (allowed is None or ep.name in allowed):
                    self._load(ep)
        known = {ep.name for ep in installed} | set(BUILTIN_PLUGINS) | set(self.plugins)
        for name in sorted((allowed or set()) - known):
            self.failures.append(
                PluginFailure(
                    name,
                    None,
                    # ``known`` holds the built-in plugin's name at least: never empty.
                    f"{allow_source} names '{name}', which is not installed; installed: "
                    f"{', '.join(sorted(known))}",
                    "select",
                    "plugin.select",
                )
            )
        for name in sorted(blocked - known):
            self.warnings.append(f"the block list names '{name}', which is not installed")

    @staticmethod
    def _entry_points() -> list[EntryPoint]:
        # Ordered by name, then value: a fixed load order even when two
        # distributions use one name (the second is then refused).
        return entry_points(ENTRY_POINT_GROUP)

    def _load(self, ep: EntryPoint) -> None:
        dist_name, dist_version = ep.distribution, ep.version
        if ep.name in self.plugins:
            self.failures.append(
                PluginFailure(
                    ep.name,
                    dist_label(dist_name, dist_version),
                    "a plugin of this name is already loaded",
                    "import",
                )
            )
            return
        started = time.perf_counter()
        try:
            with _quiet_stdout():
                plugin = ep.load()
        except (Exception, SystemExit) as exc:  # a plugin must never take the host down
            sources = _sources(module=ep.module)
            self.failures.append(
                _failure(ep.name, dist_label(dist_name, dist_version), exc, "import", sources)
            )
            return
        self._add(plugin, ep.name, dist_name, dist_version, seconds=time.perf_counter() - started)

    def _add(
        self,
        plugin: object,
        name: str,
        dist: str | None,
        version: str | None,
        builtin: bool = False,
        seconds: float = 0.0,
    ) -> None:
        try:
            with _quiet_stdout():
                self.pm.register(plugin, name=name)
        except (Exception, SystemExit) as exc:
            failure = _failure(name, dist_label(dist, version), exc, "register", _sources(plugin))
            self.failures.append(failure)
            return
        if not self.pm.get_hookcallers(plugin):
            self.pm.unregister(plugin)
            self.failures.append(
                PluginFailure(
                    name,
                    dist_label(dist, version),
                    "registers nothing: it has no normkit_* hook implementations (does the "
                    "entry point name the plugin object, e.g. 'package:plugin'?)",
                    "register",
                )
            )
            return
        module = plugin.__name__ if isinstance(plugin, types.ModuleType) else type(plugin).__name__
        self.plugins[name] = PluginInfo(
            name, dist, version, module, builtin, load_seconds=seconds, import_seconds=seconds
        )

    def register_all(self, handlers: Mapping[str, Callable[[Any, str], None]]) -> set[str]:
        """Call every plugin's registration hooks, in the order the hook specs define.

        ``handlers`` maps each hook name to what records one registered item;
        a hook that raises (or a handler that refuses an item) fails its
        plugin, whose later hooks are then not called. Returns the plugins
        that failed: the caller withdraws them (:meth:`withdraw`) and
        registers the rest again into a new registry.
        """
        failed: set[str] = set()
        for info in self.plugins.values():  # a pass of its own: what an earlier one did goes
            info.registered = {}
            info.load_seconds = info.import_seconds
        for hook_name in hookspecs.registration_order():
            handler = handlers[hook_name]
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                info = self.plugins[impl.plugin_name]  # _add keeps only registered plugins
                if info.name in failed:
                    continue  # one failure per plugin: the first says what went wrong

                def register(item: Any, _plugin: str = info.name, _handler: Any = handler) -> None:
                    _handler(item, _plugin)

                started = time.perf_counter()
                try:
                    with _quiet_stdout():
                        impl.function(register=register)
                except (Exception, SystemExit) as exc:
                    failed.add(info.name)
                    dist = dist_label(info.distribution, info.version)
                    sources = _sources(self.pm.get_plugin(info.name))
                    self.failures.append(_failure(info.name, dist, exc, hook_name, sources))
                finally:
                    info.load_seconds += time.perf_counter() - started
        return failed

    def withdraw(self, names: Iterable[str]) -> None:
        """Take failed plugins out: their hooks are not called again, nor their items used."""
        for name in names:
            plugin = self.pm.get_plugin(name)
            if plugin is not None:
                self.pm.unregister(plugin, name=name)
            self.plugins.pop(name, None)
