"""Candidate names: every run of text a document prints as a proper name, grouped by name."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..gazetteer import find_area
from ..resources import jsonl

OPENING_QUOTES = "‘“\"'"


CLOSING_QUOTES = "’”\"'"


CONNECTORS = {"and", "of", "for", "the", "in", "on", "to", "&", "at", "with", "by", "a"}


SENTENCE_END = re.compile(r"[.!?:;][’”\"')\]]*$")


BULLETS = set("◼▪•●■◦-–—*➢►")


WORD = re.compile(r"(\s*+)(\S+)|\s+$")  # the second branch takes trailing space in one step


EDGE = "\"'‘’“”()[],.;:!?"


@dataclass(slots=True)
class Word:
    """A whitespace-separated word: its letters without edge punctuation, and what surrounds them.
    Made for every word of a document, so what is asked of each word is worked out once."""

    text: str
    start: int
    end: int
    lead: str  # punctuation before the letters ('(', '‘')
    trail: str  # punctuation after the letters (',', '’', ').')
    before: str  # the whitespace before the word
    sentence_start: bool
    titled: bool
    lower: str


def chunk_of(raw: str) -> tuple[str, str, str, bool, str, bool] | None:
    """What a whitespace-separated chunk is, alone: its letters, the punctuation before and after
    them, whether it is titled, its letters in lower case, whether its punctuation ends a sentence
    (None for punctuation alone). Worked out once per distinct chunk (`CHUNKS`)."""
    core = raw.strip(EDGE)
    if not core:
        return None
    lead = len(raw) - len(raw.lstrip(EDGE))
    trail = raw[lead + len(core) :]
    titled = core[0].isupper() or (core[0].isdigit() and any(c.isalpha() for c in core)) or camel(core)
    return core, raw[:lead], trail, titled, core.lower(), bool(trail and SENTENCE_END.search(trail))


CHUNKS: dict[str, tuple[str, str, str, bool, str, bool] | None] = {}  # `chunk_of` by chunk, across documents
CHUNKS_CAPACITY = 500_000


def coined(word: str) -> bool:
    """A word made as a name: a capital after a small letter (WarrPAC, eXtreme), or digits among
    letters (Listen4Change); not a plural or possessive acronym (HMIs, PCF’s), not hyphenated."""
    return "-" not in word and bool(re.search(r"[a-z][A-Z]|[A-Za-z]\d+[A-Za-z]", word)) and not re.fullmatch(r"[A-Z]+(?:s|’s|'s)", word)


def camel(text: str) -> bool:
    """'eXtreme', 'WarrPAC', 'DurhamWorks': capitals inside a word."""
    return len(text) > 2 and not text.islower() and any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)


def words_of(text: str) -> list[Word]:
    words: list[Word] = []
    known = CHUNKS
    ends_sentence = True
    position = 0
    for before, raw in WORD.findall(text):
        start = position + len(before)
        position = start + len(raw)
        seen = known.get(raw, False)
        if seen is False:
            seen = chunk_of(raw)
            if len(known) < CHUNKS_CAPACITY:
                known[raw] = seen
        if seen is None:
            continue
        core, lead, trail, titled, lower, ends = seen
        sentence_start = ends_sentence or "\n\n" in before or "\t" in before
        words.append(Word(core, start + len(lead), start + len(lead) + len(core), lead, trail, before, sentence_start, titled, lower))
        ends_sentence = ends or core in BULLETS  # a word's letters never end in punctuation
    return words


def joined(a: Word, b: Word) -> bool:
    """Nothing but a space or a line break between two words: no punctuation, no blank line, no cell break."""
    return not a.trail and not b.lead and "\n\n" not in b.before and "\t" not in b.before


@dataclass
class Occurrence:
    """One place in the text where a candidate name is printed, and how it was found there."""

    start: int
    end: int
    text: str  # as printed, whitespace made single
    how: str  # quoted | titled | split | tail | acronym | spelled | introduced | service
    sentence_start: bool
    after_the: bool  # 'the X' with a lower-case 'the'
    kind: str | None = None  # the type an introduction gives ('parent-carer-forum')
    acronym: str | None = None  # defined in brackets after it


@dataclass
class Candidate:
    """One name in one document with all its mentions."""

    key: str
    found: list[Occurrence] = field(default_factory=list)  # every way it was found, overlapping
    mentions: list[Occurrence] = field(default_factory=list)  # one per place in the text

    def settle(self) -> None:
        """One mention per place in the text: of two that overlap, the one that defines an acronym,
        then the one without a sentence's opening 'The', then the longer."""
        kept: list[Occurrence] = []
        for mention in sorted(self.found, key=preference):
            if not any(mention.start < other.end and other.start < mention.end for other in kept):
                kept.append(mention)
        self.mentions = sorted(kept, key=lambda m: m.start)

    @property
    def named(self) -> Occurrence:
        """The first full printed form: the mention with the most words, the first of those."""
        most = max(len(m.text.split()) for m in self.mentions)
        return next(m for m in self.mentions if len(m.text.split()) == most)

    @property
    def name(self) -> str:
        return self.named.text

    @property
    def first(self) -> Occurrence:
        return self.mentions[0]


def preference(mention: Occurrence) -> tuple:
    opening_the = mention.sentence_start and mention.text.startswith("The ")
    return (not mention.acronym, opening_the, -(mention.end - mention.start), mention.start)


@lru_cache(maxsize=65536)
def key_of(name: str) -> str:
    """A name as compared within a document: case, apostrophes, a leading 'the' and a closing
    acronym in brackets aside."""
    name = name.replace("’", "'").replace("‘", "'").replace("&", "and").lower()
    name = re.sub(r"(?<!\s)\s*+\([^()]*\)\s*$", "", name)
    name = re.sub(r"^the\s+", "", name)
    return " ".join(name.split())


def candidates(
    text: str,
    introduced: Iterable[tuple[int, int, str | None]] = (),
    within: tuple[int, int] | None = None,
    leave_out: Iterable[tuple[int, int]] = (),
) -> list[Candidate]:
    """Every name printed as a proper name in the text (or the part of it `within`, but for the
    parts to `leave_out`: a signature block, a cc list), with its mentions."""
    begin, end = within or (0, len(text))
    leave_out = list(leave_out)

    def kept(start: int, stop: int) -> bool:
        return begin <= start and stop <= end and not any(s <= start < e for s, e in leave_out)

    words = [w for w in words_of(text) if begin <= w.start and w.end <= end]
    if leave_out:
        starts = [w.start for w in words]
        dropped = {i for s, e in leave_out for i in range(bisect_left(starts, s), bisect_left(starts, e))}
        words = [w for i, w in enumerate(words) if i not in dropped]
    introduced = [(s, e, k) for s, e, k in introduced if kept(s, e)]
    mentions: list[Occurrence] = []
    mentions += quoted(text, words)
    mentions += titled_runs(text, words)
    mentions += acronym_definitions(text, words)
    mentions += introductions(text, words, introduced)
    mentions += information_services(text, words)
    groups: dict[str, Candidate] = {}
    for mention in mentions:
        key = key_of(mention.text)
        if key:
            groups.setdefault(key, Candidate(key)).found.append(mention)
    link_acronyms(text, words, groups)
    one_service(groups)
    with_area(groups)
    for candidate in groups.values():
        candidate.settle()
    return list(groups.values())


def introductions(text: str, words: list[Word], introduced: Iterable[tuple[int, int, str | None]]) -> list[Occurrence]:
    """Names the text introduces ('the parent carer forum, X'), without a sentence's opening 'The'."""
    starts = {w.start: i for i, w in enumerate(words)}
    found = []
    for start, end, kind in introduced:
        i = starts.get(start)
        opening = i is not None and words[i].sentence_start
        if opening and words[i].text == "The" and i + 1 < len(words) and words[i + 1].end <= end:
            i, start = i + 1, words[i + 1].start
        after_the = i is not None and i > 0 and words[i - 1].text == "the"
        found.append(Occurrence(start, end, " ".join(text[start:end].split()), "introduced", opening, after_the, kind))
    return found


INFORMATION_SERVICE = re.compile(
    r"(?-i:(?:(?<![\w’'-])(?:[A-Z][\w’'-]*+|SEND)\s+(?:(?:and|&)\s+)?){0,6})(?:special\s+educational\s+needs\s+(?:and\s+disabilit(?:y|ies)\s+)?)?"
    r"information,?\s+(?:and\s+)?advice,?\s+(?:and\s+)?support\s+services?\b",
    re.I,
)


def information_services(text: str, words: list[Word]) -> list[Occurrence]:
    """The SEND information, advice and support service in any case: SCHEMA.md counts it as named
    even when printed as a description ('the SEND information, advice and support service')."""
    starts = {w.start: i for i, w in enumerate(words)}
    found = []
    if not words:
        return found
    for match in INFORMATION_SERVICE.finditer(text, words[0].start, words[-1].end):
        start = match.start()
        i = starts.get(start)
        if i is None:
            continue
        if words[i].sentence_start and words[i].text == "The" and i + 1 < len(words):
            i, start = i + 1, words[i + 1].start
        found.append(Occurrence(start, match.end(), " ".join(text[start : match.end()].split()), "service", words[i].sentence_start, i > 0 and words[i - 1].text == "the"))
    return found


def mention_of(text: str, words: list[Word], i: int, j: int, how: str, **extra) -> Occurrence:
    first, last = words[i], words[j]
    after_the = i > 0 and words[i - 1].text == "the" and joined(words[i - 1], first)
    return Occurrence(first.start, last.end, " ".join(text[first.start : last.end].split()), how, first.sentence_start, after_the, **extra)


def quoted(text: str, words: list[Word]) -> list[Occurrence]:
    """'Just Say', ‘ten by ten’, “Tools for Schools”: up to eight words between quotation marks."""
    found = []
    for i, word in enumerate(words):
        if not word.lead or word.lead[-1] not in OPENING_QUOTES:
            continue
        for j in range(i, min(len(words), i + 8)):
            trail = words[j].trail
            if trail and trail[0] in CLOSING_QUOTES:
                found.append(mention_of(text, words, i, j, "quoted"))
                break
            if j > i and (words[j].lead or "\n\n" in words[j].before):
                break
            if trail and trail[0] not in ",":
                break
    return found


def titled_runs(text: str, words: list[Word]) -> list[Occurrence]:
    """Runs of capitalised words (with 'and', 'of', 'for', 'the' between them), the run without
    a sentence's opening word, each side of an 'and', and the run with a lower-case head after it
    ('Healthy Child programme', 'Gateshead youth forum')."""
    found = []
    i = 0
    while i < len(words):
        if not words[i].titled:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and joined(words[j], words[j + 1]) and (words[j + 1].titled or words[j + 1].lower in CONNECTORS):
            j += 1
        while j > i and not words[j].titled:
            j -= 1
        spans = {(i, j): "titled"}
        if words[i].sentence_start and j > i:
            spans[(i + 1, j)] = "titled"
            if words[i].lower == "the" and j > i + 1:
                spans[(i + 2, j)] = "titled"
        for k in range(i + 1, j):
            if words[k].lower in ("and", "&") and words[k - 1].titled and words[k + 1].titled:
                spans.setdefault((i, k - 1), "split")
                spans.setdefault((k + 1, j), "split")
        for (a, b), how in sorted(spans.items()):
            if a <= b and words[a].titled:
                found.append(mention_of(text, words, a, b, how))
        for tail in heads_after(words, j):
            last_titled = j
            while last_titled > i and words[last_titled - 1].titled:
                last_titled -= 1
            starts = set()
            for a in {i, last_titled}:
                if not words[a].sentence_start:
                    starts.add(a)
                elif a < j:  # a sentence's first word may or may not be part of the name
                    starts |= {a, a + 1}
            for a in sorted(starts):
                if words[a].lower not in CONNECTORS:
                    found.append(mention_of(text, words, a, tail, "tail"))
        i = j + 1
    return found


def heads_after(words: list[Word], j: int) -> list[int]:
    """The indexes of head nouns ('programme', 'forum') among the lower-case words just after word
    j, up to seven, a list with commas among them ('early support, advice, information and liaison
    service')."""
    found = []
    for k in range(j + 1, min(len(words), j + 8)):
        after_comma = words[k - 1].trail == "," and k - 1 > j
        if not (joined(words[k - 1], words[k]) or after_comma) or not words[k].text.islower() or words[k].lower in FUNCTION_WORDS:
            break
        if words[k].lower in heads():
            found.append(k)
    return found


# Words that end a name's lower-case tail: the sentence goes on ('Bedford Borough have their voices').


FUNCTION_WORDS = {
    "a", "an", "the", "this", "these", "those", "that", "which", "who", "whose", "their", "its", "his", "her", "our",
    "your", "they", "it", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did",
    "will", "would", "can", "could", "should", "must", "may", "not", "to", "of", "for", "in", "on", "by", "with", "at",
    "from", "as", "also", "now", "so", "but", "or",
}


ACRONYM = re.compile(r"[A-Za-z&]{2,12}")


def acronym_definitions(text: str, words: list[Word]) -> list[Occurrence]:
    """'Family and Adolescent Support Service (FaASS)': the words before an acronym in brackets
    whose initials spell it, with the acronym."""
    found = expanded_after(text, words)
    for index, word in enumerate(words):
        if not word.lead.endswith("(") or not ACRONYM.fullmatch(word.text) or sum(c.isupper() for c in word.text) < 2:
            continue
        start = spelled_by(words, index, word.text)
        if start is None:
            continue
        start = with_area_before(words, start)
        closed = word.trail.startswith(")")
        first, last = words[start], words[index - 1]
        name = " ".join(text[first.start : last.end].split())
        if closed:
            end = word.end + 1
            mention = Occurrence(first.start, end, f"{name} ({word.text})", "acronym", first.sentence_start, False, acronym=word.text)
        else:
            mention = Occurrence(first.start, last.end, name, "acronym", first.sentence_start, False, acronym=word.text)
        found.append(mention)
        follower = words[index + 1] if index + 1 < len(words) else None
        if closed and follower and follower.lower in heads() and not word.trail[1:]:
            found.append(Occurrence(first.start, follower.end, f"{name} ({word.text}) {follower.text}", "acronym", first.sentence_start, False))
    return found


def with_area_before(words: list[Word], start: int) -> int:
    """The start of a name with the area printed just before it ('Hillingdon' in 'the Hillingdon
    SEND information, advice and support service (SENDIASS)')."""
    for n in (3, 2, 1):
        first = start - n
        if first >= 0 and all(joined(a, b) for a, b in zip(words[first:start], words[first + 1 : start + 1])):
            if words[first].lower != "the" and find_area(" ".join(w.text for w in words[first:start])):
                return first
    return start


def expanded_after(text: str, words: list[Word]) -> list[Occurrence]:
    """'ATLAS (Accept, Teach, Listen, Access, Support)': a word in capitals spelled out in the
    brackets after it."""
    found = []
    for index, word in enumerate(words[:-1]):
        following = words[index + 1]
        if not (word.text.isupper() and len(word.text) > 2 and following.lead.startswith("(") and not word.trail):
            continue
        end = next((k for k in range(index + 1, min(len(words), index + 14)) if words[k].trail.startswith(")")), None)
        if end is not None and spells([w.text for w in words[index + 1 : end + 1]], word.text):
            titled = all(w.titled or w.lower in CONNECTORS for w in words[index + 1 : end + 1])
            found.append(
                Occurrence(word.start, word.end, word.text, "spelled" if titled else "acronym", word.sentence_start, index > 0 and words[index - 1].text == "the", acronym=word.text)
            )
    return found


def spelled_by(words: list[Word], index: int, acronym: str) -> int | None:
    """The earliest word, within twelve before `index`, from which the words' initials spell the
    acronym (a connector may be skipped; a word in capitals may give all its letters)."""
    letters = acronym.upper().replace("&", "")
    best = None
    for start in range(index - 1, max(-1, index - 13), -1):
        if start < index - 1 and not (joined(words[start], words[start + 1]) or words[start].trail == ","):
            break
        if words[start].lower in CONNECTORS and start != index - 1:
            continue
        if spells([w.text for w in words[start:index]], letters):
            best = start
    return best


def spells(names: list[str], letters: str) -> bool:
    known: dict[tuple[int, int], bool] = {}  # a dict rather than functools.cache, which costs more to make than to use here

    def match(i: int, j: int) -> bool:
        if (i, j) not in known:
            known[i, j] = matched(i, j)
        return known[i, j]

    def matched(i: int, j: int) -> bool:
        if j == len(letters):
            return all(n.lower() in CONNECTORS for n in names[i:])
        if i == len(names):
            return False
        word = names[i]
        if word.lower() in CONNECTORS and match(i + 1, j):
            return True
        if word[0].upper() != letters[j]:
            return False
        if word.isupper() and len(word) > 1 and letters[j : j + len(word)] == word and match(i + 1, j + len(word)):
            return True
        return match(i + 1, j + 1)

    return bool(names) and names[0].lower() not in CONNECTORS and match(0, 0)


def with_area(groups: dict[str, Candidate]) -> None:
    """A name printed with its area before it and without ('Hertfordshire Parent Carer
    Involvement', 'Parent Carer Involvement') is one name, kept as first printed, area included."""
    for key, candidate in sorted(groups.items(), key=lambda item: -len(item[0])):
        if key not in groups:
            continue
        tokens = key.split()
        n = area_prefix(tokens)
        rest = " ".join(tokens[n:])
        if n and rest in groups and rest != key and len(tokens) - n > 1:
            candidate.found += groups.pop(rest).found


def one_service(groups: dict[str, Candidate]) -> None:
    """An area has one information, advice and support service: its names in a document are one."""
    services = [key for key, c in groups.items() if any(m.how == "service" for m in c.found)]
    if len(services) > 1:
        keep = max(services, key=lambda key: (len(groups[key].found), len(key)))
        for key in services:
            if key != keep:
                groups[keep].found += groups.pop(key).found


def link_acronyms(text: str, words: list[Word], groups: dict[str, Candidate]) -> None:
    """An acronym defined for a name is that name wherever it stands alone."""
    for key, candidate in list(groups.items()):
        acronym = next((m.acronym for m in candidate.found if m.acronym), None)
        if not acronym or acronym.lower() == key:
            continue
        alone = groups.pop(acronym.lower(), None)
        if alone is not None:
            candidate.found += alone.found


@cache
def heads() -> dict[str, str]:
    """Head nouns of names, by what they say the thing is (`data/organisations/heads.jsonl`)."""
    return {h["word"]: h["category"] for h in jsonl("organisations/heads.jsonl")}


def area_prefix(tokens: list[str]) -> int:
    for n in range(min(4, len(tokens) - 1), 0, -1):
        if find_area(" ".join(tokens[:n])):
            return n
    return 0
