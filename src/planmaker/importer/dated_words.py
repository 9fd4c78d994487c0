"""The words of a received plan that belong to its date, turned into ``wording.*``.

A plan written in 2021 implements 党的十九大和十九届二中、三中、四中、五中全会精神 and cites
《中华人民共和国执业医师法》; imported as a campaign, these become ``{{ wording.congress }}`` and
``{{ wording.law('医师法') }}``, so that the campaign built for another year says what that year
says. Laws and names still in force are kept as written.
"""

from __future__ import annotations

import functools
import re

from planmaker.inputs import dated

_NUMBERS = "一二三四五六七八九"


@functools.cache
def _patterns() -> list[tuple[re.Pattern, object]]:
    data = dated.load_dated()
    names = "|".join(map(re.escape, [c.name for c in data.congresses] + ["__大"]))
    terms = "|".join(map(re.escape, [c.term for c in data.congresses] + ["__届"]))
    congress = re.compile(f"党的(?:{names.replace('__大', '_+大')})"
                          f"(?:和(?:{terms.replace('__届', '_+届')})(?:历次全会|(?:[{_NUMBERS}_]+中?[、，和及与]?)+全会))?")
    found: list[tuple[re.Pattern, object]] = [(congress, "{{ wording.congress }}")]
    for e in data.education:
        forms = sorted({e.name, *([e.quoted] if e.quoted else [])}, key=len, reverse=True)
        found.append((re.compile("|".join(map(re.escape, forms))), "{{ wording.education }}"))
    for law in data.laws:
        if law.repealed is None and not law.successor:
            continue  # in force and not replaced: right as written
        newest = dated._chain(data.laws, law.key)[-1].key
        for form, short in ((law.title, False), (law.short, True)):
            found.append((re.compile("《" + re.escape(form) + "》"),
                          f"{{{{ wording.law('{newest}'{', short=True' if short else ''}) }}}}"))
    for body in data.bodies:
        if body.until is None:
            continue
        newest = dated._chain(data.bodies, body.key)[-1].key
        for form in dict.fromkeys((body.name, body.short, *body.aliases)):
            full = form == body.name and body.name != body.short
            found.append((re.compile(re.escape(form)),
                          f"{{{{ wording.body('{newest}'{', short=False' if full else ''}) }}}}"))
    # the longest written form first, so that 国家卫生计生委 is not read as 卫生计生委
    return sorted(found, key=lambda pair: -len(pair[0].pattern))


def dated_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, expression) of each dated phrase in ``text``, none overlapping."""
    spans: list[tuple[int, int, str]] = []
    for pattern, expr in _patterns():
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), str(expr)))
    return sorted(spans)
