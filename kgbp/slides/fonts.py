"""Fonts of an exported deck: faces every office PC has, with the Chinese face declared as such.

The diagram is measured in Noto Sans CJK, which office PCs rarely have. The slides name
Arial for Latin text (Liberation Sans on Linux has its metrics, and it runs narrower than
Noto Sans, so measured lines still fit) and Microsoft YaHei for East Asian text (its
ideographs are one em wide, as Noto's). Each run declares both (a:latin, a:ea) and the
YaHei entry carries its GB2312 charset and panose, which is what PowerPoint and
LibreOffice use to pick a Chinese fallback where YaHei is missing; the theme's fonts say
the same, so text typed into the deck later gets them too.
"""

from __future__ import annotations

import re

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationT

LATIN = "Arial"
EAST_ASIAN = "Microsoft YaHei"
# charset 134 (GB2312) as DrawingML's signed byte; panose and pitch family of Microsoft YaHei
EAST_ASIAN_ATTRS = {"panose": "020B0503020204020204", "pitchFamily": "34", "charset": "-122"}
LATIN_ATTRS = {"panose": "020B0604020202020204", "pitchFamily": "34", "charset": "0"}
RUN_LANG = {"en": "en-US", "zh": "zh-CN"}


def declare(rpr: etree._Element, lang: str) -> None:
    """Set a run's Latin, East Asian and complex-script faces and its languages."""
    for tag in ("a:latin", "a:ea", "a:cs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    # schema order: ln, fills, effects, highlight, uLnTx.., latin, ea, cs, sym, hlinks
    anchor = next((rpr.find(qn(t)) for t in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")
                   if rpr.find(qn(t)) is not None), None)
    faces = [etree.Element(qn("a:latin"), typeface=LATIN, **LATIN_ATTRS),
             etree.Element(qn("a:ea"), typeface=EAST_ASIAN, **EAST_ASIAN_ATTRS),
             etree.Element(qn("a:cs"), typeface=LATIN, **LATIN_ATTRS)]
    for face in faces:
        if anchor is not None:
            anchor.addprevious(face)
        else:
            rpr.append(face)
    rpr.set("lang", RUN_LANG.get(lang, "en-US"))
    rpr.set("altLang", "zh-CN" if lang != "zh" else "en-US")


def theme(prs: PresentationT) -> None:
    """The theme's heading and body fonts: Arial for Latin, Microsoft YaHei for Chinese."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    xml = part.blob.decode("utf-8")
    xml = re.sub(r'<a:latin typeface="[^"]*"', f'<a:latin typeface="{LATIN}"', xml)
    xml = re.sub(r'<a:ea typeface="[^"]*"', f'<a:ea typeface="{EAST_ASIAN}"', xml)
    xml = re.sub(r'<a:font script="Hans" typeface="[^"]*"/>', f'<a:font script="Hans" typeface="{EAST_ASIAN}"/>', xml)
    part._blob = xml.encode("utf-8")  # the default template's theme is a plain part: its bytes are the XML
