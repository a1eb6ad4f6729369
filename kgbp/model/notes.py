"""What a read did that the author should know, in en and zh: a name linked to a known
department or system, a name kept as an alias. Saves report them; nothing is silent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..i18n import normalise_lang

KIND_NAMES = {"en": {"department": "department", "system": "system", "service": "service"},
              "zh": {"department": "部门", "system": "系统", "service": "服务"}}

_TEXTS = {
    "linked": {
        "en": "linked {text!r} to {target}: the {kind} declared as {declared!r} is {target}; {declared!r} is kept as its alias",
        "zh": "已将“{text}”关联到 {target}：声明为“{declared}”的{kind}即 {target}；“{declared}”保留为其别名",
    },
    "alias-added": {
        "en": "{text!r} is not yet a name of {target}: kept as its alias (its {lang} label stays {label!r}; "
              "to change the label for every blueprint: kgbp rename {kind_id} {id} --label {lang}=...)",
        "zh": "“{text}”还不是 {target} 的名称：已保留为其别名（其 {lang} 名称仍为“{label}”；"
              "要为所有蓝图修改名称：kgbp rename {kind_id} {id} --label {lang}=...）",
    },
}


@dataclass(frozen=True)
class Note:
    """One line of a save report: `code` names the template, `params` fill it."""

    code: str
    where: str
    params: Mapping[str, str] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        lang = normalise_lang(lang)
        params = dict(self.params)
        if "kind" in params:
            params["kind"] = KIND_NAMES[lang].get(params["kind"], params["kind"])
        return _TEXTS[self.code][lang].format(**params)

    def as_dict(self, lang: str = "en") -> dict[str, str]:
        return {"code": self.code, "message": self.text(lang), "where": self.where}

    def __str__(self) -> str:
        return self.text("en")
