"""ชุดเอกสารกรรมการคุมสอบ (a proctor's kit) of a school as a PDF, for the district and the school itself.

The service (:func:`scoring.proctor.proctor_pack`) applies the embargo and the school boundary: a
school gets its own kit once the content is released, another school's is the same 404 as a missing one.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, request, send_file

from itembank.errors import KhlangError
from web.auth import acting, audit_download, requires
from web.store_ext import read_session

bp = Blueprint("proctor", __name__, url_prefix="/administrations")


@bp.get("/<code>/schools/<school>/proctor-pack.pdf")
@requires("administration.download")
def pack(code: str, school: str):
    """The kit as one PDF (``?digits=arabic`` for Arabic digits)."""
    from exports.render import render
    from scoring.proctor import proctor_pack

    with read_session() as s:
        try:
            kit = proctor_pack(s, acting(), code, school, district=current_app.config["DISTRICT_NAME"])
        except KhlangError as e:
            if e.kind in ("not_found", "forbidden"):  # another school's or a missing one: the same 404
                abort(404)
            raise
    pdf = render(kit, "pdf", thai_digits=request.args.get("digits") != "arabic")
    audit_download("proctor_pack", code, school=school)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"proctor-{code}-{school}.pdf")
