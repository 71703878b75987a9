"""The REST API, ``/api/v1``: the same services, permissions and Thai error shape as the pages.

One :data:`api` (spectree, pydantic models) documents every route; the OpenAPI 3.1 document is
generated from the code and served at ``/api/v1/openapi.json``. Each area keeps its routes in
``web/<area>/api.py`` on its own blueprint under ``/api/v1`` and writes a route like this::

    @bp.get("/items")
    @requires("item.search")                      # who may (401 / 403 as JSON)
    @api.validate(query=ItemQuery, resp=responses(ItemPage), tags=["bank"])
    def search_items(query: ItemQuery):           # validated models arrive as arguments
        \"\"\"ค้นหาข้อสอบ (the first line is the summary in the document)\"\"\"
        ...
        return ItemPage(...)                       # a pydantic model; spectree checks it

Machine clients authenticate with ``Authorization: Bearer khl_…`` (``khlang users token``); a
signed-in browser may call the API with its cookie and the CSRF token. Lists are paged
(:class:`PageQuery`, :class:`PageOut`). A refused request gets :class:`ApiError`: ``error`` is the
message in the user's language (Thai by default), ``errors`` says what is wrong and where.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from flask import Blueprint, Flask, abort, jsonify, make_response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

__all__ = ["ApiError", "PageOut", "PageQuery", "Text", "Code", "api", "responses", "page_of", "bp"]

#: A line of text from a client: no control characters (a NUL breaks PostgreSQL), bounded.
Text = Annotated[str, StringConstraints(max_length=500, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]
#: A code (item, form, school, administration): letters, digits, Thai, and . _ - / space.
Code = Annotated[str, StringConstraints(min_length=1, max_length=120,
                                        pattern=r"^[0-9A-Za-z\u0E00-\u0E7F._\-/ ]+$")]


class ApiProblem(BaseModel):
    """One thing wrong with a request: what, and where (a field, or a file's row and column)."""

    model_config = ConfigDict(extra="allow")
    code: str
    message: str
    kind: str | None = None
    loc: list[str | int] | None = None
    where: dict[str, Any] | None = None


class ApiError(BaseModel):
    """Every refusal: ``error`` in the user's language, ``errors`` one per problem, a request id to quote."""

    ok: bool = False
    status: int
    code: str
    error: str
    errors: list[ApiProblem] | None = None
    request_id: str


class PageQuery(BaseModel):
    """Paging of every list: ``page`` from 1, ``per_page`` up to 200."""

    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=200)

    def window(self, rows):
        """The rows of this page of `rows` (a list already in order)."""
        start = (self.page - 1) * self.per_page
        return rows[start:start + self.per_page]


class PageOut(BaseModel):
    """The paging part of every list response; subclasses add ``items: list[...]``."""

    total: int
    page: int
    per_page: int
    n_pages: int


def finite(value: Any) -> float | None:
    """A number for JSON, which has no NaN: missing, unreadable or non-finite is null."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def page_of(total: int, query: PageQuery) -> dict[str, int]:
    """The paging fields for a list of ``total`` rows (use with ``**``), and nothing else to compute."""
    return {"total": total, "page": query.page, "per_page": query.per_page,
            "n_pages": max(1, -(-total // query.per_page))}


#: The refusals every route may give; a route adds its own success model(s).
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422)


def responses(ok: type[BaseModel] | None = None, *, status: int = 200, binary: bool = False,
              **more: type[BaseModel] | None) -> Response:
    """The documented responses of a route: ``ok`` on ``status`` and :class:`ApiError` on every refusal.

    ``binary=True`` documents a file download (no JSON body on success)."""
    codes: dict[str, Any] = {f"HTTP_{s}": ApiError for s in ERROR_STATUSES}
    codes[f"HTTP_{status}"] = None if binary else ok
    codes.update(more)
    return Response(**codes)


_TH = {
    "missing": "ต้องระบุ",
    "int_parsing": "ต้องเป็นจำนวนเต็ม",
    "int_type": "ต้องเป็นจำนวนเต็ม",
    "int_from_float": "ต้องเป็นจำนวนเต็ม",
    "float_parsing": "ต้องเป็นตัวเลข",
    "float_type": "ต้องเป็นตัวเลข",
    "bool_parsing": "ต้องเป็น true หรือ false",
    "bool_type": "ต้องเป็น true หรือ false",
    "string_type": "ต้องเป็นข้อความ",
    "string_too_short": "สั้นเกินไป",
    "string_too_long": "ยาวเกินไป",
    "string_pattern_mismatch": "มีอักขระที่ใช้ไม่ได้",
    "greater_than_equal": "น้อยเกินไป",
    "greater_than": "น้อยเกินไป",
    "less_than_equal": "มากเกินไป",
    "less_than": "มากเกินไป",
    "literal_error": "ไม่ใช่ค่าที่ใช้ได้",
    "enum": "ไม่ใช่ค่าที่ใช้ได้",
    "list_type": "ต้องเป็นรายการ",
    "dict_type": "ต้องเป็นออบเจ็กต์ JSON",
    "model_type": "ต้องเป็นออบเจ็กต์ JSON",
    "model_attributes_type": "ต้องเป็นออบเจ็กต์ JSON",
    "json_invalid": "ไม่ใช่ JSON ที่ถูกต้อง",
    "datetime_parsing": "ต้องเป็นวันเวลาแบบ ISO 8601 เช่น 2026-12-07T09:00:00+07:00",
    "datetime_from_date_parsing": "ต้องเป็นวันเวลาแบบ ISO 8601 เช่น 2026-12-07T09:00:00+07:00",
    "date_parsing": "ต้องเป็นวันที่แบบ ISO 8601 เช่น 2026-12-07",
    "date_from_datetime_parsing": "ต้องเป็นวันที่แบบ ISO 8601 เช่น 2026-12-07",
    "extra_forbidden": "ไม่รู้จักช่องนี้",
    "too_long": "มีจำนวนเกินกำหนด",
    "too_short": "มีจำนวนน้อยกว่ากำหนด",
}


def _problem(e: dict[str, Any], locale: str) -> ApiProblem:
    loc = [p for p in e.get("loc", ()) if p != "__root__"]
    where = ".".join(str(p) for p in loc) or "(คำขอ)"
    if locale.startswith("en"):
        message = f"{where}: {e.get('msg', 'invalid value')}"
    else:
        message = f"{where}: {_TH.get(str(e.get('type')), 'ค่าไม่ถูกต้อง')}"
        ctx = e.get("ctx") or {}
        limit = next((ctx[k] for k in ("ge", "gt", "le", "lt", "max_length", "min_length") if k in ctx), None)
        if limit is not None:
            message += f" ({limit})"
        if "expected" in ctx:
            message += f" ใช้ได้: {ctx['expected']}"
    return ApiProblem(code=f"request.{e.get('type', 'invalid')}", kind="invalid", message=message,
                      loc=[p if isinstance(p, int) else str(p) for p in loc])


def _locale() -> str:
    try:
        from flask_babel import get_locale

        return str(get_locale() or "th")
    except Exception:  # outside a request
        return "th"


def _before(req, resp, req_validation_error, instance, model_adapter) -> None:
    """A request that fails validation gets the Thai error shape (422), not spectree's own list."""
    if req_validation_error is None:
        return
    from web.errors import request_id

    locale = _locale()
    found = (req_validation_error.errors(include_url=False) if hasattr(req_validation_error, "errors")
             else model_adapter.validation_errors(req_validation_error))
    problems = [_problem(e, locale) for e in found]
    body = ApiError(status=422, code="request.invalid", request_id=request_id(), errors=problems,
                    error="; ".join(p.message for p in problems) or "คำขอไม่ถูกต้อง")
    abort(make_response(jsonify(body.model_dump(exclude_none=True)), 422))


def _model_name(model: Any) -> str:
    """A model's component name: its class name."""
    return getattr(model, "__name__", None) or repr(model)


REQUEST_PARTS = ("query", "json", "form", "headers", "cookies")


def _one_model(func: Any) -> Any:
    """``form: X | None = None`` (a part a client may leave out) is documented and validated as ``X``:
    spectree takes one model class per request part, not a union."""
    import types
    import typing

    wanted = {k: v for k, v in getattr(func, "__annotations__", {}).items() if k in REQUEST_PARTS}
    if not wanted:
        return func
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception:  # an unresolvable annotation: spectree will say so itself
        return func
    for name in wanted:
        hint = hints.get(name)
        if typing.get_origin(hint) in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(hint) if a is not type(None)]
            if len(models) == 1:
                func.__annotations__[name] = models[0]
    return func


class _SpecTree(SpecTree):
    def validate(self, *args: Any, **kwargs: Any):
        decorate = super().validate(*args, **kwargs)
        return lambda func: decorate(_one_model(func))


def _after(req, resp, resp_validation_error, instance, model_adapter) -> None:
    if resp_validation_error is not None:  # a bug of ours: logged with the request id, never shown
        import logging

        from web.errors import request_id

        logging.getLogger("khlang.web").error("response of %s %s does not match its schema (request %s): %s",
                                              req.method, req.path, request_id(), resp_validation_error)


api = _SpecTree(
    "flask",
    title="Khlang (คลัง) API",
    version="1",
    description=("REST API ของคลัง: คลังข้อสอบ ผังการออกข้อสอบ ฉบับข้อสอบ การจัดสอบ การดาวน์โหลด "
                 "การส่งคำตอบ ผลการสอบ สถิติข้อสอบ และงานเบื้องหลัง. Authorization: Bearer khl_… "
                 "(khlang users token). ข้อผิดพลาดทุกกรณีเป็น ApiError."),
    path="api/v1/docs",
    before=_before,
    after=_after,
    validation_error_status=422,
    mode="strict",  # only the routes that declared their models (the API), not the pages
    annotations=True,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer"))],
    security={"bearer": []},
    naming_strategy=lambda model: _model_name(model),
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiIndex(BaseModel):
    name: str
    version: str
    openapi: str


def _spec() -> dict[str, Any]:
    spec = api.spec
    spec.setdefault("servers", [{"url": "/"}])
    return spec


def _public(view):
    from web.auth import public

    return public(view)


@bp.get("/openapi.json")
@_public
def openapi():
    """The OpenAPI 3.1 document of this API (generated from the code)."""
    return jsonify(_spec())


@bp.get("/")
@_public
def index():
    return jsonify(ApiIndex(name="Khlang", version="1", openapi="/api/v1/openapi.json").model_dump())


_NAIVE = re.compile(rb'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?"')


def _aware(value: Any) -> Any:
    if isinstance(value, str):
        return value + "+00:00" if _NAIVE.fullmatch(f'"{value}"'.encode()) else value
    if isinstance(value, list):
        return [_aware(v) for v in value]
    if isinstance(value, dict):
        return {k: _aware(v) for k, v in value.items()}
    return value


def _aware_datetimes(response):
    """Times in API JSON are RFC 3339 with an offset (the OpenAPI ``date-time`` format): the store keeps
    UTC, and SQLite hands it back without its offset, so a naive time gets ``+00:00``."""
    from flask import request

    if (request.path.startswith("/api/v1/") and response.mimetype == "application/json"
            and not response.direct_passthrough and response.content_length is not None
            and response.content_length < 20_000_000):
        data = response.get_data()
        if _NAIVE.search(data):
            import json

            response.set_data(json.dumps(_aware(json.loads(data)), ensure_ascii=False, separators=(",", ":")))
    return response


def init_app(app: Flask) -> None:
    """The OpenAPI document and the index; the areas' API blueprints are registered by the factory."""
    app.register_blueprint(bp)
    app.after_request(_aware_datetimes)
