"""Curriculum codes as an importer checks them: grammar first, then "is it in this edition?".

A thin, cached adapter over :mod:`itembank.curriculum` (the value objects ``IndicatorCode``,
``TraitIndicatorCode``, ``CompetencyCode`` and the curriculum data): a 10,000-row file uses a few
hundred distinct codes, so each distinct text is parsed and looked up once.
"""

from __future__ import annotations

from functools import lru_cache

from itembank.curriculum import codes as curriculum_codes
from itembank.curriculum.errors import CurriculumError
from itembank.errors import ItemBankError
from itembank.schemas import DEFAULT_CURRICULUM_EDITION

__all__ = ["CodeBook"]


def _curriculum_module():
    import itembank.curriculum as cur

    return cur


def _edition_key(edition: str) -> str | None:
    """The curriculum package's key for `edition`; the store's default name maps to its default."""
    cur = _curriculum_module()
    editions = getattr(cur, "editions", None)
    if editions is None:
        from itembank.curriculum import editions
    try:
        return editions.edition(edition).key
    except CurriculumError:
        if edition == DEFAULT_CURRICULUM_EDITION:
            return editions.DEFAULT_EDITION
        return None


class CodeBook:
    """Parse and check curriculum codes for one import; every answer is cached."""

    def __init__(self) -> None:
        self._edition = lru_cache(maxsize=None)(_edition_key)
        self._indicator = lru_cache(maxsize=None)(self._indicator_uncached)
        self._trait = lru_cache(maxsize=None)(self._trait_uncached)
        self._competency = lru_cache(maxsize=None)(self._competency_uncached)
        self._books: dict[str, object] = {}

    def has_edition(self, edition: str) -> bool:
        return self._edition(edition) is not None

    def _book(self, edition: str):
        key = self._edition(edition)
        if key not in self._books:
            cur = _curriculum_module()
            self._books[key] = cur.load_curriculum(key) if hasattr(cur, "load_curriculum") else None
        return self._books[key]

    def indicator(self, text: str, edition: str) -> str:
        """The normalised indicator code (``ค 1.1 ป.6/2``); ItemBankError in Thai when malformed or unknown."""
        result = self._indicator(text, edition)
        if isinstance(result, ItemBankError):
            raise result
        return result

    def trait(self, text: str, edition: str) -> str:
        result = self._trait(text, edition)
        if isinstance(result, ItemBankError):
            raise result
        return result

    def competency(self, text: str) -> str:
        result = self._competency(text)
        if isinstance(result, ItemBankError):
            raise result
        return result

    def _indicator_uncached(self, text: str, edition: str) -> str | ItemBankError:
        try:
            code = curriculum_codes.IndicatorCode.parse(text)
        except ItemBankError as e:
            return e
        book = self._book(edition)
        if book is not None and not book.has_indicator(code):
            return ItemBankError(
                "import.indicator_unknown", kind="invalid",
                message_th=f"ไม่พบตัวชี้วัด {code} ในหลักสูตรฉบับ {self._edition(edition)}",
                message_en=f"indicator {code} is not in curriculum edition {self._edition(edition)}",
            )
        return str(code)

    def _trait_uncached(self, text: str, edition: str) -> str | ItemBankError:
        try:
            code = curriculum_codes.TraitIndicatorCode.parse(text)
        except ItemBankError as e:
            return e
        book = self._book(edition)
        has = getattr(book, "has_trait_indicator", None)
        if has is not None and not has(code):
            return ItemBankError(
                "import.trait_unknown", kind="invalid",
                message_th=f"ไม่พบตัวชี้วัดคุณลักษณะอันพึงประสงค์ {code}",
                message_en=f"desired-trait indicator {code} does not exist",
            )
        return str(code)

    def _competency_uncached(self, text: str) -> str | ItemBankError:
        try:
            return str(curriculum_codes.CompetencyCode.parse(text))
        except ItemBankError as e:
            return e
