"""Contracts are data: YAML rules, validated by their own schema and compiled at load.

An invalid contract is an error naming the file and the rule, never skipped.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError

from prodcheck.bundled import display_path
from prodcheck.engine.conditions import ConditionError, Predicate, compile_condition, fact_paths
from prodcheck.engine.facts import FACTS
from prodcheck.engine.templates import check_template_shape, template_environment
from prodcheck.errors import ContractError
from prodcheck.results import Severity
from prodcheck.tables import ACCOUNTS
from prodcheck.yamlfile import Located, load_schema, read_yaml_file, schema_errors


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    subject: str
    severity: Severity
    when: Predicate
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

    @property
    def pack(self) -> str:
        return self.id.split(".", 1)[0]


_ENV = template_environment()


@cache
def contract_schema() -> dict[str, Any]:
    """contract.schema.json with `requires` limited to the accounts table's optional
    fields, from their declaration (tables.py)."""
    schema = copy.deepcopy(load_schema("contract.schema.json"))
    requires = schema["$defs"]["rule"]["properties"]["requires"]
    requires["items"] = {"enum": list(ACCOUNTS.optional)}
    return schema


def _known_fact(subject: str, path: str) -> bool:
    return path.split(".", 1)[0] in FACTS[subject]


def _compile_rule(data: Mapping[str, Any], located: Located, key: tuple[str | int, ...]) -> Rule:
    where = located.where(key)
    rule_id = data["id"]
    label = f"{where}: rule {rule_id}"
    unknown = sorted({p for p in fact_paths(data["when"]) if not _known_fact(data["subject"], p)})
    if unknown:
        raise ContractError(
            f"{label}: unknown fact(s) {', '.join(unknown)} for subject '{data['subject']}'. "
            f"Known facts: {', '.join(sorted(FACTS[data['subject']]))}."
        )
    try:
        predicate = compile_condition(data["when"])
    except ConditionError as exc:
        raise ContractError(f"{label}: {exc}") from None
    templates = {}
    for field_name in ("message", "fix"):
        source = data[field_name].strip()
        try:
            problem = check_template_shape(_ENV.parse(source))
            templates[field_name] = _ENV.from_string(source)
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
    examples = data.get("examples") or {}
    return Rule(
        id=rule_id,
        title=data["title"],
        subject=data["subject"],
        severity=Severity(data["severity"]),
        when=predicate,
        message=templates["message"],
        fix=templates["fix"],
        rationale=" ".join(data["rationale"].split()),
        requires=frozenset(data.get("requires", ())),
        needs=frozenset(data.get("needs", ())),
        supersedes=frozenset(data.get("supersedes", ())),
        examples={k: tuple(v) for k, v in examples.items()},
        source=where,
        condition=data["when"],
        fix_text=data["fix"].strip(),
        windowed=data.get("windowed", True),
    )


def load_contract_file(path: Path, *, expected_id: str | None = None) -> list[Rule]:
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
    rules = [_compile_rule(item, located, key) for item, key in items]
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
