"""Every example exported to PowerPoint and drawn by LibreOffice Impress: no two arrows share a run.

Two checks, so that either way of going wrong fails: the arrows' geometry read back from
the .pptx never puts two arrows on one stretch, and LibreOffice's picture of the slide
(PDF, then PNG) has the slide's 16:9 size and dark pixels all along every support arrow
where the .pptx says it runs. A renderer that re-routed the arrows (as LibreOffice does
with glued elbow connectors, merging them) leaves the stretches it moved empty.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
from pptx import Presentation

from kgbp.repository import save as repository
from kgbp.repository.blueprint_view import load_view
from kgbp.slides import deck
from kgbp.slides.connectors import Point, shared_runs, simplify
from kgbp.slides.export import EMU_PER_PX, SLIDE_H, SLIDE_W
from kgbp.store.embedded import EmbeddedStore

from ..slides import drawn
from ..slides.test_slides import EXAMPLE_IDS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="needs LibreOffice and poppler"),
]

DPI = 192  # two pixels per layout pixel at the largest scale: thin lines stay dark
EMU_PER_INCH = 914_400
DARK = 170  # an arrow pixel: every channel darker than this (arrows are #4a4a4a, antialiased)
HIT_SHARE = 0.9  # of the points sampled along an arrow, at least this share must be dark


def _render(tmp_path: Path, files: list[Path]) -> list[Path]:
    profile = tmp_path / "profile"  # a private LibreOffice profile: no clash with a running instance
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *map(str, files)], check=True, capture_output=True, timeout=600)
    pngs = []
    for f in files:
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-singlefile", str(f.with_suffix(".pdf")),
                        str(f.with_suffix(""))], check=True, capture_output=True, timeout=120)
        pngs.append(f.with_suffix(".png"))
    return pngs


def _samples(points: list[Point], step: float) -> list[Point]:
    """Points every `step` along a polyline, leaving out the ends (where boxes and heads are)."""
    out: list[Point] = []
    for (x1, y1), (x2, y2) in pairwise(points):
        length = abs(x2 - x1) + abs(y2 - y1)
        n = int(length // step)
        out += [(x1 + (x2 - x1) * k / n, y1 + (y2 - y1) * k / n) for k in range(1, n)]
    return out[1:-1]


def _dark_near(pixels: object, size: tuple[int, int], x: float, y: float) -> bool:
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            px, py = round(x) + dx, round(y) + dy
            if 0 <= px < size[0] and 0 <= py < size[1] and max(pixels[px, py]) < DARK:  # type: ignore[index]
                return True
    return False


def test_every_example_drawn_by_libreoffice_has_no_two_arrows_on_one_run(examples_store: EmbeddedStore,
                                                                          tmp_path: Path) -> None:
    from PIL import Image

    files, arrows = [], []
    for n, ident in enumerate(EXAMPLE_IDS):
        lang = ("en", "zh")[n % 2]  # both languages across the examples
        view = load_view(examples_store, repository.resolve_blueprint(examples_store, ident), lang)
        data = deck([view])
        paths = drawn.arrows(Presentation(io.BytesIO(data)).slides[0])
        assert paths, ident
        assert shared_runs(paths, tol=EMU_PER_PX / 2) == [], ident  # the geometry the file holds
        files.append(tmp_path / f"{ident.replace('/', '-')}.pptx")
        files[-1].write_bytes(data)
        arrows.append({name: pts for name, pts in paths.items() if name.startswith("Supports ")})

    per_px = DPI / EMU_PER_INCH
    expected_size = (SLIDE_W * per_px, SLIDE_H * per_px)
    for ident, png, supports in zip(EXAMPLE_IDS, _render(tmp_path, files), arrows, strict=True):
        image = Image.open(png).convert("RGB")
        assert abs(image.size[0] - expected_size[0]) <= 1 and abs(image.size[1] - expected_size[1]) <= 1, ident
        assert abs(image.size[0] * 9 - image.size[1] * 16) <= 16  # 16:9
        pixels = image.load()
        missing = []
        for name, pts in supports.items():
            on_image = [(x * per_px, y * per_px) for x, y in simplify(pts)]
            samples = _samples(on_image, step=4)
            hits = sum(_dark_near(pixels, image.size, x, y) for x, y in samples)
            if samples and hits < HIT_SHARE * len(samples):
                missing.append(f"{name}: {hits}/{len(samples)}")
        assert not missing, f"{ident}: LibreOffice did not draw these arrows where the file says: {missing}"
