"""`make bench`: every benchmark, each reported as a ratio or against its budget, in one run."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from bench import bench_answer, bench_rules

    print("== Rule engine")
    rules = bench_rules.main()
    bench_rules._print_table(rules)
    print("\n== Answering a question")
    print(bench_answer.report(bench_answer.main()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
