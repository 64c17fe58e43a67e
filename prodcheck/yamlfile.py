"""YAML loading that remembers where every key came from, and schema validation
that reports every error at once as `file:line: key.path: what is expected`."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from prodcheck.errors import ProdcheckError

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Located:
    """Parsed YAML data plus the line (1-based) of each key path."""

    data: Any
    lines: dict[KeyPath, int]
    filename: str

    def line_of(self, path: KeyPath) -> int:
        """The line of the deepest known prefix of `path`."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1

    def where(self, path: KeyPath) -> str:
        return f"{self.filename}:{self.line_of(path)}"


def dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys: the second silently wins otherwise."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


# Dates stay strings: the schemas validate them and the code parses them, so a
# bare `now: 2026-01-31T12:00:00Z` and a quoted one mean the same thing.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Booleans are YAML 1.2's `true`/`false` only: under YAML 1.1, the key `on:` in
# `notify.slack.on` would be the boolean True, and `no` a boolean for Norway.
for _first in "yYnNoO":
    _UniqueKeyLoader.yaml_implicit_resolvers[_first] = [
        (tag, regexp)
        for tag, regexp in _UniqueKeyLoader.yaml_implicit_resolvers.get(_first, [])
        if tag != "tag:yaml.org,2002:bool"
    ]

_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# The same loader on libyaml's parser, when PyYAML was built with it: a file it
# reads is read the same (the same resolvers and constructors), several times
# faster; a file it refuses is read again by the pure-Python parser, whose
# messages are the ones users see (tests/test_yamlfile.py holds the two together).
_FAST: type[Any] | None = None
if yaml.__with_libyaml__:

    class _CUniqueKeyLoader(yaml.CSafeLoader):
        """_UniqueKeyLoader on libyaml's parser."""

    _CUniqueKeyLoader.yaml_implicit_resolvers = _UniqueKeyLoader.yaml_implicit_resolvers
    _CUniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
    )
    _FAST = _CUniqueKeyLoader


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


# Limits on what a YAML file may make prodcheck build. Real configs, contracts and
# scenario files are a few kilobytes, a few levels deep, with an anchor or two; a
# file beyond these is an attack (an alias bomb) or a mistake, refused up front.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000  # after aliases are expanded
MAX_ALIASES = 100
MAX_NUMBER_DIGITS = 100
_NUMBER = re.compile(r"[-+]?(?:0[xob])?[0-9_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?")


@dataclass
class _Open:
    """A collection being read: its expanded size so far, anchor, kind and position."""

    size: int
    anchor: str | None
    mapping: bool
    children: int = 0


def _bounded(
    text: str, filename: str, error: type[ProdcheckError], parser: type[Any] = yaml.SafeLoader
) -> None:
    """Walk the event stream (iterative, nothing built) and refuse what would make
    loading slow, deep or huge: depth, alias count and expanded size, keys that are
    not scalars (unhashable in Python), numbers too long to convert."""

    def refuse(event: yaml.Event, what: str) -> ProdcheckError:
        line = event.start_mark.line + 1 if event.start_mark else 1
        return error(f"{filename}:{line}: {what}")

    stack: list[_Open] = []
    sizes: dict[str, int] = {}
    aliases = 0
    for event in yaml.parse(text, Loader=parser):
        if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent):
            continue
        if isinstance(event, yaml.DocumentStartEvent | yaml.DocumentEndEvent):
            continue
        closing = isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent)
        at_key = not closing and stack and stack[-1].mapping and stack[-1].children % 2 == 0
        if at_key and not isinstance(event, yaml.ScalarEvent):
            raise refuse(
                event,
                "a key that is a list, a mapping or an alias is not "
                "supported: use a plain name as the key",
            )
        if not closing and stack:
            stack[-1].children += 1
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            stack.append(_Open(1, event.anchor, isinstance(event, yaml.MappingStartEvent)))
            if len(stack) > MAX_DEPTH:
                raise refuse(
                    event,
                    f"nested more than {MAX_DEPTH} levels deep: not a "
                    "prodcheck file, or a mistake in its indentation",
                )
            continue
        if closing:
            done = stack.pop()
            size, anchor = done.size, done.anchor
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise refuse(
                    event,
                    f"more than {MAX_ALIASES} aliases (*name): refused, "
                    "as an alias bomb would be; write the values out",
                )
            size, anchor = sizes.get(event.anchor or "", 1), None
        else:
            assert isinstance(event, yaml.ScalarEvent)
            size, anchor = 1, event.anchor
            value = event.value
            # a plain scalar: style None (PyYAML) or "" (libyaml)
            if not event.style and len(value) > MAX_NUMBER_DIGITS and _NUMBER.fullmatch(value):
                raise refuse(
                    event,
                    f"a number with {len(value)} digits: quote it if it is text, or shorten it",
                )
        if anchor:
            sizes[anchor] = size
        if stack:
            stack[-1].size += size
            size = stack[-1].size
        if size > MAX_NODES:
            raise refuse(
                event,
                f"expands to more than {MAX_NODES:,} values once its aliases "
                "(*name) are resolved: refused, as an alias bomb would be",
            )


def load_yaml(
    text: str, filename: str, error: type[ProdcheckError], *, max_bytes: int = MAX_YAML_BYTES
) -> Located:
    """Parse YAML, raising `error` with file and line on a syntax error, and refusing
    files that are too large, too deep or expand too much (see `_bounded`)."""
    if len(text) > max_bytes:
        raise error(
            f"{filename}: {len(text):,} characters is more than the {max_bytes:,} a prodcheck "
            "file may have: is this the right file?"
        )
    if _FAST is not None:
        try:
            return _load(text, filename, error, _FAST, yaml.CSafeLoader)
        except Exception:  # the pure-Python parser says what is wrong
            pass
    return _load(text, filename, error, _UniqueKeyLoader, yaml.SafeLoader)


def _load(
    text: str, filename: str, error: type[ProdcheckError], loader_class: Any, parser: Any
) -> Located:
    try:
        _bounded(text, filename, error, parser)
        # One parse for both the data and the node tree that gives each key its line.
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except (ValueError, RecursionError) as exc:
        raise error(f"{filename}: cannot read this YAML: {type(exc).__name__}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise error(
            f"{filename}{line}: invalid YAML: {exc.problem or exc}. "
            "Fix the syntax (indentation, quotes, colons) and run again."
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"{filename}: invalid YAML: {exc}") from None
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return Located(data=data, lines=lines, filename=filename)


def read_yaml_file(
    path: Path, error: type[ProdcheckError], what: str, display: str | None = None
) -> Located:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{path}: {what} not found. Check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read {what}: {exc}") from None
    return load_yaml(text, display or str(path), error)


@cache
def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("prodcheck.schemas").joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


ENV_NAME_ADVICE = (
    "must be the NAME of an environment variable (letters, digits and _, such as "
    "STRIPE_API_KEY or DATABASE_URL), never a key, URL or password itself; the value is not "
    "repeated here. Put the secret in that environment variable and name the variable here"
)
API_BASE_ADVICE = (
    "must be an http:// or https:// base URL without a user or password in it (a password "
    "in the config would be copied into snapshots); the value is not repeated here"
)


def _shown(value: Any) -> str:
    """A value quoted in a message, cut short: a message is not a data dump."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _secret_safe(err: jsonschema.ValidationError, path: KeyPath) -> str | None:
    """Messages for keys whose value may be a secret pasted by mistake: never echoed."""
    last = str(path[-1]) if path else ""
    if last.endswith("_env"):
        return ENV_NAME_ADVICE
    if last == "api_base" and err.validator != "type":
        return API_BASE_ADVICE
    return None


def _describe(err: jsonschema.ValidationError) -> tuple[KeyPath, str]:
    path: KeyPath = tuple(err.absolute_path)
    safe = _secret_safe(err, path)
    if safe is not None:
        return path, safe
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        schema = err.schema if isinstance(err.schema, dict) else {}
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(k for k in err.instance if k not in allowed)
        if extra:
            key = extra[0]
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            suggestion = f"did you mean '{hint[0]}'? " if hint else ""
            return (*path, key), (
                f"unknown key '{key}': {suggestion}allowed keys are {', '.join(allowed)}"
            )
    if err.validator == "required":
        return path, f"{err.message}: add it"
    if err.validator == "enum":
        options = ", ".join(json.dumps(v) for v in list(err.validator_value))  # type: ignore[arg-type]
        return path, f"{_shown(err.instance)} is not allowed: use one of {options}"
    if err.validator == "type":
        return path, f"expected {err.validator_value}, got {_shown(err.instance)}"
    if err.validator == "format" and err.validator_value == "date":
        return path, f"{_shown(err.instance)} is not a real date: use YYYY-MM-DD"
    description = err.schema.get("description") if isinstance(err.schema, dict) else None
    extra_hint = f" ({description})" if description else ""
    message = err.message if len(err.message) <= 200 else err.message[:197] + "..."
    return path, f"{message}{extra_hint}"


def schema_errors(located: Located, schema: str | Mapping[str, Any]) -> list[str]:
    """Every schema violation as `file:line: key.path: message`, in file order.
    `schema`: a file in prodcheck/schemas, or a schema built from one."""
    validator = jsonschema.Draft202012Validator(
        load_schema(schema) if isinstance(schema, str) else schema,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    found: list[tuple[int, str]] = []
    for err in _leaf_errors(validator.iter_errors(located.data)):
        path, message = _describe(err)
        found.append((located.line_of(path), f"{located.where(path)}: {dotted(path)}: {message}"))
    return [text for _, text in sorted(set(found))]


def _distance(subs: list[jsonschema.ValidationError], depth: int) -> tuple[bool, int, int]:
    """How far a oneOf/anyOf branch is from the value: a branch of another type
    altogether (a string where a mapping was given) is farthest; then fewer errors,
    deeper first."""
    wrong_type = any(s.validator == "type" and len(s.absolute_path) == depth for s in subs)
    return wrong_type, len(subs), -max(len(s.absolute_path) for s in subs)


def _leaf_errors(
    errors: Iterator[jsonschema.ValidationError],
) -> Iterator[jsonschema.ValidationError]:
    """For oneOf/anyOf, the errors of the alternative that came closest (the fewest
    errors, the deepest first) instead of a blob: a one-rule contract file with a
    short title hears about its title, not that it lacks `rules:`."""
    for err in errors:
        if not err.context:
            yield err
            continue
        branches: dict[Any, list[jsonschema.ValidationError]] = {}
        for sub in err.context:
            branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
        closest = min(branches.values(), key=lambda subs: _distance(subs, len(err.absolute_path)))
        yield from _leaf_errors(iter(closest))
