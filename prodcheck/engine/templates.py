"""Message and fix templates: Jinja2 in a sandbox with limits, so a contract file
(the user's own, or one pulled from anywhere) can neither escape nor stall a run.

jinja2's sandbox stops attribute escapes; it does not stop work. Here:
- what a template may contain is checked at load: expressions, `if`, `for` (at
  most two deep) and `set`; no macros, call blocks, imports or includes;
- `range` stops at 1,000; `**`, `*` and `%` refuse results beyond a few
  thousand digits or characters, before computing them; filters and string
  methods that pad or repeat are bounded or removed (`random` too: output is
  deterministic);
- rendering stops after 64 KiB of output or one second (on the main thread).
Whatever goes wrong while rendering becomes a ContractError naming the rule.
"""

from __future__ import annotations

import gc
import re
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from prodcheck.model import Money, format_money

MAX_RANGE = 1_000
MAX_TEXT = 10_000  # characters or items a single operation may produce
MAX_OUTPUT = 64 * 1024
MAX_DIGITS = 4_000  # bits, in fact: about 1,200 decimal digits
MAX_LOOP_DEPTH = 2
RENDER_SECONDS = 1.0
_FORBIDDEN_NODES = (
    nodes.Macro,
    nodes.CallBlock,
    nodes.Import,
    nodes.FromImport,
    nodes.Include,
    nodes.Extends,
    nodes.Block,
)
_PADDING_METHODS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "format", "format_map"}
)
_WIDTH = re.compile(r"%[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")


class TemplateLimit(Exception):
    """A template asked for more work than a message may take."""


def _money(value: Any) -> str:
    if isinstance(value, Money):
        return value.format()
    if value is None:
        return "an unknown amount"
    raise TypeError(f"money filter expects an amount, got {value!r}")


def _upfirst(value: Any) -> str:
    """The first letter upper-cased, the rest kept ("team Acme" -> "Team Acme")."""
    text = str(value)
    return text[:1].upper() + text[1:]


def _date(value: Any) -> str:
    if value is None:
        return "never"
    if isinstance(value, date | datetime):
        return value.strftime("%Y-%m-%d")
    raise TypeError(f"date filter expects a date, got {type(value).__name__}")


def _moment(value: Any) -> str:
    """A time to the minute, in UTC (a date alone cannot order two events of a day)."""
    if value is None:
        return "never"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return _date(value)


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _check_format(template: str, args: Any) -> None:
    for width, precision in _WIDTH.findall(template):
        if "*" in (width, precision) or int(width or 0) > 1_000 or int(precision or 0) > 1_000:
            raise SecurityError("a format width or precision over 1,000 is not allowed")


def _format_check(value: Any, *args: Any, **kwargs: Any) -> None:
    if isinstance(value, str):
        _check_format(value, args)


def _bounded_range(*args: int) -> range:
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise SecurityError(f"range() is limited to {MAX_RANGE:,} items in a template")
    return values


def _limit(name: str, check: Callable[..., None], original: Callable[..., Any]) -> Any:
    """`original` (a jinja2 filter) with `check` run on its arguments first. Filters
    marked to receive a context or environment keep that mark, and `check` sees the
    arguments after it."""
    passes = getattr(original, "jinja_pass_arg", None)

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check(*(args[1:] if passes else args), **kwargs)
        return original(*args, **kwargs)

    bounded.__name__ = name
    if passes is not None:
        bounded.jinja_pass_arg = passes  # type: ignore[attr-defined]
    return bounded


def _width_at_most(limit: int, position: int, keyword: str) -> Callable[..., None]:
    def check(*args: Any, **kwargs: Any) -> None:
        value = kwargs.get(keyword, args[position] if len(args) > position else 0)
        if isinstance(value, int) and value > limit:
            raise SecurityError(f"{keyword} over {limit:,} is not allowed in a template")

    return check


def _replace_check(value: Any, old: Any, new: Any, count: Any = None) -> None:
    if isinstance(value, str) and isinstance(old, str) and isinstance(new, str):
        hits = value.count(old) if old else len(value) + 1
        if len(value) + hits * max(len(new) - len(old), 0) > MAX_TEXT:
            raise SecurityError(f"replace() would produce more than {MAX_TEXT:,} characters")


class BoundedEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"**", "*", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
            magnitude = abs(left)
            bits = abs(right) * (magnitude.bit_length() if isinstance(magnitude, int) else 64)
            if magnitude > 1 and bits > MAX_DIGITS:
                raise SecurityError("a power that large is not allowed in a template")
        elif operator == "*":
            count = right if _sized(left) else left
            size = _sized(left) or _sized(right)
            if size and isinstance(count, int) and size * count > MAX_TEXT:
                raise SecurityError(f"repeating to more than {MAX_TEXT:,} items is not allowed")
            both_int = isinstance(left, int) and isinstance(right, int)
            if both_int and left.bit_length() + right.bit_length() > MAX_DIGITS:
                raise SecurityError("a product that large is not allowed in a template")
        elif operator == "%" and isinstance(left, str):
            _check_format(left, right)
        return super().call_binop(context, operator, left, right)

    # jinja2 hands out str.format (wrapped, not width-checked) before asking
    # is_safe_attribute, so padding methods are refused on lookup, either way.
    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, str) and attribute in _PADDING_METHODS:
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, str) and argument in _PADDING_METHODS:
            return self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _PADDING_METHODS:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


def template_environment() -> BoundedEnvironment:
    env = BoundedEnvironment(undefined=StrictUndefined, autoescape=False)
    for name in ("namespace", "lipsum", "cycler", "joiner"):
        env.globals.pop(name, None)
    env.globals["range"] = _bounded_range
    env.globals["format_money"] = format_money
    env.filters.pop("random", None)
    filters = env.filters
    filters["center"] = _limit("center", _width_at_most(1_000, 1, "width"), filters["center"])
    filters["indent"] = _limit("indent", _width_at_most(100, 1, "width"), filters["indent"])
    filters["batch"] = _limit("batch", _width_at_most(1_000, 1, "linecount"), filters["batch"])
    filters["slice"] = _limit("slice", _width_at_most(1_000, 1, "slices"), filters["slice"])
    filters["replace"] = _limit("replace", _replace_check, filters["replace"])
    filters["format"] = _limit("format", _format_check, filters["format"])
    filters["money"] = _money
    filters["upfirst"] = _upfirst
    filters["date"] = _date
    filters["moment"] = _moment
    return env


def check_template_shape(ast: nodes.Template) -> str | None:
    """What a message template may not contain, or None when it is fine."""
    for node in ast.find_all(_FORBIDDEN_NODES):
        kind = type(node).__name__.lower()
        return f"`{kind}` is not allowed in a message template (line {node.lineno})"

    def depth(node: nodes.Node) -> int:
        inner = max((depth(child) for child in node.iter_child_nodes()), default=0)
        return inner + (1 if isinstance(node, nodes.For) else 0)

    if depth(ast) > MAX_LOOP_DEPTH:
        return f"`for` loops may be nested at most {MAX_LOOP_DEPTH} deep in a message template"
    return None


def _expire(signum: int, frame: Any) -> None:
    raise TemplateLimit(f"rendering took more than {RENDER_SECONDS:g} s")


_session = threading.local()


def _can_alarm() -> bool:
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def rendering() -> Iterator[None]:
    """Many renders in a row (one evaluation): the SIGALRM handler is installed once,
    and each render only arms and disarms the timer."""
    if not _can_alarm() or getattr(_session, "active", False):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    _session.active = True
    try:
        yield
    finally:
        _session.active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _timed(template: Template, context: Mapping[str, Any]) -> str:
    """Render under the timer (SIGALRM's handler installed by `rendering`): a render
    that runs too long (a loop in Python code) is interrupted. The garbage collector
    waits while the timer runs: with a million subscriptions in memory a full
    collection takes over a second, and that pause is not the template's."""
    collecting = gc.isenabled()
    gc.disable()
    signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    try:
        return _collect(template, context)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if collecting:
            gc.enable()


def _collect(template: Template, context: Mapping[str, Any]) -> str:
    parts: list[str] = []
    size = 0
    for chunk in template.generate(dict(context)):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise TemplateLimit(f"the text grew past {MAX_OUTPUT // 1024} KiB")
        parts.append(chunk)
    return "".join(parts)


def render_bounded(template: Template, context: Mapping[str, Any]) -> str:
    """The rendered text, or TemplateLimit when it grows past MAX_OUTPUT or runs
    longer than RENDER_SECONDS (timed on the main thread; elsewhere the static
    limits alone apply). Inside `rendering` (an evaluation's many renders) the
    timer is only armed and disarmed."""
    if getattr(_session, "active", False):
        return _timed(template, context)
    with rendering():
        if getattr(_session, "active", False):
            return _timed(template, context)
        return _collect(template, context)
