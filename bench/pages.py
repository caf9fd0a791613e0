"""Dashboards and list pages under load (bench/README.md#targets: p95 ≤ 200 ms at 20 concurrent
users on
demo-scale data), on PostgreSQL, in one run:

1. the demo city (``seed_demo``: 8 counties, ~20,000 accounts with 12 months of bills, plans,
   reports, activities) in its own database, seeded once and reused;
2. the app under gunicorn as the Dockerfile runs it (``--workers 3``, DEBUG off);
3. ``--users`` virtual users (default 20: half city staff, half county staff of C01..C08), each
   on its own keep-alive connection, opening the dashboards and list pages in a shuffled order
   with a think time between requests (``--think``, mean seconds, default 1.0; 0 makes it a flood
   of back-to-back requests), ``--rounds`` times over the pages;
4. p50 / p95 / max per page and over all requests, against the 200 ms target.

    .venv/bin/python bench/pages.py [--users 20] [--rounds 5] [--think 1.0] [--workers 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict

from common import ROOT, ensure_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mo_bench_demo"
TARGET_P95_MS = 200
#: Shared by this process (which writes the sessions) and the server (which reads them).
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"
#: The dashboards and list pages, as each kind of user opens them (no form, no export).
PAGES = [
    "/",
    "/revenue/",
    "/revenue/reports/",
    "/revenue/plans/",
    "/revenue/standings/",
    "/revenue/activities/",
    "/revenue/activities/cases/",
    "/revenue/activities/field-visits/",
    "/revenue/activities/trainings/",
    "/revenue/activities/tariff-packages/",
    "/revenue/activities/follow-ups/overdue/",
    "/arrears/",
    "/arrears/worklist/",
    "/arrears/promises/",
    "/arrears/top/",
    "/arrears/transfers/",
    "/audits/",
    "/audits/list/",
    "/audits/mine/",
    "/audits/findings/",
    "/audits/verification-items/",
    "/audits/verification-items/overview/",
    "/imports/",
    "/briefings/",
]


def seed(url: str) -> None:
    """Migrate and seed the demo city once (seed_demo is idempotent, but takes a while)."""
    env = os.environ | {"DATABASE_URL": url, "REDIS_URL": ""}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, env=env)
    from arrears.models import Account

    if Account.objects.count() < 10_000:
        started = time.perf_counter()
        subprocess.run([*manage, "seed_demo"], check=True, env=env, stdout=subprocess.DEVNULL)
        print(f"  demo data seeded in {time.perf_counter() - started:.0f} s")


def sessions(users: int) -> list[tuple[str, str]]:
    """``(username, session key)`` per virtual user: logged in by a session written directly
    (the login page's password hashing is not what is measured)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
        load_backend,
    )

    store = import_module(settings.SESSION_ENGINE).SessionStore
    # The backend a login records is one that can load the user again (the login throttle's
    # backend, first in the list, only refuses locked-out sign-ins).
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    names = ["city" if i % 2 == 0 else f"c{(i // 2) % 8 + 1:02d}_staff" for i in range(users)]
    accounts = get_user_model().objects.in_bulk(set(names), field_name="username")
    keys = []
    for name in names:
        user = accounts[name]
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append((name, session.session_key))
    return keys


class Client:
    """One keep-alive connection that looks like HTTPS behind the proxy (DEBUG off)."""

    def __init__(self, port: int, session_key: str):
        self.port = port
        self.headers = {
            "Cookie": f"sessionid={session_key}",
            "X-Forwarded-Proto": "https",
            "Host": "127.0.0.1",
        }
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers=self.headers)
            response = self.connection.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        return response.status, (time.perf_counter() - started) * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    # As the Dockerfile's build does: hashed, compressed static files served by whitenoise.
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        check=True,
        cwd=ROOT,
        env=env,
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "marketing_ops.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def pages_for(port: int, users: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The pages each user may open (200); a page a county user may not see is left out."""
    allowed: dict[str, list[str]] = {}
    for name, key in users:
        if name in allowed:
            continue
        client = Client(port, key)
        allowed[name] = []
        for path in PAGES:
            status, _ = client.get(path)  # also warms each worker's caches a little
            if status == 200:
                allowed[name].append(path)
            elif status not in (403, 404):
                sys.exit(f"{path} as {name} answered {status}")
    return allowed


def run(port: int, users, allowed, rounds: int, think: float, seed: int) -> list[tuple]:
    """Every virtual user in its own thread; returns ``(path, status, ms)`` of each request."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()

    def user(index: int, name: str, key: str) -> None:
        rng = random.Random(seed + index)
        client = Client(port, key)
        time.sleep(rng.uniform(0, think or 0.05))  # users do not all arrive at once
        mine = []
        for _ in range(rounds):
            order = allowed[name][:]
            rng.shuffle(order)
            for path in order:
                status, ms = client.get(path)
                mine.append((path, status, ms))
                if think:
                    time.sleep(rng.expovariate(1 / think))
        with lock:
            results.extend(mine)

    threads = [
        threading.Thread(target=user, args=(i, name, key)) for i, (name, key) in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(results: list[tuple[str, int, float]], elapsed: float) -> None:
    by_page: dict[str, list[float]] = defaultdict(list)
    failed = [r for r in results if r[1] != 200]
    for path, _, ms in results:
        by_page[path].append(ms)
    every = [ms for _, _, ms in results]
    print(f"  {'page':<42} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for path in PAGES:
        values = by_page.get(path)
        if values:
            print(
                f"  {path:<42} {len(values):>8} {statistics.median(values):>8.0f} "
                f"{percentile(values, 0.95):>8.0f} {max(values):>8.0f}"
            )
    p95 = percentile(every, 0.95)
    verdict = "meets target" if p95 <= TARGET_P95_MS and not failed else "BELOW TARGET"
    print(
        f"  {'all pages':<42} {len(every):>8} {statistics.median(every):>8.0f} {p95:>8.0f} "
        f"{max(every):>8.0f}   target p95 <= {TARGET_P95_MS} ms: {verdict}"
    )
    print(f"  {len(every) / elapsed:.1f} requests/s over {elapsed:.1f} s; {len(failed)} not 200")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_PAGES_URL") or DEFAULT_URL)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the pages per user")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    url = args.database_url
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set --database-url.")
    print(
        f"Pages under load: {args.users} users, think time {args.think:g} s, "
        f"gunicorn --workers {args.workers}, on {url.rsplit('@', 1)[-1]}"
    )
    ensure_database(url)
    os.environ["SECRET_KEY"] = SECRET_KEY
    setup_django(url)
    seed(url)
    users = sessions(args.users)
    port = free_port()
    server = start_server(url, port, args.workers)
    try:
        allowed = pages_for(port, users)
        started = time.perf_counter()
        results = run(port, users, allowed, args.rounds, args.think, args.seed)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    print()
    report(results, elapsed)


if __name__ == "__main__":
    main()
