#!/usr/bin/env python3
"""Summarizes part 3 of Benchmarks/served/run.sh (results.jsonl of measure.py) as Markdown.

Reports the relay's RSS idle, after 10 runs, after 100 runs and after the last run (VmRSS read
from /proc right after each run), the growth from run 10 to the last, and the median chunks/s
and how many streams were not complete and intact.
"""

import json
import statistics
import sys


def main(path: str) -> None:
    rss_after = {}
    idle = None
    rates = []
    failed = 0
    runs = 0
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if o.get("kind") == "rss":
                if "round" in o:
                    rss_after[o["round"] + 1] = o.get("vmrss_kb")
                else:
                    idle = o.get("vmrss_kb")
            elif o.get("kind") == "measure":
                runs += 1
                failed += o.get("failed", 0)
                if o.get("chunks_per_s"):
                    rates.append(o["chunks_per_s"])
    last = max(rss_after) if rss_after else 0

    def mib(kb):
        return "—" if kb is None else "%.1f MiB" % (kb / 1024)

    print("| a2a-pipe serve, one hop, raw source, n:20000 size:16 | value |")
    print("|---|---:|")
    print("| idle RSS before the first run | %s |" % mib(idle))
    for n in sorted({10, 100, last}):
        if n in rss_after:
            print("| RSS after %d runs | %s |" % (n, mib(rss_after[n])))
    if 10 in rss_after and last in rss_after:
        print("| growth from run 10 to run %d | %s |" % (last, mib(rss_after[last] - rss_after[10])))
    if rates:
        print("| chunks/s, median of %d runs | %s |" % (len(rates), format(round(statistics.median(rates)), ",")))
    print("| streams not complete and intact | %d of %d |" % (failed, runs))


if __name__ == "__main__":
    main(sys.argv[1])
