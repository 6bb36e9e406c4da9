"""Interactive explorers for the book: output size, filter playground, pooling.

Each explorer is one :class:`Explorer` that shows an ipywidgets panel in a live
JupyterLab kernel and a self-contained HTML/JS panel in the static HTML book
(see :mod:`cnnlib.explorers.panel`). One module per explorer:
``output_size``, ``filter_playground``, ``pooling`` and ``worked_example``.

ipywidgets, Pillow and matplotlib are imported inside the functions that need
them, so ``import cnnlib.explorers`` stays light.
"""

from cnnlib.explorers.filter_playground import (
    GABOR_THETAS_DEG,
    GABOR_WAVELENGTHS,
    GAUSSIAN_SIGMAS,
    filter_explorer,
    filter_kernel,
    filter_response,
    signed_to_grey,
)
from cnnlib.explorers.output_size import (
    DILATIONS,
    KERNELS,
    PADDINGS,
    SIZES,
    STRIDES,
    draw_windows,
    output_size_code,
    output_size_explorer,
    output_size_table,
    output_size_text,
)
from cnnlib.explorers.panel import Explorer, png_data_uri
from cnnlib.explorers.pooling import POOL_SIZES, pool_tables_html, pooling_explorer
from cnnlib.explorers.worked_example import WorkedExample, worked_example, worked_example_explorer

__all__ = [
    "DILATIONS", "GABOR_THETAS_DEG", "GABOR_WAVELENGTHS", "GAUSSIAN_SIGMAS", "KERNELS", "PADDINGS", "POOL_SIZES",
    "SIZES", "STRIDES", "Explorer", "draw_windows", "filter_explorer", "filter_kernel", "filter_response",
    "output_size_code", "output_size_explorer", "output_size_table", "output_size_text", "png_data_uri",
    "pool_tables_html", "pooling_explorer", "signed_to_grey", "WorkedExample", "worked_example",
    "worked_example_explorer",
]
