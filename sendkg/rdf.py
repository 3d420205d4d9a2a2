"""Stage 5, map: extractions and resolved entities become RDF in the sendkg ontology.

IRIs are minted from stable keys (GSS code, normalised name, file digest, character offsets),
never from run order, so the same input gives the same IRIs. Every finding and mention points
at an `oa:SpecificResource` that names the source document, the character span and the exact
quoted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SKOS
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.plugins.stores.memory import SimpleMemory

from .gazetteer import (
    commissioning_groups,
    coverage,
    icb_areas,
    inspection_year,
    integrated_care_boards,
    local_authorities,
    replacing_icb,
)
from .model import DateValue, Extraction, Item, Person, Span, Valued
from .resolve import Entity, person_key, resolve, slug
from .resources import folder, jsonl

BASE = "https://w3id.org/sendkg/"
SK = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
CODE = Namespace(BASE + "code/")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES = {"sk": SK, "id": ID, "code": CODE, "oa": OA, "prov": PROV, "org": ORG, "skos": SKOS, "dcterms": DCTERMS, "foaf": FOAF}
DOCUMENT_CLASS = {
    "letter": SK.InspectionLetter,
    "revisit-letter": SK.RevisitLetter,
    "council-report": SK.CouncilReport,
    "report": SK.InspectionReport,
}
INSPECTION_CLASS = {
    "initial": SK.InitialInspection,
    "revisit": SK.Revisit,
    "full": SK.FullInspection,
    "monitoring": SK.MonitoringInspection,
}
ENTITY_CLASS = {"LOCAL_AREA": SK.LocalArea, "ORGANISATION": SK.NamedOrganisation, "STATUTE": SK.Statute}
INSPECTORATE = {"Ofsted": ID["organisation/ofsted"], "CQC": ID["organisation/cqc"]}


def code(scheme: str, notation: str) -> URIRef:
    return CODE[f"{scheme}/{notation}"]


def new_graph() -> Graph:
    """A graph with sendkg's prefixes, in rdflib's store without named-graph bookkeeping, which is
    twice as fast to fill and to read; the build keeps named graphs apart itself."""
    graph = Graph(store=SimpleMemory())
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def vocabulary() -> Graph:
    """The ontology and code lists, shipped inside every built graph so it is self-describing."""
    graph = new_graph()
    for triple in ontology_triples():
        graph.add(triple)
    return graph


@cache
def ontology_triples() -> tuple[tuple, ...]:
    """The ontology's files parsed once per process."""
    graph = Graph()
    for path in sorted(folder("ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return tuple(graph)


def document_iri(extraction: Extraction) -> URIRef:
    return ID[f"document/{extraction.source.sha256[:16]}"]


def inspection_iri(extraction: Extraction) -> URIRef:
    when = extraction.start.value.isoformat() if extraction.start else f"document-{extraction.source.sha256[:12]}"
    return ID[f"inspection/{extraction.area.key.lower()}/{extraction.inspection_kind}/{when}"]


def entity_iri(entity: Entity) -> URIRef:
    return iri_of(entity.label, entity.key)


@cache
def iri_of(label: str, key: str) -> URIRef:
    """An entity's IRI from its label and key, made once: every document's mapping asks for it."""
    folder_name = {
        "LOCAL_AREA": "area",
        "HEALTH_BODY": "health-body",
        "ORGANISATION": "organisation",
        "STATUTE": "statute",
        "PERSON": "person",
    }[label]
    return area_iri(key) if label == "LOCAL_AREA" else ID[f"{folder_name}/{key}"]


def to_graph(extractions: list[Extraction]) -> Graph:
    """One graph for all documents: the vocabulary, reference areas and health bodies, shared
    entities, and each document's statements."""
    graph, documents = to_dataset(extractions)
    for part in documents.values():
        graph += part
    return graph


def document_graph_iri(extraction: Extraction) -> URIRef:
    return URIRef(f"{BASE}graph/document/{extraction.source.sha256[:16]}")


def to_dataset(extractions: list[Extraction]) -> tuple[Graph, dict[URIRef, Graph]]:
    """The shared graph, and each document's own statements as a named graph, so that one
    document can be replaced or withdrawn without touching the others."""
    entities = resolve(extractions)
    documents = {document_graph_iri(x): document_graph(x, entities) for x in extractions}
    return shared_graph(extractions, entities), documents


def shared_graph(extractions: list[Extraction], entities: dict[tuple[str, str], Entity]) -> Graph:
    """What no one document owns: the vocabulary, reference areas and health bodies, the entities
    the documents name (areas, people, organisations), job titles, links between inspections."""
    return shared_graph_of(*shared_inputs(extractions, entities))


@dataclass(frozen=True)
class SharedFacts:
    """What the shared graph takes from one document. With the entities, these are all it is
    made from, so a digest of them tells when a shared graph made before still holds."""

    area: str  # the area's key
    inspection: URIRef
    start: date | None
    previous_start: date | None
    health_bodies: tuple[str, ...]  # the keys of the CCGs and ICBs it names

    @classmethod
    def of(cls, x: Extraction) -> "SharedFacts":
        bodies = tuple(sorted({m.key for m in x.mentions if m.label == "HEALTH_BODY"}))
        previous = x.previous_start.value if x.previous_start else None
        return cls(x.area.key, inspection_iri(x), x.start.value if x.start else None, previous, bodies)


def shared_inputs(extractions: list[Extraction], entities: dict[tuple[str, str], Entity]) -> tuple[list[SharedFacts], list[Entity]]:
    """The facts of each document, and each entity once, in a fixed order."""
    return [SharedFacts.of(x) for x in extractions], sorted(set(entities.values()), key=lambda e: (e.label, e.key))


def shared_graph_of(facts: list[SharedFacts], entities: list[Entity]) -> Graph:
    graph = vocabulary()
    add_reference_areas(graph)
    for entity in entities:
        add_entity(graph, entity)
    add_health_body_codes(graph, facts, entities)
    link_previous_inspections(graph, facts)
    return with_superclasses(graph)


def document_graph(extraction: Extraction, entities: dict[tuple[str, str], Entity]) -> Graph:
    """One document's own statements, as an rdflib graph."""
    graph = new_graph()
    DocumentMapper(graph, extraction, entities).add()
    return with_superclasses(graph)


def document_ntriples(extraction: Extraction, entities: dict[tuple[str, str], Entity]) -> bytes:
    """One document's own statements as sorted N-Triples, the bytes `write.ntriples` gives for
    `document_graph`, made without filling an rdflib graph's indexes: what the build keeps."""
    statements = Statements()
    DocumentMapper(statements, extraction, entities).add()
    return with_superclasses(statements).ntriples()


class Statements:
    """Triples collected as a set, written with rdflib's own N-Triples row writer: all a
    document's mapping needs of a graph, at a fraction of the cost of rdflib's indexed store."""

    def __init__(self) -> None:
        self.triples: set[tuple] = set()

    def add(self, triple: tuple) -> None:
        self.triples.add(triple)

    def subject_objects(self, predicate: URIRef) -> list[tuple]:
        return [(s, o) for s, p, o in self.triples if p == predicate]

    def ntriples(self) -> bytes:
        return b"".join(sorted({_nt_row(triple).encode() for triple in self.triples}))


def entities_used(extraction: Extraction, entities: dict[tuple[str, str], Entity]) -> list[str]:
    """The IRIs the document's graph gives the entities it names: with its bytes, all that its
    graph depends on, so a cached graph is reused only while these stay the same."""
    keys = [(m.label, m.key) for m in extraction.mentions]
    keys += [("PERSON", person_key(p.name)) for p in [*extraction.team, *extraction.addressees]]
    return sorted({f"{label} {key} {entity_iri(entities[(label, key)])}" for label, key in keys})


def link_previous_inspections(graph: Graph, facts: list[SharedFacts]) -> None:
    """An inspection's 'previous inspection' is the earlier Inspection of the same area that the
    graph holds and that began on the date printed; without one, only the dates are kept."""
    started = {(f.area, f.start): f.inspection for f in facts if f.start}
    for f in facts:
        if f.previous_start:
            earlier = started.get((f.area, f.previous_start))
            if earlier and earlier != f.inspection:
                graph.add((f.inspection, SK.previousInspection, earlier))


@cache
def role_kinds() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(r["pattern"], re.I), r["role"]) for r in jsonl("role-kinds.jsonl"))


def role_kind(printed: str | None) -> str:
    """The kind of role (`code:role`) a printed job title is: 'HMI Lead Inspector' is a lead
    inspector, 'Corporate Director of Children's Services' a director of children's services."""
    return next((kind for pattern, kind in role_kinds() if printed and pattern.search(printed)), "other")


def with_superclasses(graph: Graph | Statements) -> Graph | Statements:
    """Every instance typed with each superclass of its classes too (from the ontology's
    rdfs:subClassOf), so `?x a sk:Inspection` or `?d a sk:SourceDocument` finds them without a
    reasoner."""
    closure = superclasses()
    for node, cls in list(graph.subject_objects(RDF.type)):
        for parent in closure.get(cls, ()):
            graph.add((node, RDF.type, parent))
    return graph


@cache
def superclasses() -> dict[URIRef, frozenset[URIRef]]:
    direct: dict[URIRef, set[URIRef]] = {}
    for child, predicate, parent in ontology_triples():
        if predicate == RDFS.subClassOf and isinstance(child, URIRef) and isinstance(parent, URIRef):
            direct.setdefault(child, set()).add(parent)
    closure: dict[URIRef, frozenset[URIRef]] = {}
    for cls in direct:
        seen: set[URIRef] = set()
        todo = list(direct[cls])
        while todo:
            parent = todo.pop()
            if parent not in seen and parent != cls:
                seen.add(parent)
                todo.extend(direct.get(parent, ()))
        closure[cls] = frozenset(seen)
    return closure


@cache
def area_iri(key: str) -> URIRef:
    return ID[f"area/{key.lower()}"]


def add_reference_areas(graph: Graph) -> None:
    """Every English local authority with its codes, region, ONS statistical geography and
    statistical neighbours, from the reference table (not from any document)."""
    dataset = dataset_node(graph, "local-authorities", "English local authorities: codes, regions and statistical neighbours")
    for la in local_authorities():
        node = area_iri(la.key)
        graph.add((node, RDF.type, SK.LocalArea))
        graph.add((node, RDFS.label, Literal(la.name)))
        graph.add((node, PROV.wasDerivedFrom, dataset))
        if la.gss:
            graph.add((node, SK.gssCode, Literal(la.gss)))
            graph.add((node, SK.statisticalGeography, URIRef(STATISTICAL_GEOGRAPHY + la.gss)))
        if la.la_code:
            graph.add((node, SK.laCode, Literal(la.la_code)))
        if la.urn:
            graph.add((node, SK.ofstedUrn, Literal(la.urn)))
        if la.region:
            graph.add((node, SK.region, Literal(la.region)))
        for neighbour in la.neighbours:
            graph.add((node, SK.statisticalNeighbour, area_iri(neighbour)))


STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"


def dataset_node(graph: Graph, key: str, title: str) -> URIRef:
    node = ID[f"dataset/{key}"]
    graph.add((node, RDF.type, SK.ReferenceDataset))
    graph.add((node, DCTERMS.title, Literal(title)))
    graph.add((node, DCTERMS.source, Literal("sendkg/data/SOURCES.md")))
    return node


def add_health_body_codes(graph: Graph, facts: list[SharedFacts], entities: list[Entity]) -> None:
    """Codes for the CCGs and ICBs the documents name: ODS and GSS codes, the areas a CCG covered
    in the year of each inspection that names it, the ICB that replaced it, the areas an ICB serves."""
    dataset = dataset_node(graph, "nhs-geography", "CCGs and ICBs: codes, the areas they covered, and which ICB replaced which CCG")
    boards = {b.ods.lower(): b for b in integrated_care_boards()}
    groups = {g.ods.lower(): g for g in commissioning_groups()}
    years: dict[str, set[int]] = {}
    for f in facts:
        for key in f.health_bodies if f.start else ():
            years.setdefault(key, set()).add(inspection_year(f.start))
    keys = sorted({e.key for e in entities if e.label == "HEALTH_BODY"})
    for key in keys:
        node = ID[f"health-body/{key}"]
        if key in groups:
            group = groups[key]
            add_codes(graph, node, group.ods, group.gss, dataset)
            for year in sorted(years.get(key, ())):
                for c in coverage():
                    if c.ccg_ods == group.ods and c.year == year:
                        cover = URIRef(f"{node}/coverage/{year}/{c.area_gss.lower()}")
                        graph.add((node, SK.coverage, cover))
                        graph.add((cover, RDF.type, SK.Coverage))
                        graph.add((cover, SK.year, Literal(year, datatype=XSD.gYear)))
                        graph.add((cover, SK.localArea, area_iri(c.area_gss)))
                        if c.share_of_area is not None:
                            graph.add((cover, SK.shareOfArea, Literal(Decimal(str(c.share_of_area)))))
            icb = replacing_icb(group)
            if icb:
                graph.add((node, SK.replacedBy, add_board(graph, boards[icb.lower()], dataset)))
        elif key in boards:
            add_board(graph, boards[key], dataset)


def add_codes(graph: Graph, node: URIRef, ods: str, gss: str, dataset: URIRef) -> None:
    graph.add((node, SK.odsCode, Literal(ods)))
    graph.add((node, SK.gssCode, Literal(gss)))
    graph.add((node, PROV.wasDerivedFrom, dataset))


def add_board(graph: Graph, board, dataset: URIRef) -> URIRef:
    node = ID[f"health-body/{board.ods.lower()}"]
    graph.add((node, RDF.type, SK.IntegratedCareBoard))
    if graph.value(node, RDFS.label) is None:
        graph.add((node, RDFS.label, Literal(board.name)))
    add_codes(graph, node, board.ods, board.gss, dataset)
    for gss in icb_areas(board.ods):
        graph.add((node, SK.servesArea, area_iri(gss)))
    return node


def add_entity(graph: Graph, entity: Entity) -> None:
    node = entity_iri(entity)
    if entity.label == "LOCAL_AREA":
        for form in entity.forms:
            if form != entity.name:
                graph.add((node, SKOS.altLabel, Literal(form)))
        return
    if entity.label == "PERSON":
        graph.add((node, RDF.type, FOAF.Person))
        graph.add((node, FOAF.name, Literal(entity.name)))
        return
    if entity.label == "HEALTH_BODY":
        graph.add((node, RDF.type, SK.IntegratedCareBoard if entity.kind == "icb" else SK.ClinicalCommissioningGroup))
    else:
        graph.add((node, RDF.type, ENTITY_CLASS[entity.label]))
    graph.add((node, RDFS.label, Literal(entity.name)))
    for form in entity.forms:
        if form != entity.name:
            graph.add((node, SKOS.altLabel, Literal(form)))
    for number, (one, other, why) in enumerate(entity.merges, start=1):
        merge = URIRef(f"{node}/merge/{number}")
        graph.add((node, SK.merge, merge))
        graph.add((merge, RDF.type, SK.Merge))
        graph.add((merge, SK.mergedName, Literal(one)))
        graph.add((merge, SK.mergedName, Literal(other)))
        graph.add((merge, SK.mergeReason, Literal(why)))
    if entity.label == "ORGANISATION" and entity.kind:
        graph.add((node, SK.organisationType, code("organisation-type", entity.kind)))


class DocumentMapper:
    """The triples one document contributes."""

    def __init__(self, graph: Graph | Statements, extraction: Extraction, entities: dict[tuple[str, str], Entity]):
        self.graph = graph
        self.x = extraction
        self.entities = entities
        self.doc = document_iri(extraction)
        self.inspection = inspection_iri(extraction)

    def add(self) -> None:
        self.add_document()
        self.add_inspection()
        self.add_findings()
        self.add_people()
        self.add_mentions()

    def add_document(self) -> None:
        g, x, doc = self.graph, self.x, self.doc
        layout = x.layout
        g.add((doc, RDF.type, SK.SourceDocument))
        g.add((doc, RDF.type, DOCUMENT_CLASS[layout.document_kind]))
        g.add((doc, SK.fileName, Literal(x.source.name)))
        g.add((doc, SK.sha256, Literal(x.source.sha256)))
        g.add((doc, SK.characterCount, Literal(len(x.source.text), datatype=XSD.integer)))
        g.add((doc, DCTERMS["format"], Literal(x.source.media_type)))
        g.add((doc, SK.documentKind, code("document-kind", layout.document_kind)))
        g.add((doc, SK.describes, self.inspection))
        if layout.title:
            g.add((doc, DCTERMS.title, Literal(" ".join(x.source.quote(layout.title).replace("**", "").split()))))
        if x.letter_date:
            if layout.document_kind == "council-report":
                letter = URIRef(f"{doc}/summarised-letter")
                g.add((doc, SK.summarises, letter))
                g.add((letter, RDF.type, SK.InspectionLetter))
                g.add((letter, SK.documentKind, code("document-kind", "letter")))
                g.add((letter, SK.outcomeLetterOf, self.inspection))
                self.date(letter, SK.letterDate, x.letter_date)
            else:
                self.date(doc, SK.letterDate, x.letter_date)

    def add_inspection(self) -> None:
        g, x, node = self.graph, self.x, self.inspection
        g.add((node, RDF.type, INSPECTION_CLASS[x.inspection_kind]))
        g.add((node, SK.framework, code("framework", x.layout.framework)))
        g.add((node, SK.inspectionKind, code("inspection-kind", x.inspection_kind)))
        g.add((node, SK.localArea, entity_iri(self.entity("LOCAL_AREA", x.area.key))))
        for prop, value in (
            (SK.startDate, x.start),
            (SK.endDate, x.end),
            (SK.previousInspectionStart, x.previous_start),
            (SK.previousInspectionEnd, x.previous_end),
        ):
            if value:
                self.date(node, prop, value)
        if x.outcome:
            self.fact(node, SK.outcome, code("outcome", x.outcome.value), x.outcome)
            if x.outcome.value == "wsoa":
                wsoa = URIRef(f"{node}/written-statement-of-action")
                g.add((node, SK.writtenStatementOfAction, wsoa))
                g.add((wsoa, RDF.type, SK.WrittenStatementOfAction))
                g.add((wsoa, PROV.wasDerivedFrom, self.doc))
        if x.next_steps:
            self.fact(node, SK.nextSteps, Literal(x.next_steps.value), x.next_steps)

    def add_findings(self) -> None:
        g, node = self.graph, self.inspection
        verdicts = {v.weakness.span: v for v in self.x.layout.verdicts}
        order = 0
        for section in self.x.layout.sections:
            for number, item in enumerate(section.items, start=1):
                order += 1
                finding = URIRef(f"{self.doc}/finding/{section.section}/{section.polarity}/{number}")
                g.add((node, SK.finding, finding))
                g.add((finding, RDF.type, SK.Finding))
                g.add((finding, SK.text, Literal(item.text)))
                g.add((finding, SK.section, code("section", section.section)))
                g.add((finding, SK.polarity, code("polarity", section.polarity)))
                g.add((finding, SK.order, Literal(order, datatype=XSD.integer)))
                g.add((finding, PROV.wasDerivedFrom, self.doc))
                g.add((finding, SK.evidence, self.span(item.span)))
                if item.responsible:
                    g.add((finding, SK.responsibleBody, Literal(item.responsible)))
                if section.polarity == "significant-weakness":
                    g.add((finding, RDF.type, SK.SignificantWeakness))
                    wsoa = URIRef(f"{node}/written-statement-of-action")
                    g.add((wsoa, SK.addressesWeakness, finding))
                key = (section.section, section.polarity, number)
                for match in self.x.themes.get(key, ()):
                    self.theme(finding, match)
                for index, quantity in enumerate(self.x.quantities.get(key, ()), start=1):
                    self.quantity(finding, index, quantity)
                verdict = verdicts.get(item.span)
                if verdict:
                    g.add((finding, RDF.type, SK.SignificantWeakness))
                    self.fact(finding, SK.progress, code("progress", verdict.progress), Valued(verdict.progress, verdict.statement))

    def add_people(self) -> None:
        g, x = self.graph, self.x
        printed_lead: dict[str, URIRef] = {}
        first_inspector: dict[str, URIRef] = {}
        for number, person in enumerate(x.team, start=1):
            membership = URIRef(f"{self.doc}/team/{number}")
            g.add((self.inspection, SK.teamMembership, membership))
            self.membership(membership, person)
            if person.body in INSPECTORATE:
                g.add((membership, ORG.organization, INSPECTORATE[person.body]))
                kind = role_kind(person.role)
                if person == x.lead_inspector or (person.body != "Ofsted" and kind == "lead-inspector"):
                    printed_lead.setdefault(person.body, membership)
                if kind in ("lead-inspector", "inspector"):
                    first_inspector.setdefault(person.body, membership)
        # Ofsted's lead is the inspection's lead inspector. The other inspectorate's is the member
        # printed as its lead; in a 2016-framework letter, which prints none, its first-listed
        # inspector (the letters list that inspectorate's inspector beside Ofsted's lead).
        for body in sorted(set(printed_lead) | set(first_inspector) - {"Ofsted"}):
            lead = printed_lead.get(body) or first_inspector.get(body)
            if lead is not None:
                g.add((self.inspection, SK.inspectorateLead, lead))
        for number, person in enumerate(x.addressees, start=1):
            membership = URIRef(f"{self.doc}/addressee/{number}")
            g.add((self.doc, SK.addressedTo, membership))
            self.membership(membership, person)
            if person.organisation:
                g.add((membership, SK.organisationAsPrinted, Literal(person.organisation)))
        if x.lead_inspector:
            g.add((self.inspection, SK.leadInspector, self.person(x.lead_inspector)))
        for recipient in x.copied_to:
            self.fact(self.doc, SK.copiedTo, Literal(recipient.value), recipient)

    def add_mentions(self) -> None:
        g = self.graph
        for mention in self.x.mentions:
            entity = entity_iri(self.entity(mention.label, mention.key))
            link = {
                "HEALTH_BODY": (self.inspection, SK.healthBody),
                "ORGANISATION": (self.inspection, SK.namedOrganisation),
                "STATUTE": (self.doc, SK.citesStatute),
            }.get(mention.label)
            if link:
                g.add((link[0], link[1], entity))
            self.mention(entity, mention.text, mention.span)

    # --- helpers ---------------------------------------------------------------------------

    def quantity(self, finding: URIRef, index: int, quantity) -> None:
        """A number the finding states, typed, with what it counts, so areas can be sorted by it."""
        g = self.graph
        node = URIRef(f"{finding}/quantity/{index}")
        g.add((finding, SK.quantity, node))
        g.add((node, RDF.type, SK.Quantity))
        g.add((node, SK.quantityValue, Literal(quantity.value, datatype=XSD.decimal)))
        g.add((node, SK.unit, Literal(quantity.unit)))
        g.add((node, SK.counts, Literal(quantity.counts)))
        g.add((node, SK.statedAs, Literal(quantity.text)))

    def theme(self, finding: URIRef, match) -> None:
        """The finding is about a theme; the words that matched the theme's labels and the theme
        model's likelihood are the evidence."""
        g = self.graph
        theme = code("theme", match.theme)
        node = URIRef(f"{finding}/theme/{match.theme}")
        g.add((finding, SK.theme, theme))
        g.add((finding, SK.themeMatch, node))
        g.add((node, RDF.type, SK.ThemeMatch))
        g.add((node, SK.theme, theme))
        for words in match.words:
            g.add((node, SK.matchedWords, Literal(words)))
        if match.score is not None:
            g.add((node, SK.likelihood, Literal(f"{match.score:.3f}", datatype=XSD.decimal)))

    def entity(self, label: str, key: str) -> Entity:
        return self.entities[(label, key)]

    def person(self, person: Person) -> URIRef:
        node = entity_iri(self.entity("PERSON", person_key(person.name)))
        self.mention(node, person.name, person.span)
        return node

    def membership(self, node: URIRef, person: Person) -> None:
        """A person's role as one document records it, dated, so roles over time sit side by side."""
        g = self.graph
        g.add((node, RDF.type, ORG.Membership))
        g.add((node, ORG.member, self.person(person)))
        g.add((node, SK.nameAsPrinted, Literal(person.name)))
        g.add((node, PROV.wasDerivedFrom, self.doc))
        when = self.x.letter_date or self.x.start
        if when:
            g.add((node, DCTERMS.date, Literal(when.value, datatype=XSD.date)))
        if person.role:
            g.add((node, SK.roleAsPrinted, Literal(person.role)))
            g.add((node, ORG.role, code("role", role_kind(person.role))))

    def date(self, node: URIRef, prop: URIRef, value: DateValue) -> None:
        self.fact(node, prop, Literal(value.value, datatype=XSD.date), Valued(value.value.isoformat(), value.span))

    def fact(self, node: URIRef, prop: URIRef, value, evidence: Valued | Item) -> None:
        """A statement, with a mention saying which span of the document states it."""
        self.graph.add((node, prop, value))
        mention = self.mention(node, None, evidence.span)
        self.graph.add((mention, SK.aboutProperty, prop))

    def mention(self, body: URIRef, text: str | None, span: Span) -> URIRef:
        g = self.graph
        node = URIRef(f"{self.doc}/mention/{span.start}-{span.end}/{slug(str(body).removeprefix(BASE))}")
        g.add((self.doc, SK.mentions, node))
        g.add((node, RDF.type, SK.Mention))
        g.add((node, OA.hasBody, body))
        g.add((node, OA.hasTarget, self.span(span)))
        g.add((node, OA.motivatedBy, OA.identifying if text else OA.describing))
        if text:
            g.add((node, SK.surfaceForm, Literal(" ".join(text.split()))))
        return node

    def span(self, span: Span) -> URIRef:
        g, source = self.graph, self.x.source
        node = URIRef(f"{self.doc}/span/{span.start}-{span.end}")
        position, quote = URIRef(f"{node}/position"), URIRef(f"{node}/quote")
        g.add((node, RDF.type, OA.SpecificResource))
        g.add((node, OA.hasSource, self.doc))
        g.add((node, OA.hasSelector, position))
        g.add((node, OA.hasSelector, quote))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
        g.add((position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(source.quote(span))))
        page = source.page_of(span.start)
        if page:
            g.add((node, SK.page, Literal(page, datatype=XSD.positiveInteger)))
        return node
