"""The volume picture: activation volumes and filters drawn as 3-D boxes, as the lecture draws them.

A volume of height H, width W and depth D is a box seen in an oblique
projection: width runs left to right and height up on the front face, and
depth goes back into the page (drawn up and to the right, shortened), as on
the lecture's slides and in CS231n's notes. Every "volume" figure is a few
calls: :func:`draw_volumes` puts boxes side by side with their sizes on their
edges, :func:`draw_filter` puts a filter (or a 1x1 column) through the full
depth of one, :func:`draw_slice` one activation map inside it, and
:func:`connect` joins two with an arrow. :func:`fit` frames the figure around
every box and label; :func:`svg` shows it as a vector image.

The geometry (:class:`Projection`, :func:`box_faces`, :func:`layout`)
is plain numpy, so the tests check it against hand-worked numbers, and
:func:`label_clashes` finds labels that touch a box or leave the figure.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Colours readable on the white figure background in both of the book's themes.
VOLUME_COLOUR = "#9ecae1"
FILTER_COLOUR = "#e6550d"
EDGE_COLOUR = "#252525"
# One colour per filter and its activation map, in the lecture's order.
MAP_COLOURS = ("#e6550d", "#31a354", "#756bb1", "#d6616b", "#3182bd", "#e7ba52")
# The text size of every label (points): the figures are drawn small enough that it reads at 390 px.
FONT_SIZE = 11.0
# How far a label stands off the box it names, in points.
LABEL_PAD = 4.0


@dataclass(frozen=True)
class Projection:
    """An oblique projection: a point (x, y, z) lands at (x + r z cos a, y + r z sin a).

    x is width, y height and z depth (away from the reader).

    Args:
        angle_deg: the angle a at which the receding (depth) axis is drawn.
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
        """The box's (x, y, z) extent: width, height, depth (scaled)."""
        return (float(self.width), float(self.height), self.depth * depth_scale)


def box_faces(origin: Sequence[float], size: Sequence[float], projection: Projection = Projection()) -> dict[str, np.ndarray]:
    """The three visible faces of the box ``origin`` + [0, size], projected: each a (4, 2) polygon.

    "front" is the face nearest the reader (z = origin z, height by width),
    "top" the one above, "side" the one on the right; both recede in depth.

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
             projection: Projection = Projection(), alpha: float = 1.0, role: str = "volume",
             zorder: float = 2.0) -> dict[str, np.ndarray]:
    """Draw one box (front, top and side shaded differently); returns :func:`box_faces`.

    ``role`` ("volume", "filter", "window", "slice", "column", "neuron") names
    the box in each face's label (``"filter:front"``), so tests can count boxes.
    With ``alpha`` below 1 the faces are see-through and the hidden edges are
    drawn dashed, so that what lies inside the box reads as inside.
    """
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Polygon

    faces = box_faces(origin, size, projection)
    shade = {"front": 1.0, "top": 0.85, "side": 0.7}
    # A thin box (a 1x1 column, one neuron) would be all edge: its edges are drawn finer.
    width = 0.8 if min(size[0], size[1]) > 1 else 0.25
    for face, polygon in faces.items():
        rgb = tuple(shade[face] * c for c in to_rgb(colour))
        ax.add_patch(Polygon(polygon, closed=True, facecolor=(*rgb, alpha), edgecolor=EDGE_COLOUR, linewidth=width,
                             label=f"{role}:{face}", zorder=zorder))
    if alpha < 1:
        x, y, z = origin
        dx, dy, dz = size
        corner = projection((x, y, z + dz))
        for end in ((x + dx, y, z + dz), (x, y + dy, z + dz), (x, y, z)):
            (u0, v0), (u1, v1) = corner, projection(end)
            ax.plot([u0, u1], [v0, v1], color=EDGE_COLOUR, linewidth=0.6, linestyle=(0, (3, 2)), zorder=zorder)
    return faces


def layout(volumes: Sequence[Volume], gap: float = 12.0, depth_scale: float = 1.0,
           projection: Projection = Projection()) -> list[tuple[float, float, float]]:
    """The origin of each volume drawn left to right, ``gap`` apart, centred vertically.

    Each volume takes its width plus its receding depth's horizontal share.

    >>> layout([Volume(2, 4, 1), Volume(2, 4, 1)], gap=1, projection=Projection(0, 0.5))
    [(0.0, 0.0, 0.0), (5.5, 0.0, 0.0)]
    """
    origins, x = [], 0.0
    top = max(v.height for v in volumes)
    for v in volumes:
        origins.append((x, (top - v.height) / 2, 0.0))
        x = right_of(origins[-1], v, depth_scale, projection, margin=gap)
    return origins


def right_of(origin: Sequence[float], volume: Volume, depth_scale: float = 1.0,
             projection: Projection = Projection(), margin: float = 1.0) -> float:
    """The x just right of the drawn box (its receding side included), where an arrow can start.

    >>> right_of((0, 0, 0), Volume(32, 32, 3), projection=Projection(0, 0.5))
    34.5
    """
    return origin[0] + volume.width + projection.recede * volume.depth * depth_scale * math.cos(
        math.radians(projection.angle_deg)) + margin


def label(ax: Any, point: Sequence[float], text: str, offset: Sequence[float] = (0.0, 0.0), ha: str = "center",
          va: str = "center", fontsize: float = FONT_SIZE, projection: Projection = Projection()) -> Any:
    """Write ``text`` at 3-D ``point``, moved by ``offset`` points (so its distance from a box never depends on scale)."""
    # annotation_clip=False: drawn (and so framed by fit) even where the point lies outside the current limits.
    return ax.annotate(text, tuple(projection(point)), xytext=tuple(offset), textcoords="offset points",
                       ha=ha, va=va, fontsize=fontsize, annotation_clip=False)


def label_sizes(ax: Any, origin: Sequence[float], volume: Volume, depth_scale: float = 1.0,
                projection: Projection = Projection(), named: bool = False) -> None:
    """Write the volume's height left of its front face, its width below it and its depth at its receding edge's end.

    With ``named``, the numbers carry their axis names ("height 32", "width 32", "depth 3").
    """
    x, y, z = origin
    w, h, d = volume.size(depth_scale)
    name = (lambda axis, n: f"{axis} {n}") if named else (lambda axis, n: f"{n}")
    label(ax, (x, y + h / 2, z), name("height", volume.height), (-LABEL_PAD, 0), ha="right", projection=projection)
    label(ax, (x + w / 2, y, z), name("width", volume.width), (0, -LABEL_PAD), va="top", projection=projection)
    # Depth at the back end of the bottom receding edge, clear of the width below the front face.
    label(ax, (x + w, y, z + d), name("depth", volume.depth), (LABEL_PAD / 2, -LABEL_PAD / 2), ha="left", va="top",
          projection=projection)


def draw_volume(ax: Any, origin: Sequence[float], volume: Volume, name: str, depth_scale: float = 1.0,
                projection: Projection = Projection(), colour: str = VOLUME_COLOUR, alpha: float = 1.0,
                named: bool = False, box: bool = True) -> None:
    """Draw one volume at ``origin`` with its sizes on its edges and ``name`` below.

    Args:
        alpha: below 1, a see-through box, for figures that draw a filter or a slice inside.
        named: write the sizes with their axis names ("height 32").
        box: False to draw only the labels (for a volume drawn as a stack of slices).
    """
    if box:
        draw_box(ax, origin, volume.size(depth_scale), colour, projection, alpha=alpha, zorder=3)
    label_sizes(ax, origin, volume, depth_scale, projection, named=named)
    # The name goes under the width, one line of text and a pad further down.
    label(ax, (origin[0] + volume.width / 2, origin[1], origin[2]), name, (0, -2.5 * LABEL_PAD - FONT_SIZE),
          va="top", projection=projection)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_volumes(ax: Any, volumes: Sequence[Volume], labels: Sequence[str] | None = None, gap: float = 12.0,
                 depth_scale: float = 1.0, projection: Projection = Projection(),
                 colours: Sequence[str] | None = None, alpha: float = 1.0,
                 named: bool = True) -> list[tuple[float, float, float]]:
    """Draw ``volumes`` left to right (:func:`draw_volume`), the first with named sizes; returns their origins.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_volumes(ax, [Volume(32, 32, 3), Volume(28, 28, 6)], gap=10)[1][:2]
    (43.149..., 2.0)
    >>> plt.close(fig)
    """
    origins = layout(volumes, gap, depth_scale, projection)
    labels = [v.label for v in volumes] if labels is None else labels
    colours = colours or [VOLUME_COLOUR] * len(volumes)
    for k, (v, origin, text, colour) in enumerate(zip(volumes, origins, labels, colours, strict=True)):
        draw_volume(ax, origin, v, text, depth_scale, projection, colour, alpha, named=named and k == 0)
    return origins


def draw_filter(ax: Any, origin: Sequence[float], volume: Volume, f: int, row: int = 0, col: int = 0,
                depth_scale: float = 1.0, projection: Projection = Projection(), colour: str = FILTER_COLOUR,
                role: str = "window") -> tuple[float, float, float]:
    """Draw an F x F window through the full depth of ``volume`` (drawn at ``origin``), its top-left at (row, col).

    With F = 1 it is the lecture's 1x1 filter or a neuron's depth column: a
    column from the front face to the back. Returns the box's origin.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_filter(ax, (0, 0, 0), Volume(32, 32, 3), 5, row=0, col=2)
    (2.0, 27.0, 0.0)
    >>> plt.close(fig)
    """
    if not (0 <= row <= volume.height - f and 0 <= col <= volume.width - f):
        raise ValueError(f"an {f}x{f} filter at (row, col) = ({row}, {col}) must lie inside the {volume.label} volume")
    x, y, z = origin
    box = (float(x + col), float(y + volume.height - row - f), float(z))
    draw_box(ax, box, (f, f, volume.depth * depth_scale), colour, projection, role=role)
    return box


def draw_slice(ax: Any, origin: Sequence[float], volume: Volume, index: int, depth_scale: float = 1.0,
               projection: Projection = Projection(), colour: str = FILTER_COLOUR,
               role: str = "slice") -> tuple[float, float, float]:
    """Draw depth slice ``index`` (one activation map, H x W) of ``volume`` (drawn at ``origin``) in ``colour``.

    Returns the slice's origin. Draw the slices of a stack from the back
    (highest index) to the front, so that nearer maps hide farther ones.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_slice(ax, (4, 0, 0), Volume(28, 28, 6), 2, depth_scale=2)
    (4.0, 0.0, 4.0)
    >>> plt.close(fig)
    """
    if not 0 <= index < volume.depth:
        raise ValueError(f"index must lie in [0, {volume.depth}) for the {volume.label} volume, got {index}")
    x, y, z = origin
    box = (float(x), float(y), float(z + index * depth_scale))
    draw_box(ax, box, (volume.width, volume.height, depth_scale), colour, projection, role=role)
    return box


def connect(ax: Any, start: Sequence[float], end: Sequence[float], text: str = "",
            projection: Projection = Projection()) -> None:
    """An arrow from 3-D point ``start`` to ``end``, with ``text`` above its middle."""
    (u0, v0), (u1, v1) = projection(start), projection(end)
    ax.annotate("", (u1, v1), (u0, v0), arrowprops={"arrowstyle": "->", "color": EDGE_COLOUR, "linewidth": 1.2})
    if text:
        ax.annotate(text, ((u0 + u1) / 2, max(v0, v1)), xytext=(0, LABEL_PAD), textcoords="offset points",
                    ha="center", va="bottom", fontsize=FONT_SIZE)


def fit(fig: Any, pad: float = 2.0) -> Any:
    """Frame each axes of ``fig`` around all its boxes and labels, so that nothing is cut off; returns ``fig``.

    The labels stand a fixed number of points off their boxes, so their extent
    in data units depends on the scale: the limits are refitted until stable.
    """
    from matplotlib.transforms import Bbox

    for _ in range(4):
        renderer = _renderer(fig)
        for ax in fig.axes:
            artists = [*ax.patches, *ax.texts, *ax.lines]
            extents = [a.get_window_extent(renderer) for a in artists]
            box = Bbox.union([e for e in extents if e.width or e.height]).transformed(ax.transData.inverted())
            ax.set(xlim=(box.x0 - pad, box.x1 + pad), ylim=(box.y0 - pad, box.y1 + pad))
    fig.canvas.draw()
    return fig


def label_clashes(fig: Any) -> list[str]:
    """Every label of ``fig`` that leaves the figure, touches a box or another label (empty when all read clearly).

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(3, 2))
    >>> _ = draw_volumes(ax, [Volume(8, 8, 2)], ["input"])
    >>> label_clashes(fit(fig))
    []
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    renderer = _renderer(fig)
    problems = []
    for ax in fig.axes:
        # Text's own extent: an annotation's would include its arrow, which may touch the box it points at.
        texts = [(t.get_text(), Text.get_window_extent(t, renderer)) for t in ax.texts if t.get_text()]
        boxes = [(p.get_label(), p.get_transform().transform_path(p.get_path())) for p in ax.patches]
        for k, (text, extent) in enumerate(texts):
            if not _inside(extent, fig.bbox):
                problems.append(f"{text!r} leaves the figure")
            problems += [f"{text!r} touches {name}" for name, path in boxes if path.intersects_bbox(extent, filled=True)]
            problems += [f"{text!r} touches {other!r}" for other, box in texts[k + 1:]
                         if extent.padded(LABEL_PAD / 2).overlaps(box)]
    return problems


def _renderer(fig: Any) -> Any:
    """Draw ``fig`` (on an Agg canvas if it has none that renders) and return its renderer."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _inside(inner: Any, outer: Any) -> bool:
    return inner.x0 >= outer.x0 and inner.y0 >= outer.y0 and inner.x1 <= outer.x1 and inner.y1 <= outer.y1


def smallest_text_px(fig: Any, column_px: float = 358.0) -> float:
    """The height in CSS pixels of the figure's smallest text, its tight SVG shown at most ``column_px`` wide.

    A phone 390 px wide gives the book's text column about 358 px.
    """
    renderer = _renderer(fig)
    natural_px = fig.get_tightbbox(renderer).width * 96  # inches to CSS pixels
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts if t.get_text()]
    return min(sizes) * 96 / 72 * min(1.0, column_px / natural_px)


def svg(fig: Any) -> Any:
    """``fig`` as an IPython SVG image (vector: sharp at any width), closing the figure."""
    import matplotlib.pyplot as plt
    from IPython.display import SVG

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.04)
    plt.close(fig)
    return SVG(buffer.getvalue())
