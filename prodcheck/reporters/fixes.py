"""A fix said once per rule. The findings of one rule share their fix but for its
first sentences (what to set, for whom): the terminal and Markdown reports give
the shared rest with the rule's first finding shown, and "The rest as for <that
subject> above." with the others. JSON, SARIF and the other reports keep every
fix whole, as tools read them one finding at a time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from prodcheck.results import Finding

# Sentences: split after . ! ? where the next one begins (a capital, a quote, a code span).
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`'\"(])")
# A shared rest shorter than this is not worth a reference.
_WORTH = 40


def _common_tail(fixes: Sequence[list[str]]) -> int:
    """How many trailing sentences every fix shares."""
    shortest = min(len(sentences) for sentences in fixes)
    count = 0
    while count < shortest and all(s[-1 - count] == fixes[0][-1 - count] for s in fixes):
        count += 1
    return count


def shown_fixes(findings: Sequence[Finding]) -> list[str]:
    """The fix to show for each finding, in the order given."""
    shown = [finding.fix for finding in findings]
    by_rule: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        by_rule.setdefault(finding.rule, []).append(index)
    for indexes in by_rule.values():
        if len(indexes) < 2:
            continue
        sentences = [_SENTENCE.split(findings[i].fix.strip()) for i in indexes]
        tail = _common_tail(sentences)
        if not tail or len(" ".join(sentences[0][-tail:])) < _WORTH:
            continue
        first = findings[indexes[0]].subject.shown
        for index, own in zip(indexes[1:], sentences[1:], strict=True):
            head = " ".join(own[:-tail])
            rest = f"The rest as for {first} above." if head else f"As for {first} above."
            shown[index] = f"{head} {rest}".strip()
    return shown
