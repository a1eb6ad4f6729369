"""YAML loading that remembers where every value came from (line and column).

PyYAML gives marks on nodes only; we keep them beside the constructed values so that
every later error (schema, unknown id, cycle) can name `file:line:col`. Duplicate keys,
which PyYAML silently overwrites, are reported.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from ..errors import BadInput
from ..i18n import joined, say

# A place in an authoring file: (line, column) in YAML, or a cell such as "Steps!D7" in a
# spreadsheet (whose reader builds the same located document; see spreadsheet.py).
Place = tuple[int, int] | str


def where(source: str, at: Place) -> str:
    """`file:line:col`, or `file.xlsx!Sheet!D7` for a cell."""
    return f"{source}!{at}" if isinstance(at, str) else f"{source}:{at[0]}:{at[1]}"


def short(at: Place) -> str:
    """A place within the file, for messages that point back to an earlier entry."""
    return say("at_place", at=at) if isinstance(at, str) else say("on_line", line=at[0])


class LocatedDict(dict[Any, Any]):
    at: Place = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.key_at: dict[Any, Place] = {}  # where each value starts
        self.key_pos: dict[Any, Place] = {}  # where each key is written


class LocatedList(list[Any]):
    at: Place = (1, 1)

    def __init__(self) -> None:
        super().__init__()
        self.item_at: list[Place] = []


def _at(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


MAX_EXPANDED_NODES = 100_000  # a large blueprint has a few thousand
# text the aliases may stand for: a few times the document, or 1 MB (a 20 KB string aliased
# 2,000 times is 40 MB to store from a 77 KB file)
EXPANSION_RATIO, MIN_EXPANDED_CHARS = 4, 1_000_000


# libyaml's parser (PyYAML's C extension) is ~15x faster than the pure-Python one and keeps
# the same marks; the constructors below stay Python, so values keep their places.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Parser):  # type: ignore[valid-type,misc]
    source = "<input>"
    text = ""

    def get_single_node(self) -> Node | None:
        node = super().get_single_node()
        if node is not None and "*" in self.text:  # an alias is written `*name`: walk only then
            _check_expansion(node, self.source, self.text)
        return node  # type: ignore[no-any-return]


def _check_expansion(root: Node, source: str, text: str) -> None:
    """Aliases share one value under many keys: a few lines can stand for billions of
    values ("billion laughs") that every later walk over the document would visit.
    Refuse a document that expands past MAX_EXPANDED_NODES, or refers to itself."""
    sizes: dict[int, int] = {}
    chars: dict[int, int] = {}
    open_: set[int] = set()
    text_cap = max(MIN_EXPANDED_CHARS, EXPANSION_RATIO * len(text))

    def length(node: Node) -> int:  # characters of scalars, aliases counted each time they are used
        key = id(node)
        if key not in chars:
            if isinstance(node, SequenceNode):
                total = sum(length(child) for child in node.value)
            elif isinstance(node, MappingNode):
                total = sum(length(k) + length(v) for k, v in node.value)
            else:
                total = len(str(node.value))
            chars[key] = min(total, text_cap + 1)
        return chars[key]

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise BadInput(say("yaml_alias_loop"), where=where(source, _at(node)), hint=say("yaml_alias_loop_hint"))
        open_.add(key)
        if isinstance(node, SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        open_.discard(key)
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[key]

    if size(root) > MAX_EXPANDED_NODES:
        raise BadInput(say("yaml_alias_values", limit=MAX_EXPANDED_NODES), where=source, hint=say("yaml_alias_values_hint"))
    if length(root) > text_cap:  # size() ran first: no cycles left, every node sized
        raise BadInput(say("yaml_alias_text", limit=text_cap), where=source, hint=say("yaml_alias_text_hint"))


def _mapping(loader: _Loader, node: MappingNode) -> LocatedDict:
    result = LocatedDict()
    result.at = _at(node)
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            line, col = _at(key_node)
            raise BadInput(say("duplicate_key", key=repr(key), first=short(result.key_at[key])),
                           where=f"{loader.source}:{line}:{col}",
                           hint=say("duplicate_key_hint"))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_at[key] = _at(value_node)
        result.key_pos[key] = _at(key_node)
    return result


def _sequence(loader: _Loader, node: SequenceNode) -> LocatedList:
    result = LocatedList()
    result.at = _at(node)
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.item_at.append(_at(child))
    return result


def _timestamp_as_text(loader: _Loader, node: Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)  # type: ignore[arg-type]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)  # type: ignore[arg-type]
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load(text: str, source: str) -> Any:
    """Parse one YAML document; syntax errors become BadInput with line and column."""
    loader = _Loader(text)
    loader.source, loader.text = source, text
    try:
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:  # the C parser reports it when it meets the character
        at = int(exc.position)
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        raise BadInput(say("control_character", code=f"#x{exc.character:04x}"),
                       where=f"{source}:{line}:{column}",
                       hint=say("control_character_hint")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what: str = " ".join(x for x in (exc.context, exc.problem) if x)  # PyYAML's own words
        if exc.context_mark is not None and exc.problem_mark is not None and exc.context_mark.line != exc.problem_mark.line:
            what = joined([what, say("yaml_starts_on_line", line=exc.context_mark.line + 1)], "")
        raise BadInput(say("yaml_syntax", what=what), where=where, hint=say("yaml_syntax_hint")) from None
    except yaml.YAMLError as exc:
        raise BadInput(say("yaml_error", what=str(exc)), where=source, hint=say("yaml_error_hint")) from None
    except RecursionError:
        raise BadInput(say("yaml_too_deep"), where=source, hint=say("yaml_too_deep_hint")) from None
    finally:
        loader.dispose()


def position(root: Any, path: list[Any]) -> Place:
    """Where the value at `path` (as jsonschema reports it) is written, best effort."""
    node = root
    at: Place = getattr(root, "at", (1, 1))
    for step in path:
        if isinstance(node, LocatedDict) and step in node:
            at = node.key_at.get(step, at)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and step < len(node):
            at = node.item_at[step]
            node = node[step]
        else:
            break
    return at
