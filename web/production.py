"""Production refuses to start unsafe: demo mode or demo passwords, debug, a weak secret, TOTP off.

Kept out of ``web/__init__`` so that ``import web`` (every ``khlang`` command) stays light.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from itembank.errors import KhlangError


class UnsafeConfiguration(KhlangError):
    """The server refuses to start: the configuration is not safe for production (a refusal in Thai,
    rendered by the command line like every other)."""

    def __init__(self, message_th: str):
        super().__init__("config.unsafe", kind="invalid", message_th=message_th,
                         message_en="refusing to start in production: " + message_th)


#: Secret keys that are known to the world (the tests', examples'): never in production.
KNOWN_SECRETS = {"test", "dev", "secret", "changeme", "change-me", "khlang"}


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse to start in production with demo mode, debug, a default or short secret, or TOTP off."""
    if not config.get("PRODUCTION"):
        return
    problems = []
    if config.get("DEMO_MODE"):
        problems.append("DEMO_MODE เปิดอยู่ (บัญชีทดลองใช้ในระบบจริงไม่ได้)")
    if config.get("DEBUG") or config.get("TESTING"):
        problems.append("DEBUG/TESTING เปิดอยู่")
    secret = str(config.get("SECRET_KEY") or "")
    if len(secret) < 32 or secret.lower() in KNOWN_SECRETS:
        problems.append("ต้องตั้ง KHLANG_SECRET_KEY เป็นค่าสุ่มยาวอย่างน้อย 32 ตัวอักษร")
    if not config.get("TOTP_REQUIRED"):
        problems.append("TOTP_REQUIRED ต้องเปิด (นักวัดผล นักวิเคราะห์ ผู้ดูแลระบบ ยืนยันตัวตนสองขั้นตอน)")
    if problems:
        raise UnsafeConfiguration("ไม่เริ่มระบบในโหมด production: " + "; ".join(problems))


def refuse_demo_accounts(app: Any) -> None:
    """Production refuses to start while an account still has the public demo password."""
    from itembank.accounts import accounts_with_password
    from web.store_ext import get_store

    try:
        with get_store(app).read_session() as s:
            names = accounts_with_password(s, app.config["DEMO_PASSWORD"])
    except Exception as e:  # no schema yet: `khlang db upgrade` comes first, nothing to refuse
        if type(e).__name__ not in ("OperationalError", "ProgrammingError"):
            raise
        return
    if names:
        raise UnsafeConfiguration("ไม่เริ่มระบบในโหมด production: มีบัญชีที่ใช้รหัสผ่านสาธิต "
                                  f"({', '.join(names[:5])}{' …' if len(names) > 5 else ''}): ปิดหรือตั้งรหัสใหม่ก่อน")


