"""Fuzz every loader with mutated real scenario files and print what happened.

    python bench/fuzz_loaders.py [N] [SEED]        (default: 100000 1)

Targets: Stripe and Paddle fixture objects, database rows (JSON and CSV), the
config, scenario.yml, baselines and contract files (tests/fuzzing.py). Every
input must end in a result or a ProdcheckError; anything else is a crash,
printed with the line that raised it. Prints figures; exits 1 on any crash.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import fuzz


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    with tempfile.TemporaryDirectory(prefix="prodcheck-fuzz-") as work:
        started = time.perf_counter()
        outcome = fuzz(count, seed, Path(work))
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"inputs      {outcome.inputs:,} (seed {seed})")
    print(f"accepted    {outcome.accepted:,}")
    print(f"refused     {outcome.refused:,} (ProdcheckError: exit 2 with a message)")
    print(f"crashes     {sum(outcome.crashes.values()):,} at {len(outcome.crashes)} sites")
    print(f"slowest     {outcome.slowest * 1000:.1f} ms for one input")
    rate = outcome.inputs / elapsed
    print(f"elapsed     {elapsed:.1f} s ({rate:,.0f} inputs/s), peak RSS {peak:.0f} MiB")
    for name, inputs in sorted(outcome.by_target.items()):
        print(f"  {name:22s} {inputs:,} inputs")
    for site, times in outcome.crashes.most_common():
        print(f"CRASH {times:6,}  {site}")
        print("      example: " + outcome.examples.get(site, "")[:300].replace("\n", "\\n"))
    return 1 if outcome.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
