"""Statements: who said what, and whether the report quotes it.

A sentence whose quoted span is (nearly) all of what it reports is a ``quotation`` (the
excerpt is the quoted text, without its marks); a few quoted words inside the reporter's own
sentence make a ``partial_quotation`` (the excerpt runs from the speaker to the closing
mark); a speaker with a speech or call verb and no quotation marks is a ``paraphrase`` (the
excerpt runs from the speaker to the end of the sentence), never a quotation. A pronoun or
an anaphor ("ce plan") stands for the last speaker named, and a quotation whose paragraph
names nobody is given to that speaker with a lower confidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policies.intake.extract import dates
from policies.intake.extract.quoted import Quoted, inside, quoted_spans, sentences
from policies.intake.extract.shapes import Document, Lexicon, Proposed
from policies.intake.extract.speakers import (
    ActorMatcher,
    Mention,
    Speaker,
    cites_a_text,
    name_after,
    name_before,
    references,
)
from policies.intake.extract.speech import CUES, Cues

_WORD = re.compile(r"\w")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_STOPS = ".。!！?？"
# Outside the quotation, a quoted sentence may keep this share of the quotation's length
# in its own words ("La Chine devrait « … », a-t-il déclaré").
_QUOTATION_SHARE = 0.3
_AFTER_VERB = 8  # characters between a verb and a speaker named after it (", a dit le …")
_PAD = " \u00a0\u202f"
_LEADS = ":,：，"

# Confidence by how the speaker was found: named beside the verb, a pronoun standing for
# the last one named, or nobody in the paragraph.
_CONFIDENCE = {
    ("quotation", "named"): 0.9,
    ("quotation", "pronoun"): 0.8,
    ("quotation", "last"): 0.6,
    ("partial_quotation", "named"): 0.8,
    ("partial_quotation", "pronoun"): 0.7,
    ("partial_quotation", "last"): 0.5,
    ("paraphrase", "named"): 0.7,
    ("paraphrase", "pronoun"): 0.6,
    ("paraphrase", "last"): 0.4,
}


@dataclass(frozen=True)
class _Found:
    wording: str
    start: int
    end: int
    speaker: Speaker
    how: str  # "named", "pronoun" or "last"
    rule: str


@dataclass(frozen=True)
class _Verb:
    start: int
    end: int
    subject: Mention | None
    speaker: Speaker | None
    how: str


def _substantial(text: str) -> bool:
    """A quotation rather than a scare-quoted term (“十四五”, "dual carbon"), for quoted
    words no speech verb is attached to (``_attached``)."""
    return len(_CJK.findall(text)) >= 6 or len(_LATIN_WORD.findall(text)) >= 3


def _trim_stop(text: str, start: int, end: int, sentence_start: int) -> int:
    """A clause cut from inside a sentence leaves the sentence's stop out; a whole sentence
    keeps it."""
    if start > sentence_start and end > start and text[end - 1] in _STOPS:
        return end - 1
    return end


class _Reader:
    """Reads a document's paragraphs in order, remembering the last speaker named, the
    speaker of the paragraph before, and the date each speaker's words were made public."""

    def __init__(self, document: Document, lexicon: Lexicon) -> None:
        self.document = document
        self.cues: Cues = CUES[document.language]
        self.actors = ActorMatcher(lexicon.actors)
        self.last: Speaker | None = None
        self.previous: Speaker | None = None
        self.named: list[Mention] = []
        self.dated: dict[Speaker, str] = {}
        self.first_date: str | None = None

    def read(self) -> list[Proposed]:
        proposals: list[Proposed] = []
        for number, text in enumerate(self.document.paragraphs, start=1):
            found = self._paragraph(text)
            published = self._publication_dates(text)
            if number == 1 and published:
                self.first_date = published[0][1]
            proposals += [self._proposal(number, text, f, published) for f in found]
            self.previous = found[-1].speaker if found else None
            if self.named:
                self.last = max(self.named, key=lambda m: m.end).speaker
        return proposals

    def _paragraph(self, text: str) -> list[_Found]:
        spans = quoted_spans(text)
        actors = [m for m in self.actors.find(text) if not inside(m.start, spans)]
        refs = [m for m in references(text, self.cues) if not inside(m.start, spans)]
        mentions = sorted(actors + refs, key=lambda m: m.start)
        self.named = list(actors)
        found: list[_Found] = []
        quoted = False
        for begin, end in sentences(text, spans):
            verbs = self._verbs(text, begin, end, mentions, spans)
            quotes = [
                q
                for q in spans
                if begin <= q.open < end
                and (_substantial(q.text(text)) or _attached(text, q, verbs))
            ]
            quoted = quoted or bool(quotes)
            if quotes:
                found += self._quoted(text, begin, end, quotes, verbs, actors)
                continue
            one = self._paraphrase(text, begin, end, verbs) or self._aim(text, begin, end, actors)
            if one is not None:
                found.append(one)
        if not found and not quoted and self.previous is not None:
            found += self._continued(text, spans, self.previous)
        return found

    def _verbs(
        self, text: str, begin: int, end: int, mentions: list[Mention], spans: list[Quoted]
    ) -> list[_Verb]:
        """The speech and call verbs of a sentence outside its quotations, each with its
        subject: an inverted pronoun, the nearest mention before it, or a name after it."""
        found: list[_Verb] = []
        for m in self.cues.verbs.finditer(text, begin, end):
            if inside(m.start(), spans) or cites_a_text(text, m, end, self.cues, mentions):
                continue
            group = "pron" if m.groupdict().get("pron") else "pron2"
            subject: Mention | None = None
            if m.groupdict().get(group):
                subject = Mention(m.start(group), m.end(group), "pronoun", None)
            elif not self.cues.by.fullmatch(m.group()):
                subject = self._before(text, begin, m.start(), mentions)
            if subject is None:
                subject = self._after(text, m.end(), mentions)
            if subject is not None and subject.kind == "name":
                self.named.append(subject)
            speaker, how = self._speaker(subject)
            found.append(_Verb(m.start(), m.end(), subject, speaker, how))
        return found

    def _before(self, text: str, begin: int, verb: int, mentions: list[Mention]) -> Mention | None:
        window = self.cues.subject_window
        near = [m for m in mentions if begin <= m.start and m.end <= verb < m.end + window]
        if self.document.language == "zh":
            near = [m for m in near if not re.search("[，。；：]", text[m.end : verb])]
        best = max(near, key=lambda m: m.end, default=None)
        if self.document.language != "zh" and (best is None or verb - best.end > 2):
            unknown = name_before(text, begin, verb)
            if unknown is not None and not _overlaps(unknown, mentions):
                return unknown
        return best

    def _after(self, text: str, verb_end: int, mentions: list[Mention]) -> Mention | None:
        after = [m for m in mentions if verb_end <= m.start <= verb_end + _AFTER_VERB]
        if after:
            return min(after, key=lambda m: m.start)
        if self.document.language == "zh":
            return None
        unknown = name_after(text, verb_end)
        if unknown is not None and not _overlaps(unknown, mentions):
            return unknown
        return None

    def _speaker(self, subject: Mention | None) -> tuple[Speaker | None, str]:
        if subject is None:
            return None, "last"
        if subject.speaker is not None:
            return subject.speaker, "named"
        named = [m for m in self.named if m.end <= subject.start]
        if named:
            return max(named, key=lambda m: m.end).speaker, "pronoun"
        return self.last, "pronoun"

    def _quoted(
        self,
        text: str,
        begin: int,
        end: int,
        quotes: list[Quoted],
        verbs: list[_Verb],
        actors: list[Mention],
    ) -> list[_Found]:
        said = [v for v in verbs if v.speaker is not None]
        removed = [(q.open, q.close) for q in quotes] + [(v.start, v.end) for v in verbs]
        removed += [(v.subject.start, v.subject.end) for v in verbs if v.subject]
        own = sum(
            1
            for i in range(begin, end)
            if _WORD.match(text[i]) and not any(a <= i < b for a, b in removed)
        )
        quoted = sum(len(_WORD.findall(q.text(text))) for q in quotes)
        if own <= _QUOTATION_SHARE * quoted or _attributed(text, begin, end, quotes, verbs):
            speaker, how = self._quotation_speaker(said, actors, begin, end)
            if speaker is None:
                return []
            # '"…," he said': the comma inside the marks is the reporter's, not the speaker's.
            return [
                _Found(
                    "quotation",
                    q.start,
                    _unpunctuated(text, q),
                    speaker,
                    how,
                    "statement.quotation",
                )
                for q in quotes
            ]
        if not verbs:
            return []  # quoted words with nobody saying them: a title or a term
        verb = said[0] if said else verbs[0]
        speaker, how = (verb.speaker, verb.how) if said else (self.last, "last")
        if speaker is None:
            return []
        subject = verb.subject
        start = subject.start if subject and subject.start < quotes[0].open else begin
        stop = max(quotes[-1].close, subject.end if subject else 0)
        return [
            _Found("partial_quotation", start, stop, speaker, how, "statement.partial_quotation")
        ]

    def _quotation_speaker(
        self, said: list[_Verb], actors: list[Mention], begin: int, end: int
    ) -> tuple[Speaker | None, str]:
        if said:
            return said[0].speaker, said[0].how
        named = [a for a in actors if begin <= a.start < end]
        if named:
            return named[0].speaker, "named"
        return self.last, "last"

    def _paraphrase(self, text: str, begin: int, end: int, verbs: list[_Verb]) -> _Found | None:
        for verb in verbs:
            if verb.speaker is None or verb.subject is None:
                continue
            start = verb.subject.start if verb.subject.start < verb.start else begin
            stop = _trim_stop(text, start, end, begin)
            return _Found(
                "paraphrase", start, stop, verb.speaker, verb.how, "statement.paraphrase"
            )
        return None

    def _aim(self, text: str, begin: int, end: int, actors: list[Mention]) -> _Found | None:
        """A plan "qui vise à …" (which aims to, 旨在) speaks for the actor named before it
        in the same sentence, as its issuer."""
        m = self.cues.aims.search(text, begin, end)
        if m is None or not self.cues.plan_words.search(text, begin, m.start()):
            return None
        issuers = [a for a in actors if begin <= a.start and a.end <= m.start()]
        speaker = max(issuers, key=lambda a: a.end).speaker if issuers else None
        if speaker is None:
            return None
        stop = _trim_stop(text, m.start(), end, begin)
        return _Found("paraphrase", m.start(), stop, speaker, "named", "statement.aim")

    def _continued(self, text: str, spans: list[Quoted], previous: Speaker) -> list[_Found]:
        """A paragraph of reported obligation ("La Chine devrait …") right after a
        statement goes on reporting the same speaker."""
        for begin, end in sentences(text, spans):
            if self.cues.modals.search(text, begin, end):
                return [_Found("paraphrase", begin, end, previous, "last", "statement.continued")]
        return []

    def _publication_dates(self, text: str) -> list[tuple[int, str]]:
        """The days a paragraph says something was made public ("paru samedi", 1月15日出版)."""
        found: list[tuple[int, str]] = []
        language = self.document.language
        for start, end, phrase in dates.phrases(text, language):
            before = text[max(0, start - 30) : start]
            if not (
                self.cues.published_before.search(before)
                or self.cues.published_after.match(text, end)
            ):
                continue
            resolved = dates.resolve(phrase, language, self.document.published)
            if resolved is not None and resolved[1] == "day":
                found.append((start, resolved[0]))
        return found

    def _proposal(
        self, number: int, text: str, found: _Found, published: list[tuple[int, str]]
    ) -> Proposed:
        confidence = _CONFIDENCE[(found.wording, found.how)]
        if found.rule == "statement.aim":
            confidence = 0.5
        elif found.rule == "statement.continued":
            confidence = 0.4
        return Proposed(
            kind="statement",
            paragraph=number,
            excerpt=text[found.start : found.end],
            start=found.start,
            confidence=confidence,
            rule=found.rule,
            fields={
                "speaker": found.speaker.speaker,
                "speaker_matched": found.speaker.matched,
                "wording": found.wording,
                "date": self._date(found, published),
            },
        )

    def _date(self, found: _Found, published: list[tuple[int, str]]) -> str | None:
        if published:
            value = min(published, key=lambda p: abs(p[0] - found.start))[1]
            self.dated[found.speaker] = value
            return value
        own = self.dated.get(found.speaker) or self.first_date
        if own is not None:
            return own
        document_date: date | None = self.document.published
        return document_date.isoformat() if document_date else None


def _attributed(text: str, begin: int, end: int, quotes: list[Quoted], verbs: list[_Verb]) -> bool:
    """Whether the sentence is its quotation and an attribution clause: '"…," Xi said in a
    speech' (the quotation opens it), or 'Xi said: "…"' (the clause ends in a colon or a
    comma before the quotation that closes it)."""
    first, last = quotes[0], quotes[-1]
    opens = not _WORD.search(text, begin, first.open)
    closes = not _WORD.search(text, last.close, end)
    if opens and any(v.start >= last.close for v in verbs):
        return True
    lead = text[begin : first.open].rstrip(_PAD)
    return closes and lead[-1:] in _LEADS and any(v.end <= first.open for v in verbs)


def _attached(text: str, quote: Quoted, verbs: list[_Verb]) -> bool:
    """Whether a speech verb reports the quotation, however short: it follows the closing
    mark ('« Et vite », a ajouté Li Qiang') or leads into it with a colon or a comma
    (李克强指出："…"), with nothing between them but its speaker. Short quoted words with no
    such verb are a term or a title."""
    for verb in verbs:
        if verb.start >= quote.close:
            gap = range(quote.close, verb.start)
        elif verb.end <= quote.open and text[verb.end : quote.open].rstrip(_PAD).endswith(
            tuple(_LEADS)
        ):
            gap = range(verb.end, quote.open)
        else:
            continue
        subject = verb.subject
        if not any(
            _WORD.match(text[i])
            for i in gap
            if subject is None or not subject.start <= i < subject.end
        ):
            return True
    return False


def _unpunctuated(text: str, quote: Quoted) -> int:
    end = quote.end
    while end > quote.start and text[end - 1] in ",，" + _PAD:
        end -= 1
    return end


def _overlaps(mention: Mention, others: list[Mention]) -> bool:
    return any(o.start < mention.end and mention.start < o.end for o in others)


def find_statements(document: Document, lexicon: Lexicon) -> list[Proposed]:
    """The statements a document reports, in reading order."""
    if document.language not in CUES:
        return []
    return _Reader(document, lexicon).read()
