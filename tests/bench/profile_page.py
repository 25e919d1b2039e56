"""Where one page's time goes (issue 12), against a database bench_pages.py seeded.

Not collected by pytest. With the environment of `scripts/services.sh start DIR` and a database
seeded by an earlier `bench_pages.py` run:

    .venv/bin/python tests/bench/profile_page.py "approval queue" [--explain] [--profile]

prints the page's wall time, each query's time (slowest first), with `--explain` the
`EXPLAIN ANALYZE` of the slowest, and with `--profile` the functions taking the most time
(cProfile, cumulative), which shows template rendering against SQL against Python.
"""

import argparse
import cProfile
import pstats
import sys
import time

from bench_pages import connection, key_pages, say, seeded
from django.test import Client
from django.test.utils import CaptureQueriesContext


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("--explain", type=int, nargs="?", const=3, default=0, help="EXPLAIN the N slowest")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime...")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--query", default="", help="appended to the page's address, e.g. page=3")
    args = parser.parse_args()
    who = seeded()
    found = {name: (role, path) for name, role, path in key_pages(who)}
    if args.page not in found:
        sys.exit(f"pages: {', '.join(found)}")
    role, path = found[args.page]
    if args.query:
        path += "?" + args.query
    client = Client()
    if role:
        client.force_login(who[role])
    client.get(path)  # warm caches, as a server would be
    best = None
    for _ in range(args.repeat):  # the fastest of a few: the machine is shared
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        wall = time.perf_counter() - start
        if best is None or wall < best[0]:
            best = (wall, captured, response)
    wall, captured, response = best
    assert response.status_code == 200, response.status_code
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    total = sum(float(q["time"]) for q in queries)
    say(
        f"{args.page}: {wall * 1000:.0f} ms, {len(queries)} queries, {total * 1000:.0f} ms in SQL, "
        f"{len(response.content) / 1024:.0f} KB"
    )
    for q in queries:
        say(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
    for q in queries[: args.explain]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + q["sql"])
            say("\n" + q["sql"] + "\n" + "\n".join(row[0] for row in cursor.fetchall()))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(3):
            client.get(path)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(45)


if __name__ == "__main__":
    main()
