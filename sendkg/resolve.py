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
    graph = nx.Graph()
    for extraction in extractions:
        named = [(m.label, m.key, m.text, m.kind) for m in extraction.mentions]
        for person in [*extraction.team, *extraction.addressees]:
            named.append(("PERSON", person_key(person.name), person.name, None))
        for label, key, text, kind in named:
            node = (label, key)
            graph.add_node(node, label=label)
            graph.nodes[node].setdefault("forms", set()).add(text)
            if kind:
                graph.nodes[node].setdefault("kinds", set()).add(kind)
    link_organisations(graph)
    entities: dict[tuple[str, str], Entity] = {}
    for component in nx.connected_components(graph):
        nodes = sorted(component)
        label = nodes[0][0]
        forms = sorted({f for n in nodes for f in graph.nodes[n]["forms"]}, key=lambda f: (-len(f), f))
        kinds = sorted({k for n in nodes for k in graph.nodes[n].get("kinds", ())})
        key = nodes[0][1]
        name = forms[0]
        if label == "LOCAL_AREA":
            la = by_key(key)
            name = la.name if la else name
        elif label == "HEALTH_BODY":
            name = health_body_name(key) or name
        merges = tuple(sorted(evidence for a, b, evidence in graph.subgraph(nodes).edges(data="evidence") if evidence))
        entity = Entity(label, key if label == "LOCAL_AREA" else slug(key), name, specific_kind(kinds), tuple(forms), merges)
        for node in nodes:
            entities[node] = entity
    return entities


def link_organisations(graph: nx.Graph) -> None:
    """Candidate matches between named organisations, each edge keeping why: the same name with and
    without its area's name ('Sefton Parent Carer Forum' / 'Parent Carer Forum'), an acronym of the
    other's name in the same area ('SENDIASS' / 'Special Educational Needs and Disabilities Information,
    Advice and Support Service'), the same charity named in two areas. Only names that could match
    are compared (the same area, or the same name), so the cost grows with the documents, not
    with their square."""
    nodes = sorted(n for n in graph if n[0] == "ORGANISATION")
    names = {node: NameFeatures.of(graph, node) for node in nodes}
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for node in nodes:
        groups.setdefault(("area", names[node].area), []).append(node)
        groups.setdefault(("name", names[node].name), []).append(node)
    pairs = sorted({(a, b) for group in groups.values() for i, a in enumerate(group) for b in group[i + 1 :]})
    for a, b in pairs:
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
        form = max(graph.nodes[node]["forms"], key=len)
        la = by_key(area)
        without = strip_words(name, [v.lower() for v in la.variants]) if la else name
        return cls(area, name, form, frozenset(graph.nodes[node].get("kinds", ())), without, initials(form))


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
