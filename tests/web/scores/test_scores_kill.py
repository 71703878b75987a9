"""Killing `khlang scores import` (kill -9) at several points leaves the whole upload or nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scoring_world import SCHOOLS, SYSTEM, answers_csv, make_world
from sqlalchemy import func, select

from scoring.models import AnswerUpload, ResponseSet, ResultSummary
from scoring.rosters import import_roster

pytestmark = pytest.mark.slow
S1 = SCHOOLS[0]
N = 2500
KHLANG = str(Path(sys.executable).with_name("khlang"))


def _consistent(session) -> int:
    session.rollback()
    n = session.scalar(select(func.count()).select_from(ResponseSet)) or 0
    current = session.execute(select(AnswerUpload.n_students).where(AnswerUpload.is_current)).all()
    district = session.scalar(select(ResultSummary.data).where(ResultSummary.scope == "district"))
    session.rollback()  # the test's session must not hold the database while the next import runs
    assert len(current) <= 1
    assert n == (current[0][0] if current else 0), (n, current)
    assert district["n"] == n
    return n


def test_kill_9_at_any_point_leaves_all_or_nothing(db_url, session, tmp_path):
    make_world(session)
    roster = tmp_path / "big.csv"
    roster.write_text("ชั้น,ห้อง,เลขที่,เลขประจำตัว,เพศ\n" + "".join(
        f"ป.6,{k % 10},{k // 10},{k:06d},{'ชาย' if k % 2 else 'หญิง'}\n" for k in range(N)), encoding="utf-8")
    import_roster(session, SYSTEM, S1, roster, 2568)
    session.commit()
    seen = set()
    for k, delay in enumerate((0.5, 1.0, 1.5, 2.0, 2.5, 3.0, None)):
        cells = [("กขคง"[k % 4])] * 7 + ["1"]
        path = answers_csv(tmp_path, [(f"{i:06d}", "AB"[i % 2], cells) for i in range(N - k)], name=f"a{k}.csv")
        env = {**os.environ, "DATABASE_URL": db_url}
        proc = subprocess.Popen([KHLANG, "--instance", str(tmp_path / "instance"), "scores", "import", "ADM-1",
                                 str(path), "--school", S1], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        if delay is None:  # the last one runs to the end
            out = proc.communicate()[0].decode()
            assert proc.returncode == 0, out
        else:
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.communicate()
        seen.add(_consistent(session))
    assert seen & {N - k for k in range(7)}, seen  # at least one import got through whole
