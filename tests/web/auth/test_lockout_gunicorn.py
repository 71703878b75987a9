"""The lockout holds across real gunicorn workers (security note §2): failures are counted in the
database, not in a worker's memory."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from signin import PASSWORD, make_account

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post_login(base: str, username: str, password: str) -> tuple[int, str]:
    """A fresh browser: fetch /login (cookie and token), post the form; status and body."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=30) as r:
        page = r.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    try:
        with opener.open(urllib.request.Request(f"{base}/login", data=data), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.skipif(shutil.which("gunicorn") is None and not (ROOT / ".venv/bin/gunicorn").exists(),
                    reason="gunicorn is not installed")
def test_ten_failures_spread_over_workers_lock_the_account(app, db_url, tmp_path):
    user = make_account(app, "officer")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "KHLANG_INSTANCE": str(tmp_path / "instance"),
           "KHLANG_SECRET_KEY": "x" * 40, "KHLANG_LOGIN_FAILURE_DELAY": "0", "KHLANG_MIGRATE_ON_START": "false"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen([gunicorn, "-w", "3", "-b", f"127.0.0.1:{port}", "web:create_app()"],  # noqa: S603
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(10):
            status, body = _post_login(base, user.username, "ผิดผิดผิดผิดผิด")   # each a new connection
            assert status == 401 and "ไม่ถูกต้อง" in body
        status, body = _post_login(base, user.username, PASSWORD)
        assert status == 401 and "15 นาที" in body
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stderr.close()
