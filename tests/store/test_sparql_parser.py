"""rdflib's SPARQL parser is not thread-safe (shared pyparsing state): the server's threads
parse through one lock. Without it, threads parsing at once fail at random with
"postParse2() missing 1 required positional argument" (seen as a 500 during a bulk import)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kgbp.resources import data_dir, internal_query
from kgbp.store.sparql_parser import parse_query, parse_update, prepare_query


def test_threads_parsing_at_once_all_get_their_own_answers() -> None:
    texts = [f'SELECT DISTINCT ?x{i} WHERE {{ BIND(<http://example.org/{i}> AS ?x{i}) ?x{i} ?p "v{i}" }}' for i in range(40)]

    def parse(i: int) -> tuple[int, str]:
        tree = parse_query(texts[i])
        prepare_query(texts[i])
        parse_update(f"INSERT DATA {{ <http://example.org/{i}> <http://example.org/p> {i} }}")
        return i, str(tree)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(parse, [i % 40 for i in range(400)]))
    for i, tree in results:
        assert f"x{i}" in tree and f"v{i}" in tree


def test_every_internal_query_loads_from_many_threads_at_once() -> None:
    names = sorted(p.stem for p in (data_dir("queries") / "internal").glob("*.rq"))
    internal_query.cache_clear()
    with ThreadPoolExecutor(8) as pool:
        texts = list(pool.map(internal_query, names * 4))
    assert all(t.startswith("#+ summary:") for t in texts) and len(texts) == 4 * len(names)
