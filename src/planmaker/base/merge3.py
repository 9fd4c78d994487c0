"""A three-way merge of two edited copies of one sequence (paragraphs, rows, cells), by their text.

``base`` is what was generated last time, ``ours`` the clerk's copy of it, ``theirs`` what is
generated now.  Each copy is aligned with the base by difflib; within a stretch that differs, items
are paired as rewrites of each other (by position when both sides have as many, else by
similarity), so that "one word changed" is an edit of the paragraph, not a deletion and an
insertion.  The result is the clerk's sequence with what the new version changed carried into it,
as a list of :class:`Step` in the order the merged sequence has them.  Nothing here knows a file
format; office/docx_merge.py and office/xlsx_merge.py turn the steps into documents.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

KEEP = "keep"  # the clerk's item, as it is
UPDATE = "update"  # the clerk did not touch it; the new version changed it: take the new text
DROP = "drop"  # the clerk did not touch it; the new version removed it
INSERT = "insert"  # the new version added it here
CONFLICT = "conflict"  # both changed it: the clerk's stays, the new one (if any) goes beside it
GONE = "gone"  # the clerk deleted it and the new version changed it: stays deleted, reported

SIMILAR = 0.3  # below this, two texts are not taken for versions of one paragraph
MAX_PAIRING = 40_000  # cells of the similarity table for one differing stretch


@dataclass(frozen=True)
class Step:
    action: str
    base: int | None = None
    ours: int | None = None
    theirs: int | None = None


def pair(a: Sequence[str], b: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Every item of ``a`` and ``b`` once, in order: (i, j) for one item and its version, (i, None)
    for an item of ``a`` only, (None, j) for one of ``b`` only."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, list(a), list(b), autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(a0, a1), range(b0, b1)))
        elif tag == "replace":
            pairs.extend(_pair_rewrites(a, b, a0, a1, b0, b1))
        elif tag == "delete":
            pairs.extend((i, None) for i in range(a0, a1))
        else:
            pairs.extend((None, j) for j in range(b0, b1))
    return pairs


def _pair_rewrites(a: Sequence[str], b: Sequence[str], a0: int, a1: int, b0: int,
                   b1: int) -> list[tuple[int | None, int | None]]:
    """A stretch where ``a[a0:a1]`` became ``b[b0:b1]``."""
    m, n = a1 - a0, b1 - b0
    if m == n:  # as many on each side: each was rewritten in place
        return list(zip(range(a0, a1), range(b0, b1)))
    if m * n > MAX_PAIRING:
        return [(i, None) for i in range(a0, a1)] + [(None, j) for j in range(b0, b1)]
    # The pairs in order with the greatest total similarity (a longest common subsequence
    # weighted by how alike the two texts are).
    score = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            alike = _similarity(a[a0 + i], b[b0 + j])
            if alike >= SIMILAR:
                best = max(best, alike + score[i + 1][j + 1])
            score[i][j] = best
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < m and j < n:
        alike = _similarity(a[a0 + i], b[b0 + j])
        if alike >= SIMILAR and score[i][j] == alike + score[i + 1][j + 1]:
            pairs.append((a0 + i, b0 + j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            pairs.append((a0 + i, None))
            i += 1
        else:
            pairs.append((None, b0 + j))
            j += 1
    pairs.extend((a0 + k, None) for k in range(i, m))
    pairs.extend((None, b0 + k) for k in range(j, n))
    return pairs


def _similarity(x: str, y: str) -> float:
    if not x or not y:
        return 1.0 if x == y else 0.0
    matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def merge(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[Step]:
    """The merged sequence as steps, in order (see the module's docstring)."""
    base_ours = {i: j for i, j in pair(base, ours) if i is not None and j is not None}
    base_theirs: dict[int, int] = {}
    anchored: dict[int, list[int]] = {}  # base index (-1: the start) → the new items after it
    last = -1
    for i, k in pair(base, theirs):
        if i is None:
            assert k is not None
            anchored.setdefault(last, []).append(k)
        else:
            last = i
            if k is not None:
                base_theirs[i] = k
    ours_base = {j: i for i, j in base_ours.items()}
    steps: list[Step] = []
    done = -2  # the new items after base indices up to this one are placed

    def catch_up(upto: int) -> None:
        """The new items anchored after base items the clerk deleted, up to ``upto``."""
        nonlocal done
        for i in range(done + 1, upto):
            if i >= 0 and i not in base_ours:
                k = base_theirs.get(i)
                if k is not None and theirs[k] != base[i]:
                    steps.append(Step(GONE, i, None, k))
            steps.extend(Step(INSERT, None, None, k) for k in anchored.get(i, ()))
        done = max(done, upto - 1)

    for j in range(len(ours)):
        i = ours_base.get(j)
        if i is None:
            steps.append(Step(KEEP, None, j, None))
            continue
        catch_up(i)
        steps.append(_decide(base, ours, theirs, i, j, base_theirs.get(i)))
        steps.extend(Step(INSERT, None, None, k) for k in anchored.get(i, ()))
        done = i
    catch_up(len(base))
    return steps


def _decide(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str], i: int, j: int,
            k: int | None) -> Step:
    if ours[j] == base[i]:
        if k is None:
            return Step(DROP, i, j, None)
        return Step(KEEP if theirs[k] == base[i] else UPDATE, i, j, k)
    if k is not None and theirs[k] in (base[i], ours[j]):
        return Step(KEEP, i, j, k)
    return Step(CONFLICT, i, j, k)
