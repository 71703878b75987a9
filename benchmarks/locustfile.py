"""Locust users of ``benchmarks/load.py`` (not run on its own): the plan comes from ``KHLANG_LOAD_PLAN``.

The plan (JSON, written by load.py) holds the URLs and bearer tokens prepared in the benchmark's
database. Three users, one per scenario, chosen on the command line:

- ``BrowseUser``: a browse mix (bank search, item view, results pages, downloads) at 1 request/s per
  user (50 users: 50 requests/s), each user's requests at the times of its own Poisson process, so that
  the users do not send together (``poisson_arrivals``; ``KHLANG_LOAD_ARRIVALS=lockstep`` gives the former
  pacing, to compare). With ``KHLANG_LOAD_ARRIVALS_FILE`` each request's start time is written there.
- ``BookletUser``: each school downloads its pre-rendered booklet once; the users share one queue of
  schools and pace themselves so the whole district downloads within the scenario's time.
- ``UploadUser``: a district morning of answer uploads; a few users share one queue of files; each file
  is checked then confirmed (the portal's two steps) or sent to the API's upload route.
When a queue is empty the run stops by itself.

Browsing and downloads use Locust's FastHttpUser (geventhttpclient): its client costs a fraction of the
CPU of HttpUser (python-requests), which matters when Locust shares the server's two cores; with
HttpUser the client's own queueing showed as server latency (p50 120 ms for pages served in 2–36 ms).
Uploads keep HttpUser, whose client sends multipart files.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from itertools import count

import gevent
from locust import FastHttpUser, HttpUser, constant, constant_throughput, events, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["KHLANG_LOAD_PLAN"], encoding="utf-8").read()) if os.environ.get(
    "KHLANG_LOAD_PLAN") else {}
_next_booklet = count()
_next_upload = count()
_stopped = count()


def _quit_when_done(user, total: int, taken: int) -> bool:
    """The queue is empty: this user stops; the last one to notice stops the run (from its own greenlet)."""
    if taken < total:
        return False
    runner, options = user.environment.runner, user.environment.parsed_options
    started = options.num_users if options is not None else 1
    if next(_stopped) + 1 >= started and runner is not None:  # every user has finished its last request
        gevent.spawn_later(0.1, runner.quit)
    raise StopUser()


def poisson_arrivals(per_second: float):
    """Each user starts its requests at the times of its own Poisson process (exponential gaps of mean
    1/per_second, counted from its schedule, not from its last response): the users' arrivals together are a
    Poisson stream at users x per_second, as many people browsing independently are.

    ``constant_throughput`` is not that here: Locust starts ``-r`` users per dispatch step, so ``-u 50 -r 50``
    creates all 50 at the same instant, and constant pacing keeps each user on the phase it was created with
    (it counts from the user's creation, so a random sleep in ``on_start`` is paced away): the 50 users then
    send 50 requests together once a second, a burst the two cores work through in ~300 ms, instead of 50
    requests/s. Reported in issue 12 (quiet machine): Locust p50 84 / p95 400 ms while gunicorn's own time
    (%M) was p50 10 / p95 24 ms; side by side at 10 users on a loaded machine, the requests started 10 to
    the 100 ms (variance/mean of the count per 100 ms 6.3, Poisson 1), the listen queue held up to 9
    connections and p50 was 470-760 ms, against 170-220 ms with these arrivals."""

    def wait_time(user) -> float:
        now = time.perf_counter()
        user._next_arrival = max(getattr(user, "_next_arrival", now), now - 1.0) + random.expovariate(per_second)
        return max(0.0, user._next_arrival - now)

    return wait_time


class BrowseUser(FastHttpUser):
    """One person browsing: officers search and open items, schools open results and download."""

    per_user = float(PLAN.get("browse_per_user", 1.0))
    lockstep = os.environ.get("KHLANG_LOAD_ARRIVALS") == "lockstep"  # the former pacing (load.py --arrivals)
    wait_time = constant_throughput(per_user) if lockstep else poisson_arrivals(per_user)

    def on_start(self) -> None:
        if not self.lockstep:  # the first request at a random time of the user's own schedule too
            self._next_arrival = time.perf_counter() + random.expovariate(self.per_user)
            gevent.sleep(self._next_arrival - time.perf_counter())

    @task
    def browse(self) -> None:
        step = random.choice(PLAN["browse"])
        with self.client.get(step["url"], headers={"Authorization": f"Bearer {step['token']}"},
                             name=step["name"], catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


@events.request.add_listener
def _arrival(request_type, name, response_time, start_time=None, **_kw) -> None:
    """The start time of each browse request (load.py reports how evenly they arrived)."""
    if _ARRIVALS is not None and start_time is not None:
        _ARRIVALS.write(f"{start_time:.4f} {response_time:.1f}\n")


_ARRIVALS = (open(os.environ["KHLANG_LOAD_ARRIVALS_FILE"], "a", encoding="utf-8", buffering=1)
             if os.environ.get("KHLANG_LOAD_ARRIVALS_FILE") else None)


class BookletUser(FastHttpUser):
    """A school on release morning: its booklet, once."""

    wait_time = constant_throughput(float(PLAN.get("booklet_per_user", 1.0)))

    @task
    def booklet(self) -> None:
        schools = PLAN["booklets"]
        k = next(_next_booklet)
        _quit_when_done(self, len(schools), k)
        step = schools[k]
        with self.client.get(step["url"], headers={"Authorization": f"Bearer {step['token']}"},
                             name="booklet (pre-rendered PDF)", catch_response=True) as r:
            if r.status_code != 200 or not r.content.startswith(b"%PDF"):
                r.failure(f"HTTP {r.status_code} {r.headers.get('Content-Type')}")
            elif step.get("sha256") and _sha256(r.content) != step["sha256"]:
                r.failure("not the pre-rendered file")


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


class UploadUser(HttpUser):
    """A school office sending its answer file (checked, then confirmed)."""

    wait_time = constant(0)

    @task
    def upload(self) -> None:
        files = PLAN["uploads"]
        k = next(_next_upload)
        _quit_when_done(self, len(files), k)
        step = files[k]
        headers = {"Authorization": f"Bearer {step['token']}"}
        with open(step["file"], "rb") as f:
            data = f.read()
        name = os.path.basename(step["file"])
        if PLAN.get("upload_mode") == "api":
            self._api(step, headers, name, data)
        else:
            self._portal(step, headers, name, data)
        if PLAN.get("done_file"):  # when the last file was through (the run itself may linger)
            with open(PLAN["done_file"], "a", encoding="utf-8") as f:
                f.write(f"{time.time()}\n")

    def _portal(self, step, headers, name, data) -> None:
        with self.client.post(step["check_url"], headers=headers, files={"file": (name, data, "text/csv")},
                              name="upload: check (portal)", catch_response=True) as r:
            m = re.search(r'action="([^"]*/answers/[^"]+)"', r.text or "")
            if r.status_code != 200 or m is None:
                r.failure(f"HTTP {r.status_code}: no confirmation form")
                return
        with self.client.post(m.group(1), headers=headers, data={"action": "confirm"}, allow_redirects=False,
                              name="upload: confirm (portal)", catch_response=True) as r:
            if r.status_code not in (302, 303):
                r.failure(f"HTTP {r.status_code}")

    def _api(self, step, headers, name, data) -> None:
        with self.client.post(step["url"], headers=headers, files={"file": (name, data, "text/csv")},
                              name="upload (API)", catch_response=True) as r:
            if r.status_code not in (200, 201, 202):
                r.failure(f"HTTP {r.status_code}: {(r.text or '')[:200]}")
                return
            body = r.json() if r.headers.get("Content-Type", "").startswith("application/json") else {}
        job = body.get("job_id") or (body.get("job") if isinstance(body.get("job"), str) else None)
        if job:  # queued: follow the job to its end, as a client would
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                r = self.client.get(f"/api/v1/jobs/{job}", headers=headers, name="upload: job status (API)")
                state = r.json() if r.status_code == 200 else {}
                if state.get("finished"):
                    if state.get("status") != "done":
                        events.request.fire(request_type="JOB", name="upload job", response_time=0,
                                            response_length=0, exception=RuntimeError(state.get("message")),
                                            context={})
                    return
                time.sleep(0.5)
