"""Contracts are data: YAML rules, validated by their own schema and compiled at load.

An invalid contract is an error naming the file and the rule, never skipped.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError

from prodcheck.bundled import display_path
from prodcheck.catalogue import FACTS, SUBJECT_KINDS
from prodcheck.engine.conditions import ConditionError, check_condition, fact_paths
from prodcheck.engine.fact_checks import (
    Problem,
    condition_problems,
    names_read,
    template_columns,
    template_problems,
)
from prodcheck.engine.sql_conditions import SqlConditionError, compile_sql
from prodcheck.engine.templates import check_template_shape, template_environment
from prodcheck.errors import ContractError
from prodcheck.factspec import ALL_PROVIDERS
from prodcheck.remedies import ACTIONS
from prodcheck.results import Severity
from prodcheck.tables import ACCOUNTS
from prodcheck.yamlfile import KeyPath, Located, dotted, load_schema, read_yaml_file, schema_errors


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    subject: str
    severity: Severity
    predicate: str  # the condition compiled to SQL over the subject kind's facts
    message: Any  # jinja2.Template
    fix: Any  # jinja2.Template
    rationale: str
    requires: frozenset[str]
    needs: frozenset[str]
    supersedes: frozenset[str]
    examples: Mapping[str, tuple[str, ...]]
    source: str  # file:line
    condition: Mapping[str, Any]  # the declarative source, for `prodcheck rules`
    fix_text: str = ""  # the fix template's source, for `prodcheck rules RULE_ID`
    windowed: bool = True  # skipped for subjects inside the settle window
    providers: frozenset[str] = ALL_PROVIDERS  # billing providers that supply its facts
    facts: tuple[str, ...] = ()  # the facts its condition names
    at_stake: bool = True  # its findings carry the subject's monthly amount
    # The names its message and fix read (fact_checks.names_read): a finding's
    # context holds only these facts, the others never computed for it.
    names: frozenset[str] = frozenset()
    builtin: bool = False  # shipped in contracts/<pack>/, not from contracts.files
    settings: frozenset[str] = frozenset()  # config sections its facts need (FactSpec)
    repair: tuple[str, ...] = ()  # what would repair a finding (remedies.ACTIONS)

    @property
    def pack(self) -> str:
        return self.id.split(".", 1)[0]


_ENV = template_environment()


@cache
def contract_schema() -> dict[str, Any]:
    """contract.schema.json with `requires` limited to the accounts table's optional
    fields (tables.py) and `subject` to the subject kinds (catalogue.py)."""
    schema = copy.deepcopy(load_schema("contract.schema.json"))
    properties = schema["$defs"]["rule"]["properties"]
    properties["requires"]["items"] = {"enum": list(ACCOUNTS.optional)}
    properties["subject"] = {"enum": list(SUBJECT_KINDS)}
    properties["repair"]["items"] = {"enum": list(ACTIONS)}
    return schema


def _raise_problems(rule_id: str, located: Located, key: KeyPath, problems: list[Problem]) -> None:
    """One error naming file, line and key path for each problem; all of them at once."""
    lines = [
        f"{located.where((*key, *p.path))}: rule {rule_id}: {dotted(p.path)}: {p.text}"
        for p in problems
    ]
    if len(lines) == 1:
        raise ContractError(lines[0])
    if lines:
        raise ContractError(
            f"{located.where(key)}: rule {rule_id}: {len(lines)} problems:", details=tuple(lines)
        )


def _compiled(ast: Any) -> Any:
    """The template of a parsed source (what from_string makes, without parsing again)."""
    return _ENV.template_class.from_code(_ENV, _ENV.compile(ast), _ENV.make_globals(None), None)


class _Deferred:
    """A built-in rule's template: parsed and checked when the rule loads, compiled
    the first time a finding renders it (most rules fire on nothing in a run;
    tests/test_contracts.py compiles every built-in template)."""

    __slots__ = ("_ast", "_template")

    def __init__(self, ast: Any) -> None:
        self._ast = ast
        self._template: Any = None

    def compiled(self) -> Any:
        if self._template is None:
            self._template = _compiled(self._ast)
        return self._template

    def generate(self, *args: Any, **kwargs: Any) -> Any:
        return self.compiled().generate(*args, **kwargs)


def _template(label: str, field_name: str, source: str, *, deferred: bool) -> tuple[Any, Any]:
    """(compiled template, its AST); a syntax error or a forbidden shape is an error.
    `deferred`: a built-in rule's, compiled when first rendered."""
    try:
        ast = _ENV.parse(source)
        problem = check_template_shape(ast)
        template = _Deferred(ast) if deferred and not problem else _compiled(ast)
    except TemplateSyntaxError as exc:
        raise ContractError(
            f"{label}: {field_name} template, line {exc.lineno}: {exc.message}"
        ) from None
    except RecursionError:
        problem = "nested too deeply"
    except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
        problem = f"cannot be compiled ({' '.join(str(exc).split())[:80]})"
    if problem:
        raise ContractError(f"{label}: {field_name} template: {problem}")
    return template, ast


def _needs(data: Mapping[str, Any], asts: list[Any]) -> tuple[frozenset[str], ...]:
    """Columns, billing collections, providers and config sections the rule's facts
    need: declared in the rule, and derived from the catalogue for every fact its
    condition names (and every column its templates name)."""
    specs = [FACTS[data["subject"]][name] for name in fact_paths(data["when"])]
    columns = set(data.get("requires", ()))
    columns.update(c for spec in specs for c in spec.columns)
    columns.update(c for ast in asts for c in template_columns(ast) if c in ACCOUNTS.optional)
    needs = set(data.get("needs", ())) | {n for spec in specs for n in spec.needs}
    providers = frozenset(ALL_PROVIDERS).intersection(*(spec.providers for spec in specs))
    settings = frozenset(name for spec in specs for name in spec.settings)
    return frozenset(columns), frozenset(needs), providers, settings


def _compile_rule(
    data: Mapping[str, Any], located: Located, key: KeyPath, *, builtin: bool = False
) -> Rule:
    where = located.where(key)
    rule_id = data["id"]
    label = f"{where}: rule {rule_id}"
    try:
        check_condition(data["when"])
    except ConditionError as exc:
        raise ContractError(f"{label}: {exc}") from None
    subject = data["subject"]
    problems = condition_problems(data["when"], subject)
    templates, asts = {}, []
    for field_name in ("message", "fix"):
        templates[field_name], ast = _template(
            label, field_name, data[field_name].strip(), deferred=builtin
        )
        asts.append(ast)
        problems += [
            Problem((field_name,), text) for text in template_problems(ast, subject, _ENV.globals)
        ]
    problems += [
        Problem(
            ("repair", number),
            f"{action} repairs a finding about {ACTIONS[action][0]}, not {subject}",
        )
        for number, action in enumerate(data.get("repair", ()))
        if ACTIONS[action][0] != subject
    ]
    _raise_problems(rule_id, located, key, problems)
    try:
        predicate = compile_sql(data["when"], FACTS[subject])
    except SqlConditionError as exc:
        raise ContractError(f"{label}: {exc}") from None
    requires, needs, providers, settings = _needs(data, asts)
    examples = data.get("examples") or {}
    return Rule(
        id=rule_id,
        title=data["title"],
        subject=subject,
        severity=Severity(data["severity"]),
        predicate=predicate,
        message=templates["message"],
        fix=templates["fix"],
        rationale=" ".join(data["rationale"].split()),
        requires=requires,
        needs=needs,
        supersedes=frozenset(data.get("supersedes", ())),
        examples={k: tuple(v) for k, v in examples.items()},
        source=where,
        condition=data["when"],
        fix_text=data["fix"].strip(),
        windowed=data.get("windowed", True),
        providers=providers,
        facts=tuple(dict.fromkeys(fact_paths(data["when"]))),
        at_stake=data.get("at_stake", True),
        names=frozenset(name for ast in asts for name in names_read(ast)),
        builtin=builtin,
        settings=settings,
        repair=tuple(data.get("repair", ())),
    )


# Compiled contract files by (where messages say they are, their bytes, the id they
# must hold): a process that checks many folders (`prodcheck test`, the MCP server,
# the test suite) parses and compiles each file once. Keyed by content, not by
# modification time, so a rewritten file is never served stale.
_COMPILED: dict[tuple[str, str, str | None], tuple[Rule, ...]] = {}
_COMPILED_MAX = 512


def load_contract_file(path: Path, *, expected_id: str | None = None) -> list[Rule]:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = ""  # read_yaml_file says what is wrong with the file
    key = (display_path(path), digest, expected_id)
    if digest and key in _COMPILED:
        return list(_COMPILED[key])
    rules = _compile_file(path, expected_id)
    if digest:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key] = tuple(rules)
    return rules


def _compile_file(path: Path, expected_id: str | None) -> list[Rule]:
    located = read_yaml_file(path, ContractError, "contract file", display_path(path))
    errors = schema_errors(located, contract_schema())
    if errors:
        raise ContractError(f"{path}: invalid contract:", details=tuple(errors))
    data = located.data
    if "rules" in data:
        items: list[tuple[Any, tuple[str | int, ...]]] = [
            (d, ("rules", i)) for i, d in enumerate(data["rules"])
        ]
    else:
        items = [(data, ())]
    builtin = expected_id is not None  # contracts/<pack>/<name>.yml, shipped and tested
    rules = [_compile_rule(item, located, key, builtin=builtin) for item, key in items]
    if expected_id is not None and rules[0].id != expected_id:
        raise ContractError(
            f"{path}:{located.line_of(('id',))}: rule id '{rules[0].id}' does not match its "
            f"file; a built-in rule lives at contracts/<pack>/<name>.yml as pack.name "
            f"('{expected_id}')."
        )
    return rules


def builtin_contract_files(root: Path) -> list[tuple[str, Path]]:
    """(expected rule id, path) for every contracts/<pack>/<name>.yml, sorted."""
    return [(f"{path.parent.name}.{path.stem}", path) for path in sorted(root.glob("*/*.yml"))]


def load_rules(
    root: Path, packs: tuple[str, ...] | None, extra_files: tuple[Path, ...]
) -> list[Rule]:
    """Built-in rules of the chosen packs (all when None), then user files."""
    rules: list[Rule] = []
    available = sorted({p.name for p in root.iterdir() if p.is_dir()}) if root.is_dir() else []
    for pack in packs or ():
        if pack not in available:
            raise ContractError(
                f"unknown contract pack '{pack}' in contracts.packs: available packs are "
                f"{', '.join(available)}."
            )
    for expected, path in builtin_contract_files(root):
        if packs is None or expected.split(".")[0] in packs:
            rules.extend(load_contract_file(path, expected_id=expected))
    for path in extra_files:
        rules.extend(load_contract_file(path))
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            raise ContractError(
                f"{rule.source}: rule id '{rule.id}' is already defined at {seen[rule.id]}; "
                "rule ids must be unique."
            )
        seen[rule.id] = rule.source
    return rules
