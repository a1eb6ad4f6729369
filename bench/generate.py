"""Deterministic synthetic blueprints for benchmarks: ~40 steps each, valid against the rules.

Each blueprint has 8 customer actions, 10 frontstage, 12 backstage and 8 support steps,
2 pieces of evidence, 8 touchpoints, a few of 20 departments and 30 systems (BOSS in about
a quarter of the blueprints), upward supports arrows, ~10% fail points, ~5% wait points
with their standards. Every fifth blueprint is the to-be of the one before it, every
seventh a slice refining a customer action of an earlier as-is blueprint.

    python bench/generate.py 1000 out/      # writes out/bp-00000.yaml ...
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

DEPARTMENTS = [f"dept-{i:02d}" for i in range(1, 21)]
SYSTEMS = ["boss"] + [f"sys-{i:02d}" for i in range(2, 31)]
CHANNELS = ["web-hall", "app-hall", "kiosk", "sms", "social-media", "hotline", "ivr", "store", "on-site"]
PS = ["product", "price", "place", "promotion", "people", "physical-evidence", "process"]
LANE_SIZES = {"customer": 8, "frontstage": 10, "backstage": 12, "support": 8}


def _text(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def _department(ident: str) -> dict[str, Any]:
    n = ident.split("-")[1]
    return {"id": ident, "label": _text(f"Department {n}", f"部门{n}")}


def _system(ident: str) -> dict[str, Any]:
    if ident == "boss":
        return {"id": "boss", "label": _text("BOSS", "BOSS")}
    n = ident.split("-")[1]
    return {"id": ident, "label": _text(f"System {n}", f"系统{n}")}


def blueprint(index: int, seed: int = 0) -> dict[str, Any]:
    """The `index`-th synthetic blueprint as an authoring document (a YAML mapping)."""
    rnd = random.Random(seed * 1_000_003 + index)
    to_be = index % 5 == 4
    slice_of = index - 1 if index % 7 == 6 and (index - 1) % 5 != 4 else None
    service = f"svc-{(index - 1 if to_be else index):05d}"
    version = "to-be" if to_be else "as-is"
    depts = rnd.sample(DEPARTMENTS, 4)
    systems = rnd.sample(SYSTEMS[1:], 3) + (["boss"] if rnd.random() < 0.25 else [])
    doc: dict[str, Any] = {
        "format": "kgbp/1",
        "service": {"id": service, "label": _text(f"Service {service}", f"服务{service}")},
        "version": version,
        "status": version,
        "title": _text(f"Service {service} ({version})", f"服务{service}（{version}）"),
        "level": 2 if slice_of is not None else 1,
    }
    if to_be:
        doc["revision_of"] = "as-is"
    if slice_of is not None:
        doc["refines"] = {"blueprint": f"svc-{slice_of:05d}/as-is", "step": f"c{rnd.randrange(LANE_SIZES['customer'])}"}
    doc["departments"] = [_department(d) for d in depts]
    doc["systems"] = [_system(s) for s in systems]
    doc["touchpoints"] = [
        {"id": f"tp{i}", "label": _text(f"Touchpoint {i}", f"接触点{i}"), "channel": CHANNELS[(index + i) % len(CHANNELS)],
         "p": PS[(index + i) % len(PS)]}
        for i in range(8)
    ]
    steps: dict[str, list[dict[str, Any]]] = {lane: [] for lane in LANE_SIZES}
    standards: list[dict[str, Any]] = []
    for i in range(LANE_SIZES["customer"]):
        step: dict[str, Any] = {"id": f"c{i}", "label": _text(f"Customer action {i}", f"客户行为{i}"), "position": i + 1}
        if rnd.random() < 0.2:  # ~5% of all steps are wait points
            standards.append({"id": f"std{i}", "label": _text(f"Wait at c{i} within 5 minutes", f"c{i}等待不超过5分钟"),
                              "applies_to": f"c{i}", "metric": "wait-time", "max": 5, "unit": "MIN"})
            step["wait"] = {"standard": f"std{i}"}
        steps["customer"].append(step)

    def company_step(lane: str, i: int, supports: list[str]) -> dict[str, Any]:
        system = rnd.random() < 0.4
        step: dict[str, Any] = {
            "id": f"{lane[0]}{i}", "label": _text(f"{lane.capitalize()} step {i}", f"{lane}步骤{i}"),
            "performer": "system" if system else "human", "department": rnd.choice(depts),
            "supports": supports, "position": i + 1,
        }
        if system or rnd.random() < 0.3:
            step["systems"] = rnd.sample(systems, 1 + (rnd.random() < 0.3))
        if rnd.random() < 0.13:  # with the customer lane: ~10% of all steps are fail points
            step["fail"] = {"mode": _text(f"{step['id']} goes wrong", f"{step['id']}出错"),
                            "consequence": _text(f"The customer notices {step['id']}", f"客户感受到{step['id']}的问题")}
        return step

    customers = [s["id"] for s in steps["customer"]]
    for i in range(LANE_SIZES["frontstage"]):
        step = company_step("frontstage", i, sorted({customers[i % len(customers)], rnd.choice(customers)}))
        step["touchpoint"] = f"tp{i % 8}"
        steps["frontstage"].append(step)
    front = [s["id"] for s in steps["frontstage"]]
    back: list[str] = []
    for i in range(LANE_SIZES["backstage"]):
        # the first backstage steps support the frontstage; later ones may chain through earlier ones
        targets = [rnd.choice(front)] if i < 4 or rnd.random() < 0.5 else [rnd.choice(back)]
        steps["backstage"].append(company_step("backstage", i, targets))
        back.append(f"b{i}")
    support: list[str] = []
    for i in range(LANE_SIZES["support"]):
        targets = [rnd.choice(back)] if i < 4 or rnd.random() < 0.7 else [rnd.choice(support)]
        steps["support"].append(company_step("support", i, targets))
        support.append(f"s{i}")
    doc["standards"] = standards
    doc["evidence"] = [
        {"id": f"e{i}", "label": _text(f"Evidence {i}", f"有形展示{i}"), "for": [customers[(3 * i) % len(customers)]],
         "p": "physical-evidence", "position": 3 * i + 1}
        for i in range(2)
    ]
    doc["steps"] = steps
    return doc


def documents(count: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """(file name, YAML text) of the first `count` blueprints; parents come before their slices."""
    for index in range(count):
        text = yaml.safe_dump(blueprint(index, seed), allow_unicode=True, sort_keys=False, width=200)
        yield f"bp-{index:05d}.yaml", text


def write(count: int, folder: Path, seed: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in documents(count, seed):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
