"""The volume picture: activation volumes and filters drawn as 3-D boxes with matplotlib.

A volume of height H, width W and depth D is a box seen in an oblique
projection: depth runs left to right (so the maps of a volume stand side by
side like slices of bread), height runs up, and width recedes into the page.
Every figure of the lecture's "volume" kind is a few calls: draw a sequence
of volumes with :func:`draw_volumes`, put a filter inside one with
:func:`draw_filter`, join two with :func:`connect`.

The geometry (:func:`project`, :func:`box_faces`, :func:`layout`) is plain
numpy, so the tests check it against hand-worked numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Colours readable on the white figure background in both of the book's themes.
VOLUME_COLOUR = "#9ecae1"
FILTER_COLOUR = "#e6550d"
EDGE_COLOUR = "#252525"


@dataclass(frozen=True)
class Projection:
    """An oblique projection: a point (x, y, z) lands at (x + r z cos a, y + r z sin a).

    Args:
        angle_deg: the angle a at which the receding axis z is drawn.
        recede: the factor r that shortens it (0.5 is the usual "cabinet" view).

    >>> Projection(90, 0.5)((1.0, 2.0, 4.0)).round(6).tolist()
    [1.0, 4.0]
    """

    angle_deg: float = 40.0
    recede: float = 0.5

    def __call__(self, points: Any) -> np.ndarray:
        p = np.asarray(points, dtype=np.float64)
        if p.shape[-1] != 3:
            raise ValueError(f"points must have shape (..., 3), got {p.shape}")
        a = math.radians(self.angle_deg)
        return np.stack([p[..., 0] + self.recede * p[..., 2] * math.cos(a),
                         p[..., 1] + self.recede * p[..., 2] * math.sin(a)], axis=-1)


@dataclass(frozen=True)
class Volume:
    """An H x W x D activation volume (or filter), labelled ``"HxWxD"`` as in the lecture.

    >>> Volume(32, 32, 3).label
    '32x32x3'
    """

    height: int
    width: int
    depth: int

    def __post_init__(self) -> None:
        for name in ("height", "width", "depth"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)}")

    @property
    def label(self) -> str:
        return f"{self.height}x{self.width}x{self.depth}"

    def size(self, depth_scale: float = 1.0) -> tuple[float, float, float]:
        """The box's (x, y, z) extent: depth (scaled), height, width."""
        return (self.depth * depth_scale, float(self.height), float(self.width))


def box_faces(origin: Sequence[float], size: Sequence[float], projection: Projection = Projection()) -> dict[str, np.ndarray]:
    """The three visible faces of the box ``origin`` + [0, size], projected: each a (4, 2) polygon.

    "front" is the face nearest the reader (z = origin z), "top" the one above,
    "side" the one on the right.

    >>> box_faces((0, 0, 0), (2, 3, 4), Projection(90, 0.5))["top"].round(6).tolist()
    [[0.0, 3.0], [2.0, 3.0], [2.0, 5.0], [0.0, 5.0]]
    """
    x, y, z = (float(v) for v in origin)
    dx, dy, dz = (float(v) for v in size)
    corners = {
        "front": [(x, y, z), (x + dx, y, z), (x + dx, y + dy, z), (x, y + dy, z)],
        "top": [(x, y + dy, z), (x + dx, y + dy, z), (x + dx, y + dy, z + dz), (x, y + dy, z + dz)],
        "side": [(x + dx, y, z), (x + dx, y, z + dz), (x + dx, y + dy, z + dz), (x + dx, y + dy, z)],
    }
    return {face: projection(points) for face, points in corners.items()}


def draw_box(ax: Any, origin: Sequence[float], size: Sequence[float], colour: str = VOLUME_COLOUR,
             projection: Projection = Projection(), alpha: float = 1.0) -> dict[str, np.ndarray]:
    """Draw one box (front, top and side shaded differently); returns :func:`box_faces`."""
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Polygon

    faces = box_faces(origin, size, projection)
    shade = {"front": 1.0, "top": 0.85, "side": 0.7}
    for face, polygon in faces.items():
        rgb = tuple(shade[face] * c for c in to_rgb(colour))
        ax.add_patch(Polygon(polygon, closed=True, facecolor=rgb, edgecolor=EDGE_COLOUR, linewidth=0.8, alpha=alpha))
    return faces


def layout(volumes: Sequence[Volume], gap: float = 12.0, depth_scale: float = 1.0,
           projection: Projection = Projection()) -> list[tuple[float, float, float]]:
    """The origin of each volume drawn left to right, ``gap`` apart, bottoms aligned, centred vertically.

    Each volume takes its depth plus its receding width's horizontal share.

    >>> layout([Volume(2, 4, 1), Volume(2, 4, 1)], gap=1, projection=Projection(0, 0.5))
    [(0.0, 0.0, 0.0), (4.0, 0.0, 0.0)]
    """
    origins, x = [], 0.0
    top = max(v.height for v in volumes)
    a = math.radians(projection.angle_deg)
    for v in volumes:
        origins.append((x, (top - v.height) / 2, 0.0))
        x += v.depth * depth_scale + projection.recede * v.width * math.cos(a) + gap
    return origins


def right_of(origin: Sequence[float], volume: Volume, depth_scale: float = 1.0,
             projection: Projection = Projection(), margin: float = 1.0) -> float:
    """The x just right of the drawn box (its receding side included), where an arrow can start.

    >>> right_of((0, 0, 0), Volume(32, 32, 3), projection=Projection(0, 0.5))
    20.0
    """
    return origin[0] + volume.depth * depth_scale + projection.recede * volume.width * math.cos(
        math.radians(projection.angle_deg)) + margin


def _label_point(origin: Sequence[float], volume: Volume, depth_scale: float, projection: Projection) -> np.ndarray:
    """Below the front face's centre."""
    x, y, z = origin
    return projection((x + volume.depth * depth_scale / 2, y, z)) - (0.0, 2.0)


def draw_volumes(ax: Any, volumes: Sequence[Volume], labels: Sequence[str] | None = None, gap: float = 12.0,
                 depth_scale: float = 1.0, projection: Projection = Projection(),
                 colours: Sequence[str] | None = None) -> list[tuple[float, float, float]]:
    """Draw ``volumes`` left to right, each labelled (by default ``"HxWxD"``); returns their origins.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_volumes(ax, [Volume(32, 32, 3), Volume(28, 28, 6)], gap=10)[1][:2]
    (25.256..., 2.0)
    >>> plt.close(fig)
    """
    origins = layout(volumes, gap, depth_scale, projection)
    labels = [v.label for v in volumes] if labels is None else labels
    colours = colours or [VOLUME_COLOUR] * len(volumes)
    for v, origin, text, colour in zip(volumes, origins, labels, colours, strict=True):
        draw_box(ax, origin, v.size(depth_scale), colour, projection)
        u, w = _label_point(origin, v, depth_scale, projection)
        ax.text(u, w, text, ha="center", va="top", fontsize=10)
    _frame(ax, volumes, origins, depth_scale, projection)
    return origins


def draw_filter(ax: Any, origin: Sequence[float], volume: Volume, f: int, row: int = 0, col: int = 0,
                depth_scale: float = 1.0, projection: Projection = Projection(),
                colour: str = FILTER_COLOUR) -> tuple[float, float, float]:
    """Draw an F x F filter spanning the full depth of ``volume`` (drawn at ``origin``), its top-left at (row, col).

    Returns the filter box's origin.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_filter(ax, (0, 0, 0), Volume(32, 32, 3), 5, row=0, col=2)
    (0.0, 27.0, 2.0)
    >>> plt.close(fig)
    """
    if not (0 <= row <= volume.height - f and 0 <= col <= volume.width - f):
        raise ValueError(f"an {f}x{f} filter at (row, col) = ({row}, {col}) must lie inside the {volume.label} volume")
    x, y, z = origin
    box = (float(x), float(y + volume.height - row - f), float(z + col))
    draw_box(ax, box, (volume.depth * depth_scale, f, f), colour, projection)
    return box


def draw_slice(ax: Any, origin: Sequence[float], volume: Volume, index: int, depth_scale: float = 1.0,
               projection: Projection = Projection(), colour: str = FILTER_COLOUR) -> tuple[float, float, float]:
    """Draw depth slice ``index`` (one activation map) of ``volume`` (drawn at ``origin``) in ``colour``.

    Returns the slice's origin.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_slice(ax, (4, 0, 0), Volume(28, 28, 6), 2, depth_scale=2)
    (8.0, 0.0, 0.0)
    >>> plt.close(fig)
    """
    if not 0 <= index < volume.depth:
        raise ValueError(f"index must lie in [0, {volume.depth}) for the {volume.label} volume, got {index}")
    x, y, z = origin
    box = (float(x + index * depth_scale), float(y), float(z))
    draw_box(ax, box, (depth_scale, volume.height, volume.width), colour, projection)
    return box


def connect(ax: Any, start: Sequence[float], end: Sequence[float], text: str = "",
            projection: Projection = Projection()) -> None:
    """An arrow from 3-D point ``start`` to ``end``, with ``text`` above its middle."""
    (u0, v0), (u1, v1) = projection(start), projection(end)
    ax.annotate("", (u1, v1), (u0, v0), arrowprops={"arrowstyle": "->", "color": EDGE_COLOUR, "linewidth": 1.2})
    if text:
        ax.text((u0 + u1) / 2, max(v0, v1) + 1.5, text, ha="center", va="bottom", fontsize=9)


def _frame(ax: Any, volumes: Sequence[Volume], origins: Sequence[Sequence[float]], depth_scale: float,
           projection: Projection) -> None:
    """Fit the axes to every box (with room for labels) and hide the axes."""
    corners = np.concatenate([
        np.concatenate(list(box_faces(o, v.size(depth_scale), projection).values()))
        for v, o in zip(volumes, origins, strict=True)
    ])
    (left, bottom), (right, top) = corners.min(axis=0), corners.max(axis=0)
    ax.set(xlim=(left - 2, right + 2), ylim=(bottom - 7, top + 5), aspect="equal")
    ax.axis("off")
