"""Provider objects checked at the door: one JSON Schema per object kind (the fields
prodcheck reads, nothing more; other fields are allowed), compiled into plain
Python checks.

`jsonschema` takes about 130 µs per Stripe subscription, seven times the cost of
normalizing it, which a million objects cannot afford; these schemas use a small
subset of JSON Schema (type, properties, required, items, local $ref), compiled
once into nested closures that cost a few microseconds and name the exact key
path of each problem: `items.data[0].price.recurring: expected an object, got
"month"`. A test checks that the compiled checks agree with jsonschema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

Check = Callable[[Any, str, list[str]], None]

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "$defs"})
_SUPPORTED = frozenset({"type", "properties", "required", "items", "additionalProperties"})
MAX_SHOWN = 40


def shown(value: Any) -> str:
    """A value as JSON, cut short: enough to recognise it in a message."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _scalar_ok(value: Any, exact: frozenset[type], names: tuple[str, ...]) -> bool:
    """The slow path of a type check: subclasses count (the Stripe SDK decodes JSON
    objects into OrderedDicts), booleans are not integers, and 3.0 is an integer."""
    if type(value) in exact:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, tuple(exact)):
        return True
    return isinstance(value, float) and "integer" in names and value.is_integer()


def compile_schema(schema: Mapping[str, Any], root: Mapping[str, Any] | None = None) -> Check:
    """A check appending `path: problem` lines to the error list it is given."""
    root = root if root is not None else schema
    if "$ref" in schema:
        ref = str(schema["$ref"])
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"only local #/$defs/ references are supported, not {ref}")
        target = root["$defs"][ref.removeprefix("#/$defs/")]
        cell: list[Check] = []

        def referenced(value: Any, path: str, errors: list[str]) -> None:
            # Compiled on first use: a definition may refer to itself.
            if not cell:
                cell.append(compile_schema(target, root))
            cell[0](value, path, errors)

        return referenced
    unknown = set(schema) - _SUPPORTED - _ANNOTATIONS
    if unknown:
        raise ValueError(f"unsupported JSON Schema keywords here: {', '.join(sorted(unknown))}")
    kinds = schema.get("type")
    names = (kinds,) if isinstance(kinds, str) else tuple(kinds or ())
    # Exact types: `type(value) in exact` is the fast path, and keeps True out of integer.
    exact = frozenset(t for name in names for t in _TYPES[name])
    expected = " or ".join(_WORDS[name] for name in names)
    required = tuple(schema.get("required") or ())
    items = compile_schema(schema["items"], root) if "items" in schema else None
    # Scalar properties are checked inline (no call); nested ones by their own check.
    scalars: list[tuple[str, frozenset[type], tuple[str, ...], str]] = []
    nested: list[tuple[str, Check]] = []
    for key, sub in (schema.get("properties") or {}).items():
        if set(sub) & {"properties", "items", "$ref"}:
            nested.append((key, compile_schema(sub, root)))
        else:
            sub_names = (sub["type"],) if isinstance(sub.get("type"), str) else tuple(sub["type"])
            sub_exact = frozenset(t for name in sub_names for t in _TYPES[name])
            sub_expected = " or ".join(_WORDS[name] for name in sub_names)
            scalars.append((key, sub_exact, sub_names, sub_expected))

    def check(value: Any, path: str, errors: list[str]) -> None:
        if exact and not _scalar_ok(value, exact, names):
            errors.append(f"{path or '(object)'}: expected {expected}, got {shown(value)}")
            return
        if isinstance(value, dict):
            for key in required:
                if key not in value:
                    errors.append(f"{_join(path, key)}: is required and missing")
            for key, sub_exact, sub_names, sub_expected in scalars:
                if key in value:
                    item = value[key]
                    if type(item) not in sub_exact and not _scalar_ok(item, sub_exact, sub_names):
                        errors.append(
                            f"{_join(path, key)}: expected {sub_expected}, got {shown(item)}"
                        )
            for key, sub_check in nested:
                if key in value:
                    sub_check(value[key], _join(path, key), errors)
        elif items is not None and isinstance(value, list):
            for index, element in enumerate(value):
                items(element, f"{path}[{index}]", errors)

    return check


@cache
def object_schema(name: str) -> dict[str, Any]:
    text = resources.files("prodcheck.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def shape_check(name: str) -> Check:
    """The compiled check of `prodcheck/schemas/<name>.schema.json`."""
    return compile_schema(object_schema(name))


def problems(name: str, obj: Any) -> list[str]:
    errors: list[str] = []
    shape_check(name)(obj, "", errors)
    return errors
