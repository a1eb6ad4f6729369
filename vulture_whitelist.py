"""Names vulture cannot see being used: frameworks and libraries read or call them.

`make lint` runs vulture over kgbp/, tests/, scripts/ and bench/ (pyproject.toml,
[tool.vulture]); routes, Typer commands, pytest fixtures and Hypothesis tests are
recognised by their decorators there. Anything else vulture reports is dead: delete it,
do not list it here.
"""
# ruff: noqa
# mypy: ignore-errors

# FastAPI: query parameters declared for the OpenAPI page; the route reads them from the request
default_graph_uri  # kgbp/web/routers/sparql.py
named_graph_uri  # kgbp/web/routers/sparql.py
# FastAPI reads a route function's signature from it (one operation per named query)
_.__signature__  # kgbp/web/routers/queries.py

# Jinja templates read these fields (kgbp/web/templates/)
_.blueprint_title  # kgbp/repository/search.py, home.html

# uvicorn: a running server stops when should_exit is set
_.should_exit  # tests/live_server.py and the tests' own servers
# asyncio hands a protocol the bytes it receives
_.data_received  # kgbp/web/http_protocol.py

# lxml calls a Resolver's resolve(url, pubid, context)
pubid  # tests/archimate/test_archimate.py

# zipfile writes these ZipInfo fields into the archive
_.compress_type  # kgbp/archimate/archi_csv.py
_.external_attr  # kgbp/archimate/archi_csv.py

# SPARQLWrapper sends the query form it is told
_.queryType  # kgbp/store/remote.py

# pySHACL's validator runs the shapes graph set on it
_.shacl_graph  # kgbp/validation/engine.py

# python-pptx: text frame, paragraph and line properties written into the slide
_.alignment  # kgbp/slides/export.py, kgbp/spreadsheet/writer.py (openpyxl)
_.auto_size
_.dash_style
_.line_spacing
_.margin_bottom
_.margin_left
_.margin_right
_.margin_top
_.vertical_anchor
_.word_wrap

# xml.sax calls a ContentHandler's startElement for each element (counting cells before loading)
_.startElement  # kgbp/spreadsheet/reader.py

# the evidence reader calls a table's reader method by the table's kind (getattr(reader, kind))
_.measurements  # kgbp/quality/reader.py
_.surveys
_.category_mapping

# openpyxl: the frozen header rows of a sheet
_.freeze_panes  # kgbp/spreadsheet/writer.py

# python-pptx: a plain part's bytes, replaced to set the theme's fonts
_._blob  # kgbp/slides/fonts.py
