"""The words a query matched, marked in a text: ``<mark>`` around them, everything else
escaped as any text is. Pure."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from policies.search import analysis


def spans(text: str, query: analysis.Query) -> list[tuple[int, int]]:
    """Where ``query`` matches ``text``: sorted, merged (start, end) offsets."""
    if not query:
        return []
    found: list[tuple[int, int]] = []
    tokens = list(analysis.tokens(text))
    latin_forms = [forms for forms in query.words if not _han(forms[0])]
    han = [forms[0] for forms in query.words if _han(forms[0])]
    han += ["".join(_unpair(terms)) for terms in query.phrases if _han(terms[0])]
    phrases = [terms for terms in query.phrases if not _han(terms[0])]
    for token in tokens:
        if token.han:
            found += _substrings(text, token, han)
        elif latin_forms and _word_matches(token, latin_forms):
            found.append((token.start, token.end))
    found += _phrase_spans(tokens, phrases)
    return _merged(found)


def highlight(text: str, query: analysis.Query) -> SafeString:
    """``text``, escaped, with each match of ``query`` in ``<mark>``."""
    parts: list[str] = []
    position = 0
    for start, end in spans(text, query):
        parts.append(escape(text[position:start]))
        parts.append(format_html("<mark>{}</mark>", text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped above)


def _han(term: str) -> bool:
    return analysis.HAN_CHARACTER.match(term) is not None


def _unpair(terms: tuple[str, ...]) -> list[str]:
    """Overlapping pairs back into the run they came from (核心 心产 产业 → 核心产业)."""
    return [terms[0], *(pair[-1] for pair in terms[1:])]


def _word_matches(token: analysis.Token, latin_forms: list[tuple[str, ...]]) -> bool:
    terms = analysis.terms_of(token)
    stems = [analysis.stem(token.text, language) for language in analysis.STEMMERS]
    return any(
        analysis.matches_word(forms, term) for forms in latin_forms for term in terms + stems
    )


def _substrings(text: str, token: analysis.Token, needles: list[str]) -> list[tuple[int, int]]:
    run = text[token.start : token.end]
    result = []
    for needle in needles:
        start = run.find(needle)
        while needle and start != -1:
            result.append((token.start + start, token.start + start + len(needle)))
            start = run.find(needle, start + 1)
    return result


def _phrase_spans(
    tokens: list[analysis.Token], phrases: list[tuple[str, ...]]
) -> list[tuple[int, int]]:
    """Runs of consecutive words that spell a phrase, from its first word to its last."""
    result = []
    flat = [(term, t) for t in tokens if not t.han for term in analysis.terms_of(t)]
    terms = [term for term, _token in flat]
    for phrase in phrases:
        size = len(phrase)
        for i in range(len(terms) - size + 1):
            if tuple(terms[i : i + size]) == phrase:
                result.append((flat[i][1].start, flat[i + size - 1][1].end))
    return result


def _merged(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
