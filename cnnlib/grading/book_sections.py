"""The book section that explains each known mistake, so that a hint's link opens at the rule, not the page's top.

Each anchor is the id Sphinx gives the section's heading (its words in lower case, joined
by hyphens: "## Zero padding" is ``#zero-padding``) on the mistake's page
(:attr:`cnnlib.grading.mistakes.Mistake.page`). A mistake without an entry links to its page.
"""

from __future__ import annotations

SECTIONS = {
    "kernel_flipped": "convolution-or-cross-correlation",
    "padding_off": "zero-padding",
    "padding_shifted": "zero-padding",
    "padding_one_sided": "zero-padding",
    "stride_ignored": "stride",
    "channels_summed_wrong": "one-depth-slice-one-filter",
    "bias_missing": "local-connectivity",
    "pool_window_wrong": "pooling",
    "pool_stride_wrong": "pooling",
    "pool_backward_assigned": "pooling-s-backward-pass",
    "input_changed": "checking-a-backward-pass-numerical-gradients",
    "gradient_one_sided": "checking-a-backward-pass-numerical-gradients",
    "gradient_not_halved": "checking-a-backward-pass-numerical-gradients",
    "gradient_dout_ignored": "checking-a-backward-pass-numerical-gradients",
    "gradient_sign_flipped": "checking-a-backward-pass-numerical-gradients",
    "gradient_step_fixed": "checking-a-backward-pass-numerical-gradients",
    "pool_backward_last_max": "pooling-s-backward-pass",
    "conv_backward_unpadded": "the-conv-layer-s-backward-pass",
    "conv_backward_averaged": "the-conv-layer-s-backward-pass",
    "params_bias_missing": "a-whole-layer-sizes-and-parameters",
    "padding_one_side": "zero-padding",
    "padding_every_axis": "zero-padding",
    "stride_on_taps": "stride",
    "bias_per_channel": "local-connectivity",
    "lenet_no_padding": "lenet-5",
    "crop_bounds_swapped": "data-augmentation",
    "optimizer_per_epoch": "shuffle-the-training-samples",
    "residual_relu_misplaced": "resnet",
    "receptive_jump_first": "receptive-fields",
    "receptive_dilation_ignored": "receptive-fields",
    "saliency_probability": "saliency-the-gradient-of-a-class-score",
    "saliency_abs_after_max": "saliency-the-gradient-of-a-class-score",
    "model_training_mode": "dropout-and-batch-normalization",
    "occlusion_border": "occlusion-which-part-of-the-input-matters",
    "ascent_unregularized": "images-that-excite-a-unit",
    "ascent_gradient_accumulates": "images-that-excite-a-unit",
}


def anchor(key: str) -> str:
    """``#section`` for the mistake ``key``, or "" when no section is named.

    >>> anchor("padding_off"), anchor("a_new_mistake")
    ('#zero-padding', '')
    """
    section = SECTIONS.get(key)
    return f"#{section}" if section else ""
