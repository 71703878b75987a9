"""ข้อสอบซ้ำ (duplicate items): exact copies, near copies and number variants among items.

One detector for the whole loop: the import's dry run warns of them, the review page shows them, the
item editor asks before saving one, and the assembler treats every pair as enemies (no form holds two).

An item is compared as its stem, its keyed options and its other options together (each group in
sorted order, so a shuffled copy is still a copy), after :func:`normalise`: markup dropped, NFC, Thai digits read as Arabic, thousands
separators dropped, Latin letters lower-cased, whitespace collapsed. Thai has no spaces between words,
so the text is cut into words by dictionary (PyThaiNLP's ``newmm``); an item's features are its words
and its pairs of adjacent words, with every number masked as ``#``.

Three kinds of pair, strongest first:

``exact``    the same normalised text, or the same question (stem and keyed options) with other
             distractors: the same question asked twice;
``numbers``  the same text, or the same words and word pairs, once every number is masked: the two
             differ only in their numbers (parallel items: both may stay in the bank, never in one form);
``near``     the masked features' Jaccard similarity is at least the threshold (0.8 by default).

Candidates come from MinHash signatures with banded locality-sensitive hashing (numpy, every item at
once; Broder 1997, Leskovec et al. *Mining of Massive Datasets* ch. 3), then each candidate pair's
similarity is computed exactly on the sparse feature matrix, so no pair above the threshold is
reported by chance and the cost grows with the number of items, not its square.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from itembank.sanitize import plain_text

KINDS = ("exact", "numbers", "near")
KIND_TH = {"exact": "ซ้ำทุกตัวอักษร", "numbers": "ต่างกันเฉพาะตัวเลข", "near": "คล้ายกันมาก"}
KIND_EN = {"exact": "an exact copy", "numbers": "differs only in its numbers", "near": "nearly the same"}
DEFAULT_THRESHOLD = 0.8

_N_HASHES, _BANDS = 64, 16          # 16 bands of 4 rows: a pair with Jaccard 0.6 is a candidate with p ≈ 0.9
_PRIME = (1 << 31) - 1
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_GROUPED = re.compile(r"(?<=\d),(?=\d{3}\b)")
_NUMBER = re.compile(r"\d+(?:[.:]\d+)*")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"^[\s\u200b.,;:!?'\"()\[\]{}<>|@$%^&*+=~`_\-–—…“”‘’¦‖□]*$")


def normalise(text: str) -> str:
    """What two items are compared on: plain text, NFC, Arabic digits, no thousands separators,
    lower case, one space between words."""
    t = unicodedata.normalize("NFC", plain_text(text or "")).translate(_THAI_DIGITS)
    t = _GROUPED.sub("", t).replace("\u200b", "")
    return _SPACE.sub(" ", t).strip().lower()


def mask_numbers(text: str) -> str:
    """`text` (normalised) with every number replaced by ``#``: 12.5 ซม. → # ซม., 3/4 → #/#."""
    return _NUMBER.sub("#", text)


_QUESTION_END = " ‖ "


def _label_text(option: Any) -> tuple[str, str]:
    if isinstance(option, str):
        return "", option
    if isinstance(option, Mapping):
        return str(option.get("label", "")), str(option.get("text", ""))
    return str(getattr(option, "label", "")), str(getattr(option, "text", ""))


def item_text(stem: str, options: Iterable[Any] = (), key: Iterable[str] = ()) -> str:
    """An item's comparable text: the question (normalised stem, then the keyed options' texts), then the
    other options' texts, each group in sorted order. `options` are texts, ``{"label", "text"}`` mappings
    or objects with ``label`` and ``text``; `key` the keyed labels (unknown: every option is compared alike)."""
    keyed = set(key)
    parts = [_label_text(o) for o in options]
    right = sorted(normalise(t) for label, t in parts if label in keyed and t.strip())
    other = sorted(normalise(t) for label, t in parts if label not in keyed and t.strip())
    question = " ¦ ".join([normalise(stem), *right])
    return question + _QUESTION_END + " ¦ ".join(other) if other else question


def _question(text: str) -> str:
    return text.split(_QUESTION_END, 1)[0]


@functools.lru_cache(maxsize=1)
def _tokenizer():
    from pythainlp.tokenize import Tokenizer

    return Tokenizer(engine="newmm", keep_whitespace=False)


@functools.lru_cache(maxsize=131072)
def words(text: str) -> tuple[str, ...]:
    """The words of a normalised (masked) text: Thai by dictionary, the rest at spaces; punctuation dropped."""
    out: list[str] = []
    for chunk in text.split(" "):
        if not chunk:
            continue
        if chunk.isascii():
            pieces = [chunk]
        else:
            pieces = _tokenizer().word_tokenize(chunk)
        out.extend(p for p in pieces if not _PUNCT.match(p))
    return tuple(out)


def features(text: str) -> frozenset[str]:
    """The shingles of a normalised text: its words (numbers masked) and its pairs of adjacent words."""
    w = words(mask_numbers(text))
    return frozenset(w) | frozenset(f"{a} {b}" for a, b in zip(w, w[1:], strict=False))


@dataclass(frozen=True)
class DuplicatePair:
    """Two items (indices into the compared list, ``first < second``) that are clones of each other."""

    first: int
    second: int
    kind: str            # one of KINDS
    similarity: float    # Jaccard of the masked features, 0–1


@dataclass(frozen=True)
class Duplicate:
    """An item in the bank that the one at hand resembles, to show beside it."""

    item_code: str
    number: int
    stem: str
    kind: str
    similarity: float

    @property
    def kind_th(self) -> str:
        return KIND_TH[self.kind]

    @property
    def kind_en(self) -> str:
        return KIND_EN[self.kind]


def _matrix(sets: Sequence[frozenset[str]]) -> sparse.csr_matrix:
    vocab: dict[str, int] = {}
    indices = [vocab.setdefault(f, len(vocab)) for s in sets for f in s]
    indptr = np.cumsum([0, *(len(s) for s in sets)])
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, np.asarray(indices, dtype=np.int64), indptr), shape=(len(sets), len(vocab)))


def _signatures(x: sparse.csr_matrix) -> np.ndarray:
    """MinHash signatures, shape (n_items, _N_HASHES); rows of empty items are all _PRIME."""
    rng = np.random.default_rng(0x6B6C)   # fixed: the same items give the same candidates every run
    a = rng.integers(1, _PRIME, _N_HASHES, dtype=np.int64)
    b = rng.integers(0, _PRIME, _N_HASHES, dtype=np.int64)
    n = x.shape[0]
    sig = np.full((n, _N_HASHES), _PRIME, dtype=np.int64)
    if x.nnz == 0:
        return sig
    hashed = (x.indices[:, None].astype(np.int64) * a + b) % _PRIME            # (nnz, n_hashes)
    nonempty = np.flatnonzero(np.diff(x.indptr))
    sig[nonempty] = np.minimum.reduceat(hashed, x.indptr[nonempty], axis=0)
    return sig


@functools.lru_cache(maxsize=512)
def _triu(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(size, 1)


def _pairs_of_groups(labels: np.ndarray, members: np.ndarray) -> list[np.ndarray]:
    """Every pair of `members` that share a label, as arrays of shape (k, 2)."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    out = []
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        group = members[order[start:start + size]]
        i, j = _triu(size)
        out.append(np.stack([group[i], group[j]], axis=1))
    return out


def _candidates(sig: np.ndarray, nonempty: np.ndarray) -> np.ndarray:
    """Pairs (i < j) that share a whole band of their signatures, shape (n_pairs, 2)."""
    rows = _N_HASHES // _BANDS
    idx = np.flatnonzero(nonempty)
    found: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        for band in range(_BANDS):
            block = sig[idx, band * rows:(band + 1) * rows].astype(np.uint64)
            key = block[:, 0]
            for r in range(1, rows):   # one 64-bit key per band (a rare collision is undone by the exact check)
                key = key * np.uint64(0x9E3779B97F4A7C15) + block[:, r]
            found += _pairs_of_groups(key, idx)
    return _unique_pairs(found, len(nonempty))


def _unique_pairs(found: list[np.ndarray], n: int) -> np.ndarray:
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found).astype(np.int64), axis=1)
    code = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([code // n, code % n], axis=1)


def find_duplicates(texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD,
                    only: Sequence[int] | None = None) -> list[DuplicatePair]:
    """Every clone pair among `texts` (each an :func:`item_text`), strongest kind first.

    With `only`, just the pairs that hold at least one of those indices (new items against a bank).
    """
    n = len(texts)
    if n < 2:
        return []
    masked = [mask_numbers(t) for t in texts]
    questions = [_question(t) for t in texts]
    x = _matrix([features(t) for t in texts])
    sizes = np.asarray(x.sum(axis=1)).ravel()
    pairs = _candidates(_signatures(x), sizes > 0)
    # the same masked text always pairs, even when too short for the similarity to say so
    label: dict[str, int] = {}
    labels = np.array([label.setdefault(m, len(label)) if m.replace("¦", "").replace("‖", "").strip() else -1 - i
                       for i, m in enumerate(masked)], dtype=np.int64)   # an empty text pairs with nothing
    pairs = _unique_pairs([pairs, *_pairs_of_groups(labels, np.arange(n))], n)
    if only is not None:
        keep = np.zeros(n, dtype=bool)
        keep[list(only)] = True
        pairs = pairs[keep[pairs[:, 0]] | keep[pairs[:, 1]]]
    if not len(pairs):
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    inter = np.asarray(x[i].multiply(x[j]).sum(axis=1)).ravel()
    union = sizes[i] + sizes[j] - inter
    sim = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    out = []
    for a, b, s in zip(i.tolist(), j.tolist(), sim.tolist(), strict=True):
        if texts[a] == texts[b] or (questions[a] == questions[b] and " ¦ " in questions[a]):
            kind = "exact"
        elif masked[a] == masked[b] or s >= 1.0:
            kind = "numbers"
        elif s >= threshold:
            kind = "near"
        else:
            continue
        out.append(DuplicatePair(a, b, kind, round(float(s), 3) if kind == "near" else 1.0))
    out.sort(key=lambda p: (KINDS.index(p.kind), -p.similarity, p.first, p.second))
    return out


@dataclass(frozen=True)
class Candidate:
    """An item to look for in the bank: a new row of an import, a version in review, an editor's draft.

    `code` is its item code (the bank's versions of the same item are not its clones); with `options`
    empty, stems alone are compared on both sides (the editor's first look)."""

    code: str | None
    stem: str
    options: Sequence[Any] = ()
    key: Sequence[str] = ()
    learning_area: str | None = None


def duplicates_in_bank(session: Any, actor: Any, candidates: Sequence[Candidate], *,
                       threshold: float = DEFAULT_THRESHOLD, limit: int = 5,
                       max_candidates: int = 50000) -> list[list[Duplicate]]:
    """For each candidate, the latest versions (not retired) of other items of its learning area that are
    its clones, strongest first (at most `limit`); a candidate also resembles an earlier candidate of the
    list (the same file), named by its code with version number 0."""
    from sqlalchemy import select

    from itembank.authz import authorize
    from itembank.models import ItemVersion

    authorize(actor, None, "item.search")
    if not candidates:
        return []
    stems_only = all(not c.options for c in candidates)
    areas = {c.learning_area for c in candidates}
    query = (select(ItemVersion.item_code, ItemVersion.number, ItemVersion.stem, ItemVersion.options,
                    ItemVersion.key, ItemVersion.learning_area)
             .where(ItemVersion.is_latest.is_(True), ItemVersion.status != "retired"))
    if None not in areas:
        query = query.where(ItemVersion.learning_area.in_(sorted(a for a in areas if a)))
    own = {c.code.strip() for c in candidates if c.code}
    if own:
        query = query.where(ItemVersion.item_code.notin_(sorted(own)))
    bank = session.execute(query.order_by(ItemVersion.item_code).limit(max_candidates)).all()
    texts = [item_text(r.stem, () if stems_only else (r.options or ()), r.key or ()) for r in bank]
    texts += [item_text(c.stem, c.options, c.key) for c in candidates]
    n_bank = len(bank)
    found: list[list[Duplicate]] = [[] for _ in candidates]
    for pair in find_duplicates(texts, threshold=threshold, only=range(n_bank, len(texts))):
        mine, other = pair.second - n_bank, pair.first          # first < second: the other is earlier
        if other < n_bank:
            row = bank[other]
            area, dup = row.learning_area, Duplicate(row.item_code, row.number, row.stem, pair.kind, pair.similarity)
        else:
            earlier = candidates[other - n_bank]
            area = earlier.learning_area
            dup = Duplicate(earlier.code or "?", 0, earlier.stem, pair.kind, pair.similarity)
        if candidates[mine].learning_area in (None, area):
            found[mine].append(dup)
    return [d[:limit] for d in found]


def duplicate_groups(n: int, pairs: Iterable[DuplicatePair]) -> np.ndarray:
    """A label per item (0 … n − 1) so that items joined by a chain of pairs share one (connected components)."""
    from scipy.sparse.csgraph import connected_components

    p = [(d.first, d.second) for d in pairs]
    if not p:
        return np.arange(n)
    arr = np.asarray(p)
    graph = sparse.coo_matrix((np.ones(len(arr)), (arr[:, 0], arr[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


__all__ = ["DEFAULT_THRESHOLD", "KINDS", "KIND_EN", "KIND_TH", "Candidate", "Duplicate", "DuplicatePair",
           "duplicate_groups", "duplicates_in_bank", "features", "find_duplicates", "item_text", "mask_numbers",
           "normalise", "words"]
