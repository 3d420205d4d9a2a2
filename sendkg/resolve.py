"""Stage 4, resolve: the same area, person or organisation across documents becomes one entity.

Mentions are nodes of a networkx graph, joined when they share a resolution key (GSS code for
an area, ODS code for a CCG or ICB, normalised name otherwise); each connected component is one
entity, named by the reference list (areas, CCGs, ICBs) or else by its longest printed form. Every entity keeps the mentions that were merged into it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import networkx as nx

from .gazetteer import by_key, health_body_name
from .model import Extraction


@dataclass(frozen=True)
class Entity:
    label: str  # LOCAL_AREA, HEALTH_BODY, ORGANISATION, STATUTE, PERSON
    key: str  # slug used in the IRI
    name: str
    kind: str | None  # organisation type, ccg / icb
    forms: tuple[str, ...]  # every printed form merged into it
    merges: tuple[tuple[str, str, str], ...] = ()  # (name, name, why) for each candidate match merged


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def person_key(name: str) -> str:
    return slug(name.replace("-", " "))


def resolve(extractions: list[Extraction]) -> dict[tuple[str, str], Entity]:
    """Entities by (label, key of any of their mentions)."""
    forms: dict[tuple[str, str], set[str]] = {}
    kinds: dict[tuple[str, str], set[str]] = {}
    for extraction in extractions:
        named = [(m.label, m.key, m.text, m.kind) for m in extraction.mentions]
        named += [("PERSON", person_key(p.name), p.name, None) for p in [*extraction.team, *extraction.addressees]]
        for label, key, text, kind in named:
            forms.setdefault((label, key), set()).add(text)
            if kind:
                kinds.setdefault((label, key), set()).add(kind)
    graph = nx.Graph()
    graph.add_nodes_from((node, {"forms": printed, "kinds": kinds.get(node, set())}) for node, printed in forms.items())
    link_organisations(graph)
    entities: dict[tuple[str, str], Entity] = {}
    for component in nx.connected_components(graph):
        nodes = sorted(component)
        label, key = nodes[0]
        names = sorted({f for n in nodes for f in forms[n]}, key=lambda f: (-len(f), f))
        name = names[0]
        if label == "LOCAL_AREA":
            la = by_key(key)
            name = la.name if la else name
        elif label == "HEALTH_BODY":
            name = health_body_name(key) or name
        merges = tuple(sorted(why for _, _, why in graph.subgraph(nodes).edges(data="evidence") if why)) if len(nodes) > 1 else ()
        kind = specific_kind(sorted({k for n in nodes for k in kinds.get(n, ())}))
        entity = Entity(label, key if label == "LOCAL_AREA" else slug(key), name, kind, tuple(names), merges)
        for node in nodes:
            entities[node] = entity
    return entities


def link_organisations(graph: nx.Graph) -> None:
    """Candidate matches between named organisations, each edge keeping why: the same name with and
    without its area's name ('Sefton Parent Carer Forum' / 'Parent Carer Forum'), an acronym of the
    other's name in the same area ('SENDIASS' / 'Special Educational Needs and Disabilities Information,
    Advice and Support Service'), the same charity named in two areas. Each reason is an equality
    (of the name without its area's, of an acronym and initials, of the name), so only names that
    share one are compared, found by lookup: the cost grows with the documents, not with the
    square of the organisations in an area."""
    nodes = sorted(n for n in graph if n[0] == "ORGANISATION")
    names = {node: NameFeatures.of(graph, node) for node in nodes}
    index: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for node in nodes:
        features = names[node]
        for key in (("name", features.name), ("without area", features.area, features.without_area), ("initials", features.area, features.initials)):
            index.setdefault(key, []).append(node)
    pairs = set()
    for node in nodes:
        features = names[node]
        others = list(index[("without area", features.area, features.without_area)])
        if "charity" in features.kinds:
            others += index[("name", features.name)]
        if features.form.isupper():  # an acronym, and the names in its area whose initials it is
            others += index.get(("initials", features.area, features.form), [])
        pairs.update((min(node, other), max(node, other)) for other in others if other != node)
    for a, b in sorted(pairs):
        why = match_reason(names[a], names[b])
        if why:
            graph.add_edge(a, b, evidence=why)


@dataclass(frozen=True)
class NameFeatures:
    """What matching looks at in an organisation's name, worked out once per name."""

    area: str
    name: str
    form: str  # the longest printed form
    kinds: frozenset[str]
    without_area: str  # the name with its area's name taken out
    initials: str

    @classmethod
    def of(cls, graph: nx.Graph, node: tuple[str, str]) -> "NameFeatures":
        area, name = node[1].split("/", 1)
        form = min(graph.nodes[node]["forms"], key=lambda f: (-len(f), f))  # the longest, the same every run
        la = by_key(area)
        without = strip_words(name, [v.lower() for v in la.variants]) if la else name
        return cls(area, name, form, frozenset(graph.nodes[node]["kinds"]), without, initials(form))


def match_reason(a: NameFeatures, b: NameFeatures) -> tuple[str, str, str] | None:
    if a.area != b.area:
        if a.name == b.name and "charity" in a.kinds | b.kinds:
            return (a.form, b.form, "the same charity named in two areas")
        return None
    la = by_key(a.area)
    if la and a.without_area == b.without_area and a.name != b.name:
        return (a.form, b.form, f"the same name with and without the area's name ({la.name})")
    for short, long in ((a, b), (b, a)):
        if short.form.isupper() and len(short.form) >= 3 and short.form == long.initials:
            return (short.form, long.form, "an acronym of the other name, in the same area")
    return None


def strip_words(name: str, phrases: list[str]) -> str:
    for phrase in sorted(phrases, key=len, reverse=True):
        name = re.sub(rf"(^|\s){re.escape(phrase)}(\s|$)", " ", name)
    return " ".join(name.split())


def initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’]*", name) if w.lower() not in {"and", "of", "the"}).upper()


def specific_kind(kinds: list[str]) -> str | None:
    """An organisation called a forum in one letter and 'other' in another is a forum."""
    specific = [k for k in kinds if k != "other"]
    return (specific or kinds or [None])[0]
