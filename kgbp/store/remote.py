"""A SPARQL 1.1 server as the store: Query and Update through SPARQLWrapper, the Graph
Store Protocol through httpx. Virtuoso 7 is the reference server; its departures from the
standard are handled here (docs/virtuoso.md lists each one):

- it cuts answers at its `ResultSetMaxRows`, for SELECT with an `X-SPARQL-MaxRows` header,
  for CONSTRUCT and Graph Store reads silently: both are raised as errors, never returned
  as a short answer;
- an update request of several operations is not one transaction (a failing operation
  leaves the earlier ones applied), and INSERT DATA refuses blank nodes and stops near
  5,000 triples: so `replace_graphs` uploads to staging graphs, checks their sizes, and
  swaps them in with ONE DELETE/INSERT operation (graph by graph beyond ATOMIC_GRAPHS);
- it rejects or mis-evaluates parameters given as VALUES in places: `bind` substitutes
  them into the WHERE group instead, as the embedded store does;
- its JSON results are slow and write booleans as 1/0, its TSV is not SPARQL TSV: answers
  are read as XML (solutions) or N-Triples (graphs) and re-serialised here when asked for;
- blank nodes come back as `nodeID://…`, language tags in lower case.

It can also answer wrongly after the store grows, until restarted: see docs/virtuoso.md.

Endpoint layout: Virtuoso's by default (queries at `…/sparql`, authenticated updates at
`…/sparql-auth` and graph uploads at `…/sparql-graph-crud-auth`, both with HTTP digest);
another server's update and Graph Store endpoints are given as `update_url` and
`graph_store_url` (settings `store_update_url`, `store_graph_store_url`). The Oxigraph
server runs the same suite (tests/system/test_stores.py).
"""

from __future__ import annotations

import io
import logging
import urllib.error
import urllib.request
import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from http.client import HTTPException, HTTPMessage
from pathlib import Path

import httpx
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Node
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

from ..errors import KgbpError, NotAcceptable, QueryError, QueryTimeout, StoreUnavailable
from ..i18n import say
from .protocol import Bindings, Rows, SerializedResult, Term, UpdatePreview
from .result_writers import MEDIA_TYPES as RESULT_MEDIA_TYPES
from .result_writers import write_boolean, write_solutions
from .sparql_text import bind as bind_terms
from .sparql_text import query_form, term

log = logging.getLogger("kgbp.store.remote")

KGBP_GRAPHS = "https://w3id.org/kgbp/"  # every graph kgbp writes is named under this
STAGING = "https://w3id.org/kgbp/id/staging/"  # uploads not yet swapped in (never listed)
ATOMIC_GRAPHS = 8  # graphs one write swaps in a single operation (see replace_graphs)
STALE_STAGING = timedelta(hours=1)  # staging graphs older than this are debris of a failed write

XML_RESULTS = "application/sparql-results+xml"
N_TRIPLES = "application/n-triples"
# media type -> rdflib format, for graphs re-serialised here
GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
DATASET_FORMATS = {"application/n-quads": "nquads", "application/trig": "trig"}


class _Endpoint(SPARQLWrapper):
    """SPARQLWrapper with its own urllib opener. SPARQLWrapper's digest support installs a
    process-wide opener (urllib.request.install_opener); this keeps credentials here."""

    def __init__(self, url: str, update_url: str, opener: urllib.request.OpenerDirector, timeout: float) -> None:
        super().__init__(url, updateEndpoint=update_url)
        self._opener = opener
        self.setMethod(POST)  # URL-encoded: Virtuoso never answers a query POSTed directly
        self.setRequestMethod(URLENCODED)
        self.setOnlyConneg(True)  # no format=/output= parameters: they override Accept on Virtuoso
        self.setTimeout(max(1, round(timeout)))

    def _query(self):  # type: ignore[no-untyped-def]
        return self._opener.open(self._createRequest(), timeout=self.timeout), self.returnFormat


class RemoteStore:
    """kgbp's store on a SPARQL 1.1 Query + Update + Graph Store Protocol server."""

    def __init__(self, endpoint_url: str, user: str = "", password: str = "", *,
                 update_url: str | None = None, graph_store_url: str | None = None,
                 timeout: float = 300.0) -> None:
        self.url = endpoint_url
        base = endpoint_url[: -len("/sparql")] if endpoint_url.rstrip("/").endswith("/sparql") else None
        authenticated = bool(user)
        if update_url is None:
            update_url = f"{base}/sparql-auth" if base and authenticated else endpoint_url
        if graph_store_url is None:
            graph_store_url = f"{base}/sparql-graph-crud{'-auth' if authenticated else ''}" if base else ""
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.timeout = timeout
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        if authenticated:
            self._passwords.add_password(None, update_url, user, password)  # type: ignore[arg-type]
        self._http = httpx.Client(auth=httpx.DigestAuth(user, password) if authenticated else None,
                                  timeout=timeout)
        self._max_rows: int | bool | None = False  # False: not asked yet; None: no known cap
        self._checked_staging = False

    # -- the wire ------------------------------------------------------------------------
    def _request(self, text: str, accept: str, params: Mapping[str, Sequence[str]] | None = None,
                 timeout: float | None = None, *, update: bool = False) -> tuple[bytes, HTTPMessage]:
        # an opener per request: urllib's digest handler keeps per-exchange state
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(self._passwords))
        endpoint = _Endpoint(self.url, self.update_url, opener, timeout or self.timeout)
        endpoint.setQuery(text)
        # we know which it is; SPARQLWrapper's guess from keywords can take a query for an update
        endpoint.queryType = "INSERT" if update else "SELECT"
        endpoint.addCustomHttpHeader("Accept", accept)
        for key, values in (params or {}).items():
            for value in values:
                endpoint.addParameter(key, value)
        url = self.update_url if update else self.url
        try:
            response = endpoint.query().response
            return response.read(), response.info()
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc.code, exc.read().decode("utf-8", "replace"), url, update) from None
        except TimeoutError:
            raise QueryTimeout(say("rs_timeout", seconds=f"{timeout or self.timeout:.0f}"), where=url,
                               hint=say("rs_narrow_hint")) from None
        except (urllib.error.URLError, HTTPException, OSError) as exc:
            raise self._unreachable(url, exc) from None

    def _unreachable(self, url: str, exc: BaseException) -> StoreUnavailable:
        reason = getattr(exc, "reason", None) or exc
        return StoreUnavailable(say("rs_unreachable", reason=str(reason)), where=url, hint=say("rs_unreachable_hint"))

    def _http_error(self, status: int, body: str, url: str, is_update: bool = False) -> Exception:
        message = _server_message(body)
        if status in (401, 403):
            return StoreUnavailable(say("rs_credentials" if status == 401 else "rs_forbidden", message=message), where=url,
                                    hint=say("rs_credentials_hint"))
        if status == 404:
            return StoreUnavailable(say("rs_no_endpoint", message=message), where=url, hint=say("rs_no_endpoint_hint"))
        if status == 406:
            return NotAcceptable(say("rs_not_acceptable", message=message), where=url, hint=say("rs_other_format_hint"))
        what = say("rs_what_update" if is_update else "rs_what_query")
        if "transitive start not given" in message:
            return QueryError(say("rs_path_refused", message=message), where=url, hint=say("rs_path_hint"))
        if "not allowed in a constant clause" in message:
            return QueryError(say("rs_update_refused", message=message), where=url, hint=say("rs_blank_nodes_hint"))
        if "SR171" in message or "S1T00" in message or "exceeds the limit" in message:
            return QueryTimeout(say("rs_stopped", what=what, message=message), where=url, hint=say("rs_stopped_hint"))
        if status == 400:
            return QueryError(say("rs_malformed", what=what, message=message), where=url, hint=say("rs_fix_syntax_hint"))
        return QueryError(say("rs_failed", what=what, status=status, message=message), where=url, hint=say("rs_log_hint"))

    def _checked(self, headers: HTTPMessage, count: int, url: str) -> None:
        """Refuse an answer the server cut short (Virtuoso returns a prefix with 200)."""
        state = headers.get("X-SQL-State", "")
        if state == "S1TAT":
            raise QueryTimeout(say("rs_stopped_at_limit"), where=url, hint=say("rs_narrow_hint"))
        header = headers.get("X-SPARQL-MaxRows")
        cap = int(header) if header and header.isdigit() else self.max_rows()
        if cap is not None and count >= cap:
            raise QueryError(say("rs_first_results", cap=cap), where=url, hint=say("rs_max_rows_hint"))

    def max_rows(self) -> int | None:
        """The server's cap on answer rows (Virtuoso's ResultSetMaxRows), None when unknown."""
        if self._max_rows is False:
            self._max_rows = None
            try:
                body, _ = self._request(
                    "SELECT (bif:cfg_item_value(bif:virtuoso_ini_path(), 'SPARQL', 'ResultSetMaxRows') AS ?m) {}",
                    XML_RESULTS)
                found = _parse_results(body).bindings
                value = found[0].get(Variable("m")) if found else None
                if value is not None and str(value).strip().isdigit():
                    self._max_rows = int(str(value))
            except QueryError:
                pass  # not Virtuoso: no bif: functions, and no known cap
        return self._max_rows  # type: ignore[return-value]

    # -- queries -------------------------------------------------------------------------
    def _solutions(self, query: str, bindings: Bindings | None,
                   params: Mapping[str, Sequence[str]] | None = None, timeout: float | None = None) -> Result:
        body, headers = self._request(bind(query, bindings), XML_RESULTS, params, timeout)
        result = _parse_results(body)
        if result.type == "SELECT":
            self._checked(headers, len(result.bindings), self.url)
        return result

    def _triples(self, query: str, bindings: Bindings | None,
                 params: Mapping[str, Sequence[str]] | None = None, timeout: float | None = None) -> Graph:
        body, headers = self._request(bind(query, bindings), N_TRIPLES, params, timeout)
        graph = _normal_graph(_parse_graph(body, self.url))
        self._checked(headers, len(graph), self.url)
        return graph

    def select(self, query: str, bindings: Bindings | None = None) -> Rows:
        result = self._solutions(query, bindings)
        if result.type != "SELECT":
            raise QueryError("expected a SELECT query", hint="use select() for SELECT only")
        variables = [str(v) for v in result.vars or []]
        rows: list[tuple[Term | None, ...]] = [
            tuple(_normal(b.get(Variable(v))) for v in variables) for b in result.bindings]
        return Rows(variables, rows)

    def solutions(self, query: str, bindings: Bindings | None = None) -> Rows:
        return self.select(query, bindings)  # parsed into rdflib terms already: nothing to save

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._solutions(query, bindings)
        if result.type != "ASK":
            raise QueryError("expected an ASK query", hint="use ask() for ASK only")
        return bool(result.askAnswer)

    def construct(self, query: str, bindings: Bindings | None = None) -> Graph:
        return self._triples(query, bindings)

    def query_serialized(self, query: str, media_type: str, default_graphs: Sequence[URIRef] = (),
                         named_graphs: Sequence[URIRef] = (), timeout: float | None = None,
                         graph_media_type: str | None = None) -> SerializedResult:
        params: dict[str, list[str]] = {}
        if default_graphs:
            params["default-graph-uri"] = [str(g) for g in default_graphs]
        if named_graphs:
            params["named-graph-uri"] = [str(g) for g in named_graphs]
        if timeout:
            # Virtuoso's "anytime" limit stops the work on the server; its partial answer
            # is refused in _checked (X-SQL-State: S1TAT)
            params["timeout"] = [str(int(timeout * 1000))]
        if query_form(query) in ("CONSTRUCT", "DESCRIBE"):
            chosen = graph_media_type or media_type
            if chosen not in GRAPH_FORMATS:
                raise NotAcceptable(say("not_acceptable_graph"), where="Accept",
                                    hint=say("accept_one_of", formats=", ".join(GRAPH_FORMATS)))
            graph = self._triples(query, None, params, (timeout + 5) if timeout else None)
            return SerializedResult(graph.serialize(format=GRAPH_FORMATS[chosen], encoding="utf-8"), chosen)
        if media_type not in RESULT_MEDIA_TYPES:
            raise NotAcceptable(say("not_acceptable_results"), where="Accept",
                                hint=say("accept_one_of", formats=", ".join(RESULT_MEDIA_TYPES)))
        result = self._solutions(query, None, params, (timeout + 5) if timeout else None)
        if result.type == "ASK":
            return SerializedResult(write_boolean(bool(result.askAnswer), media_type), media_type)
        variables = [str(v) for v in result.vars or []]
        rows = [[_normal(b.get(Variable(v))) for v in variables] for b in result.bindings]
        return SerializedResult(write_solutions(variables, rows, media_type), media_type)

    # -- writes --------------------------------------------------------------------------
    def update(self, update: str) -> None:
        """Run a SPARQL Update. On Virtuoso each operation of the request is its own
        transaction: a failing operation leaves the ones before it applied."""
        self._request(update, "*/*", update=True)

    def preview_update(self, update: str, candidates: Collection[URIRef | None] | None = None) -> UpdatePreview:
        """What `update` would change, found by running it on an in-memory copy of kgbp's
        graphs (Virtuoso has no dry run, nor a transaction to roll back). The copy costs
        the size of the store: right for updates written by hand, not for bulk loads."""
        from .embedded import EmbeddedStore

        local = EmbeddedStore(None)
        local.replace_graphs({name: self.graph(name) for name in self.graph_names()})
        preview = local.preview_update(update, candidates)
        return UpdatePreview(preview.changes)

    def replace_graphs(self, replace: Mapping[URIRef, Graph | None],
                       add: Mapping[URIRef, Graph] | None = None) -> None:
        """Upload the new content to staging graphs, check the server holds every triple,
        then swap it in and drop the staging graphs. A failure before the swap leaves the
        store as it was.

        Up to ATOMIC_GRAPHS graphs swap in one DELETE/INSERT operation: all or nothing (a
        save of a few blueprints, with the repository and history graphs). More swap one
        graph per operation, the added-to graphs (repository) first: each graph is then
        old or new, but a failure part way leaves the graphs before it swapped. Virtuoso
        takes one operation over many graphs in time that grows faster than their number.
        """
        add = {g: c for g, c in (add or {}).items() if len(c)}
        if not replace and not add:
            return
        if not self._checked_staging:
            self._drop_stale_staging()
        token = f"{STAGING}{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:12]}/"
        # one staging graph per target: the new content of a replaced graph (with what is
        # added to it), or what is added to a graph that stays
        contents = {g: (c if c is not None else Graph()) for g, c in replace.items()}
        for g, c in add.items():
            contents[g] = contents[g] + c if g in replace else c
        staged: dict[URIRef, tuple[URIRef, Graph]] = {}
        for target, content in contents.items():
            if len(content):
                staged[URIRef(f"{token}{len(staged)}")] = (target, content)
        staging_of = {t: s for s, (t, _) in staged.items()}
        nothing = URIRef(f"{token}none")  # never written: a dropped graph keeps none of its triples
        keep = {g: staging_of.get(g, nothing) for g in replace}
        drop_staging = " ;\n".join(f"DROP SILENT GRAPH {term(s)}" for s in staged)
        try:
            for name, (_, content) in staged.items():
                self._put(name, content)
            self._verify(staged)
            if len(contents) <= ATOMIC_GRAPHS:
                # the drops follow the swap in the same request: they run only when it succeeded
                swap = _swap_update(keep, staging_of)
                self._request(swap + (f" ;\n{drop_staging}" if staged else ""), "*/*", update=True)
                return
            for g in [*(g for g in contents if g not in replace), *replace]:
                self._request(_swap_one(g, keep.get(g), staging_of.get(g)), "*/*", update=True)
        except BaseException:
            if staged:
                try:
                    self._request(drop_staging, "*/*", update=True)
                except KgbpError as exc:  # dropped by a later write (STALE_STAGING)
                    log.warning("could not drop staging graphs %s…: %s", token, exc)
            raise
        try:
            if staged:
                self._request(drop_staging, "*/*", update=True)
        except KgbpError as exc:  # the write is done; a later write drops them (STALE_STAGING)
            log.warning("could not drop staging graphs %s…: %s", token, exc)

    def _put(self, name: URIRef, content: Graph) -> None:
        if not self.graph_store_url:
            raise StoreUnavailable(say("rs_no_graph_store"), where=self.url, hint=say("rs_no_graph_store_hint"))
        body = content.serialize(format="turtle", encoding="utf-8")
        try:
            response = self._http.put(self.graph_store_url, params={"graph": str(name)}, content=body,
                                      headers={"Content-Type": "text/turtle; charset=utf-8"})
        except httpx.TimeoutException:
            raise QueryTimeout(say("rs_put_slow"), where=self.graph_store_url, hint=say("rs_put_slow_hint")) from None
        except httpx.TransportError as exc:
            raise self._unreachable(self.graph_store_url, exc) from None
        if response.status_code >= 300:
            raise self._http_error(response.status_code, response.text, self.graph_store_url, is_update=True)

    def _verify(self, staged: Mapping[URIRef, tuple[URIRef, Graph]]) -> None:
        """Every staged triple arrived: the server may merge literals it deems equal, or stop early."""
        if not staged:
            return
        values = " ".join(term(s) for s in staged)
        rows = self.select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
                           "GROUP BY ?g")
        counts = {g: int(n) for g, n in rows.rows}  # type: ignore[call-overload]
        for name, (target, content) in staged.items():
            if counts.get(name, 0) != len(content):
                raise QueryError(say("rs_kept_part", kept=counts.get(name, 0), total=len(content)), where=str(target),
                                 hint=say("rs_kept_part_hint"))

    def _drop_stale_staging(self) -> None:
        cutoff = f"{datetime.now(UTC) - STALE_STAGING:%Y%m%dT%H%M%SZ}"
        stale = [g for g in self._all_graphs() if g.startswith(STAGING) and g[len(STAGING):][:16] < cutoff]
        if stale:
            log.warning("dropping %d staging graphs left by failed writes", len(stale))
            self._request(" ;\n".join(f"DROP SILENT GRAPH {term(g)}" for g in stale), "*/*", update=True)
        self._checked_staging = True

    def _all_graphs(self) -> list[URIRef]:
        # GROUP BY, not DISTINCT: Virtuoso answers it from an index (ms, not a scan of every
        # quad); filtering here, not in SPARQL, keeps it so
        rows = self.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return [g for (g,) in rows.rows if isinstance(g, URIRef)]

    # -- graphs --------------------------------------------------------------------------
    def graph(self, name: URIRef) -> Graph:
        return self._triples("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": name})

    def triples(self, name: URIRef) -> set[tuple[Node, Node, Node]]:
        return set(self.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": name}).rows)  # type: ignore[arg-type]

    def graph_ntriples(self, name: URIRef) -> bytes:
        return self.query_serialized("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", N_TRIPLES, default_graphs=[name]).body

    def graph_names(self) -> list[URIRef]:
        """kgbp's graphs. The server's own (Virtuoso's virtrdf#, …) and other applications'
        are not kgbp's, nor are staging graphs of writes under way."""
        return sorted(g for g in self._all_graphs() if g.startswith(KGBP_GRAPHS) and not g.startswith(STAGING))

    def dump(self, media_type: str = "application/n-quads") -> bytes:
        if media_type not in DATASET_FORMATS:
            raise NotAcceptable(say("rs_cannot_dump", media_type=media_type), where="dump",
                                hint=say("use_one_of", values=", ".join(DATASET_FORMATS)))
        dataset = Dataset()
        for name in self.graph_names():
            named = dataset.graph(name)
            for triple in self.graph(name):
                named.add(triple)
        return dataset.serialize(format=DATASET_FORMATS[media_type], encoding="utf-8")

    def backup(self, target: str) -> None:
        """Write every kgbp graph to `target` as N-Quads (a folder gets kgbp-backup.nq)."""
        path = Path(target)
        if path.is_dir():
            path = path / "kgbp-backup.nq"
        path.write_bytes(self.dump())

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"


# -- parameters ----------------------------------------------------------------------------

def bind(query: str, bindings: Bindings | None) -> str:
    """`query` with its parameters substituted into the WHERE group (sparql_text.bind).

    Virtuoso needs substitution: it rejects a trailing VALUES on a variable that is not
    projected ("No column"), answers a path `?a p* ?b` with no rows when ?b comes from
    VALUES (trailing or inline), and fails to compile some queries with an inline VALUES.
    """
    return bind_terms(query, bindings, substitute=True, term_of=_term)


def _term(node: Node) -> str:
    if isinstance(node, BNode):
        return f"<nodeID://{node}>"  # Virtuoso's name for its blank node (as _normal reads it)
    return term(node)


# -- answers -----------------------------------------------------------------------------

def _server_message(body: str) -> str:
    """Virtuoso's error text without the query it echoes back."""
    text = body.split("\n\nSPARQL query:", 1)[0].strip()
    return " ".join(text.split())[:500] or "(no message)"


def _parse_results(body: bytes) -> Result:
    return Result.parse(io.BytesIO(body), format="xml")


class _KeepLabels(dict[str, str]):
    """Blank node labels as the server wrote them (rdflib would mint new ones per answer):
    they name the server's nodes, so two reads give the same labels, as select() does."""

    def get(self, key: str, default: str | None = None) -> str:  # type: ignore[override]
        return key


def _parse_graph(body: bytes, url: str) -> Graph:
    graph = Graph()
    try:
        graph.parse(data=body, format="nt", bnode_context=_KeepLabels())
    except Exception as exc:  # rdflib raises several kinds; the cause is a broken answer
        raise QueryError(say("rs_unreadable_graph", error=str(exc)), where=url, hint=say("rs_unreadable_graph_hint")) from None
    return graph


def _normal(node: Node | None) -> Node | None:
    """One spelling per term, as the embedded store gives it."""
    if isinstance(node, BNode) and str(node).startswith("nodeID://"):
        return BNode(str(node)[len("nodeID://"):])
    if isinstance(node, Literal):
        if node.language and node.language != node.language.lower():
            return Literal(str(node), lang=node.language.lower())
        if node.datatype == XSD.string:
            return Literal(str(node))
    return node


def _normal_graph(graph: Graph) -> Graph:
    if not any(isinstance(o, Literal) and (o.datatype == XSD.string or (o.language or "").lower() != (o.language or ""))
               for o in graph.objects()):
        return graph
    out = Graph()
    for s, p, o in graph:
        out.add((s, p, _normal(o)))  # type: ignore[arg-type]
    return out


def _swap_update(replace: Mapping[URIRef, URIRef], staging: Mapping[URIRef, URIRef]) -> str:
    """ONE operation (Virtuoso applies one operation atomically, a request of several not)
    that turns each target graph into its staging graph's content. `replace` maps each
    replaced graph to its staging graph, `staging` each target to its staging graph.

    Only the difference is written: a triple in both the old and the new content is
    neither deleted nor inserted, so saving a blueprint again with one change writes one
    change, not the whole graph twice.
    """
    old = " ".join(f"({term(g)} {term(s)})" for g, s in replace.items())
    new = " ".join(f"({term(s)} {term(t)})" for t, s in staging.items())
    branches = []
    if old:
        branches.append(f"{{ VALUES (?old ?keep) {{ {old} }} GRAPH ?old {{ ?s ?p ?o }} "
                        "FILTER NOT EXISTS { GRAPH ?keep { ?s ?p ?o } } }")
    if new:
        branches.append(f"{{ VALUES (?staged ?target) {{ {new} }} GRAPH ?staged {{ ?s2 ?p2 ?o2 }} "
                        "FILTER NOT EXISTS { GRAPH ?target { ?s2 ?p2 ?o2 } } }")
    delete = "DELETE { GRAPH ?old { ?s ?p ?o } }\n" if old else ""
    insert = "INSERT { GRAPH ?target { ?s2 ?p2 ?o2 } }\n" if new else ""
    return f"{delete}{insert}WHERE {{\n  " + "\n  UNION\n  ".join(branches) + "\n}"


def _swap_one(target: URIRef, keep: URIRef | None, staging: URIRef | None) -> str:
    """_swap_update for one graph, with the graph names written out: Virtuoso plans it
    far better than the same operation over a one-row VALUES."""
    g = term(target)
    branches, delete, insert = [], "", ""
    if keep is not None:
        delete = f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }}\n"
        branches.append(f"{{ GRAPH {g} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ GRAPH {term(keep)} {{ ?s ?p ?o }} }} }}")
    if staging is not None:
        insert = f"INSERT {{ GRAPH {g} {{ ?s2 ?p2 ?o2 }} }}\n"
        branches.append(f"{{ GRAPH {term(staging)} {{ ?s2 ?p2 ?o2 }} FILTER NOT EXISTS {{ GRAPH {g} {{ ?s2 ?p2 ?o2 }} }} }}")
    return f"{delete}{insert}WHERE {{\n  " + "\n  UNION\n  ".join(branches) + "\n}"
