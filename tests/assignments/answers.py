"""Students' answers to grade: correct ones in several styles, and realistic mistakes.

:data:`STYLES` holds, per assignment, correct answers written other ways than the
solution (vectorized, literal loops, lists for tuples, a different dtype
idiom): every one must score every point. :data:`WRONG_ANSWERS` holds the
mistakes students make, each an edit of the solution, with the test cells it
must fail (and no others) and what the message must say.
"""

from __future__ import annotations

from dataclasses import dataclass

Edits = tuple[tuple[str, str, str], ...]  # (solution cell's grade_id, old text, new text)

STYLES: dict[str, dict[str, dict[str, str]]] = {
    "a1_convolution": {
        "vectorized": {
            "output_size": '''
def output_size(N, F, stride=1, padding=0):
    steps, rest = divmod(N + 2 * padding - F, stride)
    if N + 2 * padding < F or rest:
        raise ValueError(f"the filter does not fit: ({N} - {F} + 2*{padding})/{stride} + 1 is not a whole number")
    return steps + 1
''',
            "zero_pad": '''
def zero_pad(x, padding):
    return np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
''',
            "correlate2d": '''
def correlate2d(x, w):
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)
    return np.einsum("ijab,ab->ij", windows, w).astype(np.result_type(x, w, 1.0))
''',
            "conv_forward": '''
def conv_forward(x, w, b, stride=1, padding=0):
    K, C, FH, FW = w.shape
    H2, W2 = output_size(x.shape[2], FH, stride, padding), output_size(x.shape[3], FW, stride, padding)
    windows = np.lib.stride_tricks.sliding_window_view(zero_pad(x, padding), (FH, FW), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :H2, :W2]
    out = np.einsum("ncijab,kcab->nkij", windows, w) + b[None, :, None, None]
    return out.astype(np.result_type(x, w, b, 1.0))
''',
            "conv_params": '''
def conv_params(C, K, F):
    return K * (F * F * C + 1)
''',
            "worked_numbers": '''
worked = conv_forward(x_lecture.reshape(1, 1, 5, 5), w_lecture.reshape(1, 1, 3, 3), np.array([0.0]), 2, 1).squeeze()
lecture_shape = [output_size(32, 5, 1, 2), output_size(32, 5, 1, 2), 10]
lecture_params = conv_params(C=3, K=10, F=5)
''',
        },
        "literal": {
            "output_size": '''
def output_size(N, F, stride=1, padding=0):
    size = (N - F + 2 * padding) / stride + 1
    if N + 2 * padding < F or size != int(size):
        raise ValueError("does not fit")
    return int(size)
''',
            "zero_pad": '''
def zero_pad(x, padding):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=np.result_type(x, 1.0))
    for n in range(N):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    out[n, c, i + padding, j + padding] = x[n, c, i, j]
    return out
''',
            "correlate2d": '''
def correlate2d(x, w):
    H, W = x.shape
    FH, FW = w.shape
    kind = np.result_type(x, w)
    out = np.zeros((H - FH + 1, W - FW + 1), dtype=kind if kind.kind == "f" else np.float64)
    for i in range(H - FH + 1):
        for j in range(W - FW + 1):
            total = 0
            for a in range(FH):
                for e in range(FW):
                    total += w[a, e] * x[i + a, j + e]
            out[i, j] = total
    return out
''',
            "conv_forward": '''
def conv_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    K, C, FH, FW = w.shape
    H2 = output_size(H, FH, stride, padding)
    W2 = output_size(W, FW, stride, padding)
    xp = zero_pad(x, padding)
    kind = np.result_type(x, w, b)
    out = np.zeros((N, K, H2, W2), dtype=kind if np.issubdtype(kind, np.floating) else np.float64)
    for n in range(N):
        for k in range(K):
            for i in range(H2):
                for j in range(W2):
                    total = b[k]
                    for c in range(C):
                        for a in range(FH):
                            for e in range(FW):
                                total = total + w[k, c, a, e] * xp[n, c, i * stride + a, j * stride + e]
                    out[n, k, i, j] = total
    return out
''',
            "conv_params": '''
def conv_params(C, K, F):
    weights = F * F * C * K
    biases = K
    return weights + biases
''',
        },
    },
    "a2_pooling_and_networks": {
        "vectorized": {
            "max_pool_forward": '''
def max_pool_forward(x, pool_size, stride):
    windows = np.lib.stride_tricks.sliding_window_view(x, (pool_size, pool_size), axis=(2, 3))
    return windows[:, :, ::stride, ::stride].max(axis=(4, 5))
''',
            "avg_pool_forward": '''
def avg_pool_forward(x, pool_size, stride):
    windows = np.lib.stride_tricks.sliding_window_view(x, (pool_size, pool_size), axis=(2, 3))
    mean = windows[:, :, ::stride, ::stride].mean(axis=(4, 5))
    return mean.astype(x.dtype) if np.issubdtype(x.dtype, np.floating) else mean
''',
            "relu_forward": '''
def relu_forward(x):
    return np.where(x > 0, x, 0).astype(x.dtype)
''',
            "fc_forward": '''
def fc_forward(x, w, b):
    return (np.einsum("nd,md->nm", x.reshape(len(x), -1), w) + b).astype(np.result_type(x, w, b, 1.0))
''',
            "conv1x1": '''
def conv1x1(x, w, b):
    return np.einsum("kc,nchw->nkhw", w, x) + b[None, :, None, None]
''',
        },
        "literal": {
            "max_pool_forward": '''
def max_pool_forward(x, pool_size, stride):
    N, C, H, W = x.shape
    H2 = (H - pool_size) // stride + 1
    W2 = (W - pool_size) // stride + 1
    out = np.zeros((N, C, H2, W2), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(H2):
                for j in range(W2):
                    best = x[n, c, i * stride, j * stride]
                    for a in range(pool_size):
                        for e in range(pool_size):
                            best = max(best, x[n, c, i * stride + a, j * stride + e])
                    out[n, c, i, j] = best
    return out
''',
            "avg_pool_forward": '''
def avg_pool_forward(x, pool_size, stride):
    N, C, H, W = x.shape
    H2 = (H - pool_size) // stride + 1
    W2 = (W - pool_size) // stride + 1
    out = np.zeros((N, C, H2, W2), dtype=x.dtype if x.dtype.kind == "f" else np.float64)
    for n in range(N):
        for c in range(C):
            for i in range(H2):
                for j in range(W2):
                    out[n, c, i, j] = np.mean(x[n, c, i * stride : i * stride + pool_size, j * stride : j * stride + pool_size])
    return out
''',
            "relu_forward": '''
def relu_forward(x):
    out = x.copy()
    out[out < 0] = 0
    return out
''',
            "fc_forward": '''
def fc_forward(x, w, b):
    flat = x.reshape(x.shape[0], -1)
    out = np.zeros((flat.shape[0], w.shape[0]), dtype=np.result_type(flat, w, b, 1.0))
    for n in range(flat.shape[0]):
        for m in range(w.shape[0]):
            out[n, m] = np.dot(flat[n], w[m]) + b[m]
    return out
''',
            "conv1x1": '''
def conv1x1(x, w, b):
    N, C, H, W = x.shape
    pixels = x.transpose(0, 2, 3, 1).reshape(-1, C)
    out = (pixels @ w.T + b).reshape(N, H, W, -1).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(out, dtype=np.result_type(x, w, b, 1.0))
''',
            "alexnet_walk": '''
def conv_layer(volume, K, F, S=1, P=0):
    H, W, D = volume
    return [(H - F + 2 * P) // S + 1, (W - F + 2 * P) // S + 1, K], (F * F * D + 1) * K


def pool_layer(volume, F, S):
    return [(volume[0] - F) // S + 1, (volume[1] - F) // S + 1, volume[2]], 0


def fc_params(n_in, n_out):
    return (n_in + 1) * n_out


alexnet = []
v = [227, 227, 3]
v, p = conv_layer(v, 96, 11, 4, 0); alexnet.append(["CONV1", v, p])
v, p = pool_layer(v, 3, 2); alexnet.append(["POOL1", v, p])
alexnet.append(["NORM1", v, 0])
v, p = conv_layer(v, 256, 5, 1, 2); alexnet.append(["CONV2", v, p])
v, p = pool_layer(v, 3, 2); alexnet.append(["POOL2", v, p])
alexnet.append(["NORM2", v, 0])
v, p = conv_layer(v, 384, 3, 1, 1); alexnet.append(["CONV3", v, p])
v, p = conv_layer(v, 384, 3, 1, 1); alexnet.append(["CONV4", v, p])
v, p = conv_layer(v, 256, 3, 1, 1); alexnet.append(["CONV5", v, p])
v, p = pool_layer(v, 3, 2); alexnet.append(["POOL3", v, p])
alexnet.append(["FC6", [1, 1, 4096], fc_params(v[0] * v[1] * v[2], 4096)])
alexnet.append(["FC7", [1, 1, 4096], fc_params(4096, 4096)])
alexnet.append(["FC8", [1, 1, 1000], fc_params(4096, 1000)])
''',
        },
    },
    "a3_backprop_and_speed": {
        "vectorized": {
            "numerical_gradient": '''
def numerical_gradient(f, x, dout, h=1e-5):
    grad = np.zeros(x.shape)
    flat = x.reshape(-1)  # a view: changing flat changes x
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        up = np.sum(f(x) * dout)
        flat[i] = saved - h
        down = np.sum(f(x) * dout)
        flat[i] = saved
        grad.reshape(-1)[i] = (up - down) / (2 * h)
    return grad
''',
            "conv_backward": '''
def conv_backward(dout, x, w, stride=1, padding=0):
    K, C, FH, FW = w.shape
    N, _, H2, W2 = dout.shape
    dtype = np.result_type(dout, x, w, 1.0)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).astype(dtype)
    dxp = np.zeros_like(xp)
    dw = np.zeros(w.shape, dtype)
    for a in range(FH):  # one tap of the filter at a time: every output position at once
        for e in range(FW):
            rows = slice(a, a + stride * (H2 - 1) + 1, stride)
            cols = slice(e, e + stride * (W2 - 1) + 1, stride)
            dw[:, :, a, e] = np.einsum("nkij,ncij->kc", dout, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nkij,kc->ncij", dout, w[:, :, a, e])
    dx = dxp[:, :, padding : dxp.shape[2] - padding, padding : dxp.shape[3] - padding]
    return dx, dw, dout.sum(axis=(0, 2, 3)).astype(dtype)
''',
            "max_pool_backward": '''
def max_pool_backward(dout, x, pool_size, stride):
    N, C, H2, W2 = dout.shape
    windows = np.lib.stride_tricks.sliding_window_view(x, (pool_size, pool_size), axis=(2, 3))[:, :, ::stride, ::stride]
    windows = windows[:, :, :H2, :W2].reshape(N, C, H2, W2, -1)
    a, e = np.divmod(windows.argmax(axis=-1), pool_size)
    rows = a + stride * np.arange(H2)[:, None]
    cols = e + stride * np.arange(W2)[None, :]
    n, c = np.arange(N)[:, None, None, None], np.arange(C)[None, :, None, None]
    dx = np.zeros(x.shape, dtype=np.result_type(dout, x, 1.0))
    np.add.at(dx, (n, c, rows, cols), dout)
    return dx
''',
            "conv_forward_fast": '''
def conv_forward_fast(x, w, b, stride=1, padding=0):
    K, C, FH, FW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H2 = (xp.shape[2] - FH) // stride + 1
    W2 = (xp.shape[3] - FW) // stride + 1
    out = np.zeros((x.shape[0], K, H2, W2), dtype=np.result_type(x, w, b, 1.0))
    for a in range(FH):  # loops over the filter's taps only: each step covers every output position
        for e in range(FW):
            shifted = xp[:, :, a : a + stride * (H2 - 1) + 1 : stride, e : e + stride * (W2 - 1) + 1 : stride]
            out += np.einsum("nchw,kc->nkhw", shifted, w[:, :, a, e])
    return out + b[None, :, None, None].astype(out.dtype)
''',
        },
        "literal": {
            # The review's literal reading of the docstring, on copies: correct, and now full marks.
            "numerical_gradient": '''
def numerical_gradient(f, x, dout, h=1e-5):
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        xp = x.copy()
        xm = x.copy()
        xp[index] += h
        xm[index] -= h
        grad[index] = (np.sum(f(xp) * dout) - np.sum(f(xm) * dout)) / (2 * h)
    return grad
''',
            "conv_backward": '''
def conv_backward(dout, x, w, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, FH, FW = w.shape
    _, _, H2, W2 = dout.shape
    kind = np.result_type(dout, x, w)
    kind = kind if np.issubdtype(kind, np.floating) else np.float64
    xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=kind)
    xp[:, :, padding : padding + H, padding : padding + W] = x
    dxp = np.zeros(xp.shape, dtype=kind)
    dw = np.zeros(w.shape, dtype=kind)
    db = np.zeros(K, dtype=kind)
    for n in range(N):
        for k in range(K):
            for i in range(H2):
                for j in range(W2):
                    g = dout[n, k, i, j]
                    db[k] += g
                    for c in range(C):
                        for a in range(FH):
                            for e in range(FW):
                                dw[k, c, a, e] += g * xp[n, c, i * stride + a, j * stride + e]
                                dxp[n, c, i * stride + a, j * stride + e] += g * w[k, c, a, e]
    return [dxp[:, :, padding : padding + H, padding : padding + W], dw, db]
''',
            "max_pool_backward": '''
def max_pool_backward(dout, x, pool_size, stride):
    N, C, H2, W2 = dout.shape
    dx = np.zeros(x.shape, dtype=np.result_type(dout, x, 1.0))
    for n in range(N):
        for c in range(C):
            for i in range(H2):
                for j in range(W2):
                    best, where = None, None
                    for a in range(pool_size):
                        for e in range(pool_size):
                            value = x[n, c, i * stride + a, j * stride + e]
                            if best is None or value > best:
                                best, where = value, (i * stride + a, j * stride + e)
                    dx[n, c, where[0], where[1]] += dout[n, c, i, j]
    return dx
''',
            "conv_forward_fast": '''
def conv_forward_fast(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    K, _, FH, FW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H2 = (H + 2 * padding - FH) // stride + 1
    W2 = (W + 2 * padding - FW) // stride + 1
    # im2col: row r of cols holds the receptive field of output position r, for every image.
    n_idx, c_idx, i_idx, j_idx, a_idx, e_idx = np.ix_(range(N), range(C), range(H2), range(W2), range(FH), range(FW))
    patches = xp[n_idx, c_idx, i_idx * stride + a_idx, j_idx * stride + e_idx]  # (N, C, H2, W2, FH, FW)
    cols = patches.transpose(0, 2, 3, 1, 4, 5).reshape(N * H2 * W2, C * FH * FW)
    out = cols @ w.reshape(K, -1).T + b
    return out.reshape(N, H2, W2, K).transpose(0, 3, 1, 2).astype(np.result_type(x, w, b, 1.0))
''',
        },
    },
    "a5_inside_a_convnet": {
        "other-idioms": {
            "residual_block": '''
def conv_bn(c_in, c_out, size, stride=1):
    return nn.Sequential(nn.Conv2d(c_in, c_out, size, stride, padding=size // 2, bias=False), nn.BatchNorm2d(c_out))


class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.residual = nn.Sequential(conv_bn(in_channels, out_channels, 3, stride), nn.ReLU(inplace=True),
                                      conv_bn(out_channels, out_channels, 3))
        projection = stride > 1 or in_channels != out_channels
        self.shortcut = conv_bn(in_channels, out_channels, 1, stride) if projection else nn.Identity()

    def forward(self, x):
        out = self.residual(x)
        out += self.shortcut(x)
        return functional.relu(out)
''',
            "field_and_jump": '''
from functools import reduce


def field_and_jump(layers):
    step = lambda acc, layer: [acc[0] + layer[2] * (layer[0] - 1) * acc[1], acc[1] * layer[1]]
    return reduce(step, layers, [1, 1])
''',
            "saliency": '''
def saliency_map(model, image, label):
    model.eval()
    gradient = torch.autograd.functional.jacobian(lambda x: model(x.unsqueeze(0))[0, label], image)
    return torch.max(torch.abs(gradient), dim=0).values
''',
            "occlusion": '''
def occlusion_map(model, image, label, patch, stride):
    model.eval()
    C, H, W = image.shape
    rows = []
    for top in range(0, H - patch + 1, stride):
        row = []
        for left in range(0, W - patch + 1, stride):
            x = image.clone()
            x[:, top : top + patch, left : left + patch] = 0.0
            with torch.no_grad():
                row.append(functional.softmax(model(x[None]), dim=-1)[0, label])
        rows.append(torch.stack(row))
    return torch.stack(rows)
''',
            "class_image": '''
def ascent_step(model, x, label, lr, l2, sigma):
    model.eval()
    x = x.detach().clone()
    x.requires_grad = True
    model(x)[0][label].backward()
    stepped = (x + lr * x.grad).detach()
    return blur(stepped * (1 - l2), sigma)


def class_image(model, label):
    x = torch.zeros(1, 1, 28, 28)
    p = 0.0
    while p < 0.95:
        x = ascent_step(model, x, label, 1.0, 0.02, 0.6)
        p = torch.softmax(model(x), 1)[0, label].item()
    return x.squeeze(0)
''',
            "fooling": '''
def fooling_image(model, image, target, epsilon):
    model.eval()
    low, high = (image - epsilon).clamp(min=0), (image + epsilon).clamp(max=1)
    x = image.clone()
    for _ in range(200):
        x.requires_grad_()
        scores = model(x.unsqueeze(0))[0]
        if scores.argmax().item() == target:
            break
        margin = scores[target] - scores.max()
        grad = torch.autograd.grad(margin, x)[0]
        x = torch.min(torch.max(x.detach() + 0.01 * grad.sign(), low), high)
    return x.detach()
''',
        },
    },
}


@dataclass(frozen=True)
class WrongAnswer:
    """A realistic mistake, made by editing a solution: the test cells it must fail, and what they must say."""

    assignment: str
    student: str
    edits: Edits
    failed: frozenset[str]  # every test cell that should lose its points, and no other
    caught_by: str  # the test cell whose message names the mistake
    says: str  # what that message contains: a known mistake's key (cnnlib.grading.mistakes.MISTAKES), or a phrase
    visible: bool = True  # whether the visible tests already show the message to the student


A1, A2, A3, A5 = "a1_convolution", "a2_pooling_and_networks", "a3_backprop_and_speed", "a5_inside_a_convnet"
A1_CONV = frozenset({"test_conv_forward", "test_worked_numbers"})

WRONG_ANSWERS = (
    WrongAnswer(A1, "kernel-flipped", (("conv_forward", "np.sum(patch * w[k])", "np.sum(patch * w[k, :, ::-1, ::-1])"),),
                A1_CONV, "test_conv_forward", "kernel_flipped"),
    # The review's case: a flipped correlate2d costs its own 3 points, not those of a correct conv_forward.
    WrongAnswer(A1, "correlate-flipped", (("correlate2d", "np.sum(w * x", "np.sum(w[::-1, ::-1] * x"),),
                frozenset({"test_correlate2d"}), "test_correlate2d", "kernel_flipped"),
    WrongAnswer(
        A1, "padding-doubled",
        (("zero_pad", "H + 2 * padding, W + 2 * padding", "H + 4 * padding, W + 4 * padding"),
         ("zero_pad", "out[:, :, padding : padding + H, padding : padding + W]",
          "out[:, :, 2 * padding : 2 * padding + H, 2 * padding : 2 * padding + W]")),
        A1_CONV | {"test_zero_pad"}, "test_conv_forward", "padding_shifted"),
    # The first visible case that fails has P = 0: "padding 1 instead of 0".
    WrongAnswer(A1, "padding-plus-one", (("conv_forward", "zero_pad(x, padding)", "zero_pad(x, padding + 1)"),),
                A1_CONV, "test_conv_forward", "padding_off"),
    WrongAnswer(
        A1, "padding-none",
        (("conv_forward", "output_size(H, FH, stride, padding)", "output_size(H, FH, stride)"),
         ("conv_forward", "output_size(W, FW, stride, padding)", "output_size(W, FW, stride)"),
         ("conv_forward", "xp = zero_pad(x, padding)", "xp = x")),
        A1_CONV, "test_conv_forward", "padding_off"),
    WrongAnswer(
        A1, "padding-above-left",
        (("zero_pad", "out[:, :, padding : padding + H, padding : padding + W]", "out[:, :, 2 * padding :, 2 * padding :]"),),
        A1_CONV | {"test_zero_pad"}, "test_conv_forward", "padding_shifted"),
    WrongAnswer(
        A1, "padding-below-right",
        (("zero_pad", "out[:, :, padding : padding + H, padding : padding + W]", "out[:, :, : H, : W]"),),
        A1_CONV | {"test_zero_pad"}, "test_conv_forward", "padding_one_sided"),
    WrongAnswer(A1, "stride-ignored", (("conv_forward", "top, left = i * stride, j * stride", "top, left = i, j"),),
                A1_CONV, "test_conv_forward", "stride_ignored"),
    # The worked example has no bias and one channel: these cost part 4 only.
    WrongAnswer(A1, "bias-missing", (("conv_forward", "np.sum(patch * w[k]) + b[k]", "np.sum(patch * w[k])"),),
                frozenset({"test_conv_forward"}), "test_conv_forward", "bias_missing"),
    WrongAnswer(A1, "first-channel-only", (("conv_forward", "np.sum(patch * w[k])", "np.sum(patch[0] * w[k, 0])"),),
                frozenset({"test_conv_forward"}), "test_conv_forward", "channels_summed_wrong"),
    # The review's case: integer images truncated by an output in x's dtype.
    WrongAnswer(A1, "integer-truncated", (("conv_forward", "dtype=np.result_type(x, w, b, 1.0)", "dtype=x.dtype"),),
                frozenset({"test_conv_forward"}), "test_conv_forward", "returned dtype int64, expected float64"),
    WrongAnswer(A2, "pool-window-follows-stride",
                (("max_pool_forward", "x[:, :, top : top + pool_size, left : left + pool_size]",
                  "x[:, :, top : top + stride, left : left + stride]"),),
                frozenset({"test_max_pool"}), "test_max_pool", "pool_window_wrong"),
    # The review's case: float32 was required by hidden tests only; now it is stated and visible, and costs part 2 only.
    WrongAnswer(A2, "avg-pool-float64", (("avg_pool_forward", "np.empty((N, C, H2, W2), dtype=np.result_type(x, 1.0))",
                                          "np.zeros((N, C, H2, W2))"),),
                frozenset({"test_avg_pool"}), "test_avg_pool", "returned dtype float64, expected float32"),
    WrongAnswer(A2, "fc-bias-missing", (("fc_forward", "@ w.T + b", "@ w.T"),),
                frozenset({"test_fc"}), "test_fc", "bias_missing"),
    WrongAnswer(
        A2, "conv1x1-loops-over-pixels",
        (("conv1x1", "    out = w @ x.reshape(N, C, H * W) + b[:, None]\n    return out.reshape(N, w.shape[0], H, W)",
          "    out = np.zeros((N, w.shape[0], H, W), dtype=np.result_type(x, w, b, 1.0))\n"
          "    for i in range(H):\n        for j in range(W):\n"
          "            out[:, :, i, j] = x[:, :, i, j] @ w.T + b\n    return out"),),
        frozenset({"test_conv1x1"}), "test_conv1x1", "loops in Python over output positions"),
    WrongAnswer(A2, "conv-layer-no-bias", (("alexnet_walk", "F * F * D * K + K", "F * F * D * K"),),
                frozenset({"test_alexnet", "test_vgg16"}), "test_alexnet", "params_bias_missing"),
    # Issue 22: the classic count without biases, which the notebook warns about, named.
    WrongAnswer(A1, "conv-params-no-bias", (("conv_params", "F * F * C * K + K", "F * F * C * K"),),
                frozenset({"test_conv_params", "test_worked_numbers"}), "test_conv_params", "params_bias_missing"),
    # Zeros above and left only, in an array sized for both sides: numpy's broadcast error, now named.
    WrongAnswer(A1, "padding-one-side",
                (("zero_pad", "out[:, :, padding : padding + H, padding : padding + W] = x",
                  "out[:, :, padding:, padding:] = x"),),
                A1_CONV | {"test_zero_pad"}, "test_zero_pad", "padding_one_side"),
    WrongAnswer(A1, "padding-every-axis",
                (("zero_pad", "    out[:, :, padding : padding + H, padding : padding + W] = x\n    return out",
                  "    return np.pad(x, padding)"),),
                A1_CONV | {"test_zero_pad"}, "test_zero_pad", "padding_every_axis"),
    WrongAnswer(A1, "stride-on-taps",
                (("conv_forward", "patch = xp[n, :, top : top + FH, left : left + FW]",
                  "patch = xp[n, :, top : top + stride * FH : stride, left : left + stride * FW : stride]"),),
                A1_CONV, "test_conv_forward", "stride_on_taps"),
    WrongAnswer(A1, "bias-per-channel",
                (("conv_forward", "out[n, k, i, j] = np.sum(patch * w[k]) + b[k]",
                  "out[n, k, i, j] = sum(np.sum(patch[c] * w[k, c]) + b[k] for c in range(len(patch)))"),),
                frozenset({"test_conv_forward"}), "test_conv_forward", "bias_per_channel"),
    WrongAnswer(A3, "gradient-sign-flipped",
                (("numerical_gradient", "np.sum((plus - minus) * dout)", "np.sum((minus - plus) * dout)"),),
                frozenset({"test_numerical_gradient"}), "test_numerical_gradient", "gradient_sign_flipped"),
    WrongAnswer(A3, "gradient-fixed-h",
                (("numerical_gradient", "    grad = np.zeros_like(x)\n", "    h = 1e-2\n    grad = np.zeros_like(x)\n"),),
                frozenset({"test_numerical_gradient"}), "test_numerical_gradient", "gradient_step_fixed"),
    WrongAnswer(A3, "dw-unpadded", (("conv_backward", "dw[k] += dout[n, k, i, j] * xp[n, :, rows, cols]",
                                     "dw[k] += dout[n, k, i, j] * x[n, :, rows, cols]"),),
                frozenset({"test_conv_backward"}), "test_conv_backward", "conv_backward_unpadded"),
    WrongAnswer(A3, "dw-averaged", (("conv_backward", "return dx, dw, dout", "return dx, dw / N, dout"),),
                frozenset({"test_conv_backward"}), "test_conv_backward", "conv_backward_averaged"),
    # Issue 22: the last of tied maxima lost nothing, since no test had a tie.
    WrongAnswer(A3, "pool-backward-last-max",
                (("max_pool_backward", "a, e = np.unravel_index(np.argmax(window), window.shape)",
                  "a, e = np.unravel_index(window.size - 1 - np.argmax(window.ravel()[::-1]), window.shape)"),),
                frozenset({"test_max_pool_backward"}), "test_max_pool_backward", "pool_backward_last_max"),
    WrongAnswer(A3, "gradient-not-restored", (("numerical_gradient", "        x[index] = old\n", ""),),
                frozenset({"test_numerical_gradient"}), "test_numerical_gradient", "input_changed"),
    WrongAnswer(A3, "gradient-one-sided",
                (("numerical_gradient", "x[index] = old - h", "x[index] = old"), ("numerical_gradient", "/ (2 * h)", "/ h")),
                frozenset({"test_numerical_gradient"}), "test_numerical_gradient", "gradient_one_sided"),
    WrongAnswer(A3, "pool-backward-assigned", (("max_pool_backward", "] += dout[n, c, i, j]", "] = dout[n, c, i, j]"),),
                frozenset({"test_max_pool_backward"}), "test_max_pool_backward", "pool_backward_assigned"),
    WrongAnswer(A3, "db-per-image", (("conv_backward", "dout.sum(axis=(0, 2, 3))", "dout.sum(axis=(2, 3))"),),
                frozenset({"test_conv_backward"}), "test_conv_backward", "'s db returned shape (2, 4), expected shape (4,)"),
    # The review's case: a "fast" version that loops over output pixels passed a timing test; it fails the line count.
    WrongAnswer(
        A3, "fast-loops-over-pixels",
        (("conv_forward_fast", "    K, C, FH, FW = w.shape\n", "    return conv_forward_loops(x, w, b, stride, padding)\n"),),
        frozenset({"test_conv_forward_fast"}), "test_conv_forward_fast", "loops in Python over output positions"),
)

# Assignment 5 runs in a kernel in the sandbox, not in the sealed runner that grades WRONG_ANSWERS one by one
# (tests/grader/sealed): its mistakes are a list of their own, graded with the others by the course.
A5_WRONG_ANSWERS = (
    WrongAnswer(A5, "relu-before-add", (("residual_block", "return torch.relu(self.residual(x) + self.shortcut(x))",
                                         "return torch.relu(self.residual(x)) + self.shortcut(x)"),),
                frozenset({"test_residual_block"}), "test_residual_block", "residual_relu_misplaced"),
    WrongAnswer(A5, "conv-bias", (("residual_block",
                                   "padding=1, bias=False), nn.BatchNorm2d(out_channels),\n            nn.ReLU()",
                                   "padding=1), nn.BatchNorm2d(out_channels),\n            nn.ReLU()"),),
                frozenset({"test_residual_block"}), "test_residual_block", "use bias=False (batch norm has its own)"),
    WrongAnswer(A5, "jump-first", (("field_and_jump", "        field += D * (F - 1) * jump\n        jump *= S\n",
                                    "        jump *= S\n        field += D * (F - 1) * jump\n"),),
                frozenset({"test_field_and_jump"}), "test_field_and_jump", "receptive_jump_first"),
    WrongAnswer(A5, "saliency-of-probability", (("saliency", "model(x)[0, label]", "torch.softmax(model(x), dim=1)[0, label]"),),
                frozenset({"test_saliency"}), "test_saliency", "saliency_probability"),
    WrongAnswer(A5, "saliency-abs-after-max", (("saliency", "gradient[0].abs().amax(dim=0)", "gradient[0].amax(dim=0).abs()"),),
                frozenset({"test_saliency"}), "test_saliency", "saliency_abs_after_max"),
    WrongAnswer(A5, "saliency-training-mode", (("saliency", "    model.eval()\n", ""),),
                frozenset({"test_saliency"}), "test_saliency", "model_training_mode"),
    WrongAnswer(A5, "occlusion-border", (("occlusion", "(H - patch) // stride + 1, (W - patch) // stride + 1",
                                          "(H - patch) // stride, (W - patch) // stride"),),
                frozenset({"test_occlusion"}), "test_occlusion", "occlusion_border"),
    WrongAnswer(A5, "ascent-unregularized", (("class_image", "return blur((1 - l2) * (x + lr * gradient), sigma)",
                                              "return x + lr * gradient"),),
                frozenset({"test_class_image"}), "test_class_image", "ascent_unregularized"),
    WrongAnswer(A5, "ascent-grad-not-zeroed",
                (("class_image",
                  "    x = x.detach().requires_grad_(True)\n    (gradient,) = torch.autograd.grad(model(x)[0, label], x)\n",
                  "    x.requires_grad_(True)\n    model(x)[0, label].backward()\n    gradient = x.grad\n"),),
                frozenset({"test_class_image"}), "test_class_image", "ascent_gradient_accumulates"),
    WrongAnswer(A5, "fooling-unclipped", (("fooling", ".clamp(image - epsilon, image + epsilon).clamp(0, 1)", ".clamp(0, 1)"),
                                          ("fooling", "epsilon / 8 * gradient.sign()", "epsilon / 2 * gradient.sign()")),
                frozenset({"test_fooling"}), "test_fooling", "more than epsilon: clip x to [image - epsilon, image + epsilon]"),
)

ALL_WRONG_ANSWERS = WRONG_ANSWERS + A5_WRONG_ANSWERS
