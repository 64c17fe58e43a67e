"""How long `prodcheck check` takes to give up on a billing API that takes the
connection and never answers, at the default billing.timeout_seconds (30 s) and
retry policy: the fake Stripe API of the tests (tests/live/fake_stripe.py) hangs
every request, the demo's rows are read from its fixtures.

    python bench/bench_hung_api.py [--timeout SECONDS]

Prints the exit code, the wall seconds, the requests the fake saw and the error.
Asserts nothing about speed (tests/live/test_faults.py bounds it at a 1 s timeout).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from tests.live.fake_http import HANG, Faults
    from tests.live.fake_stripe import FakeStripe
    from tests.live.stripe_objects import account

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, help="billing.timeout_seconds (default: 30)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        shutil.copytree(ROOT / "scenarios" / "demo", folder)
        path = folder / "prodcheck.yml"
        config = yaml.safe_load(path.read_text())
        with FakeStripe(**account(30), faults=Faults(first=10**9, kind=HANG)) as fake:
            config["billing"].update(api_base=fake.url, api_key_env="PC_BENCH_KEY")
            if args.timeout is not None:
                config["billing"]["timeout_seconds"] = args.timeout
            config["database"]["fixtures"] = "."
            path.write_text(yaml.safe_dump(config))
            env = {**os.environ, "PC_BENCH_KEY": "rk_test_bench"}
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "prodcheck", "check", "--config", str(path), "--quiet"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            took = time.monotonic() - started
            requests = fake.requests
    print(f"exit {done.returncode} after {took:.1f} s, {requests} requests")
    print(done.stderr.strip()[-500:])


if __name__ == "__main__":
    main()
