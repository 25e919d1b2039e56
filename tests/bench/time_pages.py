"""Each key page's time in-process against the same person's bare page (issue 12).

Not collected by pytest. Quicker and steadier than bench_pages.py's gunicorn rounds for
comparing one change, against a database bench_pages.py seeded (same environment):

    .venv/bin/python tests/bench/time_pages.py ["approval queue" ...] [--repeat 15]

Prints, per page, the lower quartile of `--repeat` requests (the machine is shared: the
quartile is steadier than the mean and less flattering than the best) for the page and its
bare page, and the ratio. Django's test instrumentation of template rendering is switched off,
as under gunicorn, so templates cost what they cost in production.
"""

import argparse
import time

from bench_pages import key_pages, say, seeded
from django.conf import settings
from django.test import Client
from django.test.utils import teardown_test_environment
from django.urls import reverse


def quartile(client, path, repeat) -> float:
    client.get(path)  # warm caches, as a server would be
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return sorted(times)[len(times) // 4] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    teardown_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    who = seeded()
    bare = reverse("portal:reminder_settings")
    for name, role, path in key_pages(who):
        if args.pages and name not in args.pages:
            continue
        client = Client()
        client.force_login(who[role or "contributor"])
        bare_ms = quartile(client, bare, args.repeat)
        page_ms = quartile(client if role else Client(), path, args.repeat)
        say(f"{name:22s} page {page_ms:6.1f} ms  bare {bare_ms:5.1f} ms  ratio {bare_ms / page_ms:.2f}")


if __name__ == "__main__":
    main()
