"""Run every benchmark, one after the other: ``make bench`` (or ``python benchmarks/run.py``).

Each benchmark measures its own baseline in the same run and rewrites its own section of
benchmarks/RESULTS.md. Pass names to run only some: ``python benchmarks/run.py records audit``.
The full set takes over an hour on 2 cores; run it on a quiet machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = {
    "audit-core": [HERE / "audit_verify.py"],
    "audit": [HERE / "audit_writes.py"],
    "records": [HERE / "records.py"],
    "justice": [HERE / "justice.py"],
    "estimation": [HERE / "estimation.py"],
    "linkage": [HERE / "linkage" / "run.py", "--write-results"],
    "lists-accept": [HERE / "lists_accept.py"],
}


def main(names: list[str]) -> int:
    """Run the named benchmarks (all by default); returns the number that failed."""
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"Unknown benchmarks: {', '.join(unknown)}. Known: {', '.join(BENCHMARKS)}.")
        return 2
    failed = 0
    for name in names or list(BENCHMARKS):
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, *map(str, BENCHMARKS[name])], check=False)
        failed += result.returncode != 0
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
