"""Fonts for images drawn with Pillow: DejaVu Sans from matplotlib's data, else Pillow's own."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=1)
def font_dir() -> Path | None:
    """Find matplotlib's bundled TrueType fonts without importing matplotlib.

    Returns:
        The folder holding ``DejaVuSans.ttf`` and ``DejaVuSans-Bold.ttf``, or None.
    """
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return folder if (folder / "DejaVuSans-Bold.ttf").is_file() else None


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> Any:
    """Load DejaVu Sans (wide Unicode coverage) at a pixel size, for Pillow's ImageDraw.

    Args:
        size: The font size in pixels.
        bold: Whether to use the bold face.

    Returns:
        A Pillow font; Pillow's built-in scalable font if DejaVu Sans cannot be found.
    """
    from PIL import ImageFont

    folder = font_dir()
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    if folder is not None:
        return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)
