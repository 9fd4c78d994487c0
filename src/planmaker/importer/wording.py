"""Turning the document's words into the campaign's variables.

The issuing jurisdiction's name, its 我市/全市/市直 words, its subordinates and
its departments become ``j.*`` and ``dept.*``; dates become named dates; the
parent document's title and number become ``parent_document.*``.  Everything
else is kept as written (escaped for Jinja), and a blank whose meaning is
unclear is kept and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planmaker.importer.dated_words import dated_spans
from planmaker.importer.dates import RANGE, SINGLE, YEAR_ONLY, DateBook, DateMention, mention
from planmaker.importer.jurisdiction import ROLE_FORMS, Speaker
from planmaker.importer.superior import kept_spans, past_dates

PARENT_DOC = re.compile(r"《(?P<title>[^《》]{4,120})》\s*[（(](?P<number>[^（）《》]{2,40}?号)[）)]")
PARENT_ISSUER = re.compile(r"(?:按照|根据|依据|贯彻落实)(?P<issuer>[^，。,《》]{2,30}?)(?:联合)?(?:印发|下发|制定)?的?《")
_PROTECT = re.compile(r"《[^《》]{1,120}》|〔[^〔〕]{1,8}〕")
_UNCLEAR = re.compile(r"_{2,}|(?<![A-Za-z])X{1,4}(?![A-Za-z])")


@dataclass
class Span:
    start: int
    end: int
    expr: str


@dataclass
class Wording:
    speaker: Speaker
    book: DateBook
    notes: list[tuple[int, str]] = field(default_factory=list)
    parent_document: dict | None = None
    period_found: bool = False
    _patterns: list[tuple[re.Pattern, str]] = field(default_factory=list)

    def __post_init__(self):
        self._patterns = word_patterns(self.speaker)

    def convert(self, text: str, line: int, phase: str | None = None, preamble: bool = False) -> str:
        spans: list[Span] = []
        if preamble and self.parent_document is None:
            self._parent_document(text, spans)
        for start, end, expr in dated_spans(text):
            if not _overlaps(spans, start, end):
                spans.append(Span(start, end, expr))
        protected = [Span(m.start(), m.end(), "") for m in _PROTECT.finditer(text)]
        self._dates(text, line, spans, protected + [Span(a, b, "") for a, b in past_dates(text, self.book.year)],
                    phase)
        # the jurisdiction's words are replaced inside 《》 too: a form's title names its own area
        numbers = [s for s in protected if text[s.start] == "〔"] + self._kept(text, line)
        for pattern, expr in self._patterns:
            for m in pattern.finditer(text):
                _add(spans, numbers, Span(m.start(), m.end(), expr), text)
        return self._assemble(text, sorted(spans, key=lambda s: s.start), line)

    # ------------------------------------------------------------------ parts

    def _kept(self, text: str, line: int) -> list[Span]:
        """Stretches whose level words are not the issuer's to give away (superior.py); each one
        that holds such a word is listed for the clerk."""
        kept = []
        for start, end, why in kept_spans(text, self.book.year):
            piece = text[start:end]
            if why != "中央" and any(pattern.search(piece) for pattern, _ in self._patterns):
                self.notes.append((line, f"请核对：“{piece[:30]}”中的辖区用语按原文保留（{why}）"))
            kept.append(Span(start, end, ""))
        return kept

    def _parent_document(self, text: str, spans: list[Span]) -> None:
        m = PARENT_DOC.search(text)
        if not m:
            return
        self.parent_document = {"title": m.group("title"), "number": m.group("number").strip()}
        # expressions, not {% if %} blocks: the environment's trim_blocks would eat a line break after a block
        spans.append(Span(m.start(), m.end(), "{{ ('《' ~ parent_document.title ~ '》' ~ ('（' ~ parent_document.number"
                          " ~ '）' if parent_document.number else '')) if parent_document else '' }}"))
        issuer = PARENT_ISSUER.search(text[:m.start() + 1])
        if issuer and issuer.end() >= m.start():
            self.parent_document["issuer"] = issuer.group("issuer")
            spans.append(Span(issuer.start("issuer"), issuer.end("issuer"),
                              "{{ (parent_document.issuer or '') if parent_document else '' }}"))

    def _dates(self, text: str, line: int, spans, protected, phase) -> None:
        for m in RANGE.finditer(text):
            if _overlaps(protected, m.start(), m.end()):
                continue
            a, b = mention(m, "a"), mention(m, "b")
            if b.year is None and a.year is None:
                continue
            before = text[max(0, m.start() - 15):m.start()]
            if phase:
                refs = ("phase.start", "phase.end")
                values = (a.value(self.book.year), b.value(self.book.year if not b.year else None))
                if b.year is None and values[0]:
                    values = (values[0], b.value(values[0].year))
                self.book.phases[phase] = {"start": values[0], "end": values[1]}
            elif not self.period_found and re.search(r"时间|自|从|期限|为期|整治期", before):
                self.period_found = True
                va = a.value(self.book.year)
                vb = b.value(va.year if va and not b.year else self.book.year)
                self.book.values["start"], self.book.values["end"] = va, vb
                refs, values = ("period.start", "period.end"), (va, vb)
            else:
                label = _label(text, m.start())
                na, va = self.book.name_for(a, label)
                if b.year is None and va:
                    b_year_book = DateBook(va.year)
                    vb = b.value(b_year_book.year)
                    nb = self._named(b, vb, label)
                else:
                    nb, vb = self.book.name_for(b, label)
                refs, values = (f"dates.{na}", f"dates.{nb}"), (va, vb)
            expr = self.book.range_expression(a, b, m.group("sep"), refs, values)
            _add(spans, protected, Span(m.start(), m.end(), expr), text)
        for m in SINGLE.finditer(text):
            self._single(m, text, line, spans, protected, phase)
        for m in YEAR_ONLY.finditer(text):
            self._year(m, text, line, spans, protected)

    def _named(self, m, value, label):
        if value is None:
            return self.book.name_for(m, label)[0]
        key = (value.iso(), m.filter())
        if key in self.book._by_value:
            return self.book._by_value[key]
        name = f"date{len([n for n in self.book.values if n.startswith('date')]) + 1}"
        self.book.values[name], self.book.labels[name] = value, label
        self.book._by_value[key] = name
        return name

    def _single(self, m, text, line, spans, protected, phase) -> None:
        if _overlaps(spans + protected, m.start(), m.end()):
            return
        a = mention(m, "a")
        tail = m.group("tail") or ""
        if a.year is None and not a.blank and self.book.year is None:
            self.notes.append((line, f"日期“{m.group(0)}”没有年份，方案年度也不明，保留原文"))
            return
        if phase:
            # the first date of a phase is its start (its end when “……前”), a second one its end
            second = phase in self.book.phases
            after = text[m.end():m.end() + 2]
            ref = "phase.end" if second or after.startswith("前") else "phase.start"
            value = a.value(self.book.year)
            slot = self.book.phases.setdefault(phase, {"start": None, "end": None})
            slot[ref.split(".")[1]] = value
            if ref == "phase.start":
                slot["end"] = value
            expr = self.book.expression(a, ref)
        elif not self.period_found and a.year and re.search(r"[自从于]$", text[:m.start()]) \
                and re.match(r"(?:正式)?(?:开始|起)", text[m.end():]):
            # 整治活动自20__年__月开始: the campaign's own start
            self.period_found = True
            self.book.values["start"] = a.value(self.book.year)
            self.book.values.setdefault("end", None)
            expr = self.book.expression(a, "period.start")
        else:
            name, _ = self.book.name_for(a, _label(text, m.start()))
            expr = self.book.expression(a, f"dates.{name}")
        _add(spans, protected, Span(m.start(), m.end(), expr + tail), text)

    def _year(self, m, text, line, spans, protected) -> None:
        if _overlaps(spans + protected, m.start(), m.end()):
            return
        year, tail = m.group("ay"), m.group("tail") or ""
        if year.isdigit() and self.book.year and int(year) == self.book.year:
            _add(spans, protected, Span(m.start(), m.end(), "{{ year }}年" + tail), text)
        elif not year.isdigit():
            name, _ = self.book.name_for(DateMention(year, None, None), _label(text, m.start()))
            _add(spans, protected, Span(m.start(), m.end(), "{{ dates." + name + " | year }}" + tail), text)
        else:
            self.notes.append((line, f"年份“{year}年”与方案年度不同，保留原文"))

    def _assemble(self, text: str, spans: list[Span], line: int) -> str:
        out, pos = [], 0
        for span in spans:
            out.append(self._literal(text[pos:span.start], line))
            out.append(span.expr)
            pos = span.end
        out.append(self._literal(text[pos:], line))
        return "".join(out)

    def _literal(self, text: str, line: int) -> str:
        for m in _UNCLEAR.finditer(text):
            context = text[max(0, m.start() - 6):m.end() + 6]
            self.notes.append((line, f"含义不明的空白“{m.group(0)}”（…{context}…），保留原文"))
        return text.replace("{", "\x00").replace("}", "{{ '}' }}").replace("\x00", "{{ '{' }}")


def _label(text: str, start: int) -> str:
    """A named date's label for the calendar and check: the words before it (or after, at the start)."""
    before = _undated(re.sub(r"\s+", "", text[max(0, start - 14):start])).lstrip("，。；：、,及和")
    if len(before) >= 5:
        return before
    after = _undated(re.sub(r"^[\d_X年月日号底末初至—\-一]+", "", text[start:start + 30]))
    return after[:14] or "日期"


def _undated(label: str) -> str:
    """A label free of dates: the campaign may hold none (check refuses 2021年10月 in it)."""
    return re.sub(r"[\d_X]+\s*[年月日号]", "", label)


def _overlaps(spans, start, end) -> bool:
    return any(s.start < end and start < s.end for s in spans)


def _add(spans: list[Span], protected: list[Span], span: Span, text: str) -> None:
    if not _overlaps(spans, span.start, span.end) and not _overlaps(protected, span.start, span.end):
        spans.append(span)


def word_patterns(speaker: Speaker) -> list[tuple[re.Pattern, str]]:
    """(pattern, expression) pairs, the most specific first."""
    found: list[tuple[str, str]] = _parent_departments(speaker)
    prefix = speaker.prefix
    if prefix == "院":
        # a hospital's offices (党办、医务科) by their names: they vary from hospital to hospital
        for role, (full, short) in speaker.departments.items():
            found.append((re.escape(full), "{{ dept." + role + ".full }}"))
            if short != full:
                found.append((re.escape(short), "{{ dept." + role + ".short }}"))
    departments = {} if prefix == "院" else speaker.departments
    for role, (full, short) in departments.items():
        full_expr, short_expr = "{{ dept." + role + ".full }}", "{{ dept." + role + ".short }}"
        found.append((re.escape(full), full_expr))
        variants = {short} | {prefix + form for form in ROLE_FORMS.get(role, [])}
        # a blank for the name (__县卫生健康委) stands for the full name
        found.append(("(?:_{2,}|X{1,2})" + re.escape(prefix) + "(?:" + "|".join(
            re.escape(v[len(prefix):]) for v in sorted(variants, key=len, reverse=True) if v.startswith(prefix))
            + ")", full_expr))
        for variant in sorted(variants, key=len, reverse=True):
            found.append((_free(prefix, speaker) + re.escape(variant), short_expr))
    if speaker.name and not speaker.name.startswith("__") and speaker.name != speaker.whole:   # 全国 is whole
        found.append((re.escape(speaker.name), "{{ j.name }}"))
        if len(speaker.short_name) >= 2 and speaker.short_name != speaker.name:
            found.append((re.escape(speaker.short_name) + f"(?!{re.escape(prefix)})", "{{ j.short_name }}"))
    elif speaker.name.startswith("__"):
        found.append((re.escape(speaker.name), "{{ j.name }}"))
    for word, expr in ((speaker.self_, "{{ j.self }}"), (speaker.whole, "{{ j.whole }}"),
                       (speaker.directly_under, "{{ j.directly_under }}")):
        guard = "(?<!自治)" if prefix == "区" else ""
        found.append((guard + re.escape(word) + "(?![场面长])", expr))
    for role, printed in speaker.sub_departments.items():
        # the subordinates' departments (各县（区）卫生健康局) where the issuer's own plan prints them so:
        # built elsewhere, the units below that place
        if role in ("health", "insurance", "market") and prefix != "院" and printed.endswith(tuple(ROLE_FORMS[role])):
            found.append((re.escape(printed), "{{ sub_dept." + role + " }}"))
    for form in sorted(speaker.subordinates, key=len, reverse=True):
        found.append((re.escape(form), "{{ j.subordinates }}"))
    if speaker.grade and prefix != "院":
        # 市级医疗机构: the issuer's own grade, not another's (各市级, 省市级)
        found.append((r"(?<![各省市县区州盟旗])" + re.escape(speaker.grade) + "(?!以上|以下|及以上|及以下)", "{{ j.grade }}"))
    if prefix != "院":
        found.append((_free(prefix, speaker) + re.escape(speaker.committee) + "(?![员会])", "{{ j.committee }}"))
        found.append((_free(prefix, speaker) + re.escape(prefix) + "政府", "{{ j.prefix }}政府"))
        if speaker.tiers:
            found.append((re.escape(speaker.tiers), "{{ j.tiers }}"))
    return [(re.compile(p), e) for p, e in found]


def _parent_departments(speaker: Speaker) -> list[tuple[str, str]]:
    """The level above's departments (报送雅安市卫生健康委员会 in a county's plan): the parent's,
    wherever the plan is built; “上级卫生健康行政部门” where there is no parent or it has none."""
    found: list[tuple[str, str]] = []
    if speaker.parent is None:
        return found
    for role, department in speaker.parent.departments.items():
        label = speaker.role_labels.get(role, "部门")
        for written, form in sorted(((department.full, "full"), (department.short, "short")), key=lambda x: -len(x[0])):
            found.append((re.escape(written),
                          "{{ parent.departments." + role + "." + form + " if parent and parent.departments.get('"
                          + role + "') else '上级" + label + "' }}"))
    return found


def _free(prefix: str, speaker: Speaker) -> str:
    """Only where the prefix starts a name of its own: not 宜春市 (another place the text names)
    read as 市, nor 自治区 as 区."""
    guards = ["(?<!自治)"] if prefix == "区" else []
    guards += [f"(?<!{re.escape(stem)})" for stem in speaker.other_places]
    return "".join(guards)
