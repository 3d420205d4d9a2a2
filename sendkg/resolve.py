"""Stage 4, resolve: the same area, person or organisation across documents becomes one entity.

Mentions are nodes of a networkx graph, joined when they share a resolution key (GSS code for
an area, normalised name otherwise); each connected component is one entity, named by its
longest printed form. Every entity keeps the mentions that were merged into it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import networkx as nx

from .gazetteer import by_key
from .model import Extraction


@dataclass(frozen=True)
class Entity:
    label: str  # LOCAL_AREA, HEALTH_BODY, ORGANISATION, STATUTE, PERSON
    key: str  # slug used in the IRI
    name: str
    kind: str | None  # organisation type, ccg / icb
    forms: tuple[str, ...]  # every printed form merged into it


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
        entity = Entity(label, key if label == "LOCAL_AREA" else slug(key), name, specific_kind(kinds), tuple(forms))
        for node in nodes:
            entities[node] = entity
    return entities


def specific_kind(kinds: list[str]) -> str | None:
    """An organisation called a forum in one letter and 'other' in another is a forum."""
    specific = [k for k in kinds if k != "other"]
    return (specific or kinds or [None])[0]
