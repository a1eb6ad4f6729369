"""Independently written clients against the real server on a loopback port: rdflib's
SPARQLStore / SPARQLUpdateStore, and Apache Jena (a small Java program compiled against the
Debian package's jars; scripts/system-deps.sh installs it)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

from kgbp.store.embedded import EmbeddedStore

from ..conftest import copy_served

pytestmark = pytest.mark.slow

ID = "https://w3id.org/kgbp/id/"
ARREARS = URIRef(f"{ID}service/arrears-reconnect/as-is")
PAY = URIRef(f"{ARREARS}/step/pay")
NOTES = URIRef(f"{ID}user/client-notes")
JAVA = Path(__file__).with_name("JenaClient.java")
JARS = Path("/usr/share/java")  # where Debian's libapache-jena-java and its dependencies put their jars
XERCES_MESSAGES = "org/apache/jena/ext/xerces/"
JENA_CLASSPATH = ["jena-arq", "jena-base", "jena-core", "jena-iri", "jena-rdfconnection", "commons-cli", "commons-codec",
                  "commons-compress", "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson", "guava",
                  "httpclient", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
                  "jakarta.json-api", "protobuf", "slf4j-api", "slf4j-nop", "thrift", "titanium-json-ld"]


@pytest.fixture(scope="module")
def server(examples_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with copy_served(examples_store, tmp_path_factory, "clients", "client") as served:
        yield served


def history_of(base: str, graph: URIRef) -> int:
    answer = httpx.get(f"{base}/sparql", timeout=30, params={"query": (
        f"SELECT (COUNT(?a) AS ?n) WHERE {{ GRAPH <{ID}history> {{ ?a <https://w3id.org/kgbp/ontology#changedBlueprint> <{graph}> }} }}")})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_rdflib_sparql_stores(server: tuple[str, str]) -> None:
    base, token = server
    reader = Graph(SPARQLStore(f"{base}/sparql"), identifier=ARREARS)
    assert (PAY, RDFS.label, Literal("Pay", lang="en")) in reader  # default-graph-uri=<the blueprint>
    labels = reader.query(f"SELECT ?l WHERE {{ <{PAY}> <{RDFS}label> ?l }}")
    assert Literal("Pay", lang="en") in {row[0] for row in labels}  # type: ignore[index]

    store = SPARQLUpdateStore(f"{base}/sparql", f"{base}/sparql", headers={"Authorization": f"Bearer {token}"})
    notes = Graph(store, identifier=NOTES)
    notes.add((PAY, SKOS.exactMatch, URIRef("urn:crm:step:42")))  # INSERT DATA { GRAPH <notes> {…} }
    notes.add((PAY, SKOS.note, Literal("first")))
    assert set(notes.objects(PAY, SKOS.exactMatch)) == {URIRef("urn:crm:step:42")}
    notes.set((PAY, SKOS.note, Literal("second")))  # WITH <notes> DELETE {…} WHERE {…} ; INSERT DATA
    assert set(notes.objects(PAY, SKOS.note)) == {Literal("second")}
    notes.remove((PAY, SKOS.exactMatch, None))  # WITH <notes> DELETE { ?o } WHERE { ?o }
    assert not set(notes.objects(PAY, SKOS.exactMatch))
    assert history_of(base, NOTES) == 5  # add, add, set (a remove and an add), remove: one record each

    # a blueprint through the same client: validated and recorded like any write
    blueprint = Graph(store, identifier=ARREARS)
    blueprint.add((PAY, RDFS.comment, Literal("checked", lang="en")))
    assert set(blueprint.objects(PAY, RDFS.comment)) == {Literal("checked", lang="en")}
    blueprint.remove((PAY, RDFS.comment, None))  # WITH <blueprint> DELETE { … ?o } WHERE { … ?o }
    assert not set(blueprint.objects(PAY, RDFS.comment))
    with pytest.raises(HTTPError, match="422"):  # set() removes every label first: a step must keep its labels
        blueprint.set((PAY, RDFS.label, Literal("Pay the arrears", lang="en")))
    store.rollback()  # rdflib keeps a refused edit queued; drop it
    assert Literal("Pay", lang="en") in set(blueprint.objects(PAY, RDFS.label))
    store.update(f'INSERT DATA {{ GRAPH <{NOTES}> {{ <{PAY}> <{SKOS}note> "third" }} }}')
    assert Literal("third") in set(notes.objects(PAY, SKOS.note))
    with pytest.raises(HTTPError, match="403"):
        store.update(f"INSERT DATA {{ GRAPH <{ID}history> {{ <{PAY}> <{SKOS}note> \"x\" }} }}")


def _jena_classpath() -> str:
    jars = [JARS / f"{name}.jar" for name in JENA_CLASSPATH]
    missing = [j.name for j in jars if not j.exists()]
    if missing:
        pytest.fail(f"Apache Jena's jars are needed ({', '.join(missing)} missing): install them with "
                    "`make system-deps`, or `apt-get install libapache-jena-java`", pytrace=False)
    return ":".join(map(str, jars))


@pytest.fixture(scope="module")
def jena_client(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """JenaClient.java compiled against the installed Jena jars: (classpath, class folder)."""
    javac = shutil.which("javac")
    if javac is None:
        pytest.fail("javac is needed for the Jena client test (`make system-deps`)", pytrace=False)
    classpath = _jena_classpath()
    out = tmp_path_factory.mktemp("jena")
    # Debian's jena-core holds its bundled Xerces classes as `xerces.*` but their message
    # files under org/apache/jena/ext/xerces/; without them at `xerces/` Jena fails to start
    # ("internal error" in XSSimpleTypeDecl). Put copies where the classes look.
    with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(XERCES_MESSAGES) and name.endswith(".properties"):
                target = out / "xerces" / name.removeprefix(XERCES_MESSAGES)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    done = subprocess.run([javac, "-cp", classpath, "-d", str(out), str(JAVA)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return classpath, out


def jena(jena_client: tuple[str, Path], *args: str) -> str:
    classpath, classes = jena_client
    done = subprocess.run(["java", "-cp", f"{classes}:{classpath}", "JenaClient", *args], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_apache_jena_select_update_and_graph_store_put(server: tuple[str, str],
                                                       jena_client: tuple[str, Path]) -> None:
    base, token = server
    # a SELECT long enough that Jena POSTs it (over 2 KB), with Java's HttpClient's Upgrade: h2c
    padding = "#" + "x" * 3000 + "\n"
    rows = jena(jena_client, "select", f"{base}/",
                f"{padding}SELECT ?l WHERE {{ <{PAY}> <{RDFS}label> ?l FILTER(LANG(?l) = 'en') }}")
    assert rows.strip().splitlines() == ["Pay"]

    jena(jena_client, "update", f"{base}/", token,
         f'INSERT DATA {{ GRAPH <{NOTES}> {{ <{PAY}> <{SKOS}note> "from Jena" }} }}')
    assert "from Jena" in httpx.get(f"{base}/rdf-graphs/service", params={"graph": str(NOTES)}, timeout=30).text

    turtle = f'<{PAY}> <{SKOS}exactMatch> <urn:erp:step:7> .'
    jena(jena_client, "put", f"{base}/", token, f"{ID}user/jena-put", turtle)
    stored = Graph().parse(data=httpx.get(f"{base}/rdf-graphs/service", params={"graph": f"{ID}user/jena-put"},
                                          timeout=30).text, format="turtle")
    assert set(stored) == {(PAY, SKOS.exactMatch, URIRef("urn:erp:step:7"))}
    assert history_of(base, URIRef(f"{ID}user/jena-put")) == 1
