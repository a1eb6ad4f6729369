"""The registry: departments, systems and channels shared by every blueprint.

Its own capability (what people call it), holding its reader and its writer: `names`
(the one name resolver), `listing` (list and search, with aliases, parents, status and
uses), `operations` (merge, rename, alias: explicit, validated, recorded in history).
Matching a file's declarations against it happens while reading (ingest/shared.py, ingest/yaml_reader.py).
"""
