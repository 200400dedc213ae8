#!/usr/bin/python3
"""Which colour order the TensorLayer peer expects, by measurement: runs it on Set5 and Set14 feeding RGB, and feeding
BGR (input channels swapped, output channels swapped back), and scores both as `srgan eval` does: HR modcropped to a
multiple of 4, the MATLAB-made x4 LR images, output (y+1)/2 rounded to 8 bits; PSNR on Y (MATLAB rgb2ycbcr, uint8)
and on RGB, 4-pixel border removed; grey images expanded to RGB. Means over each set.

The network is tests/fixtures/make_tensorlayer_fixture.py's (PyTorch, written from SOURCE.txt). Run from the
repository root (about 2 minutes on 2 cores):

    /usr/bin/python3 results/peer-tensorlayer/colour_order.py ../shared
"""
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "fixtures"))
from make_peer_fixture import read_png_rgb8, read_safetensors  # noqa: E402
from make_tensorlayer_fixture import Generator  # noqa: E402

BORDER = 4


def round_half_away(x):
    return np.clip(np.sign(x) * np.floor(np.abs(x) + 0.5), 0, 255)


def luma(rgb8):
    """MATLAB rgb2ycbcr's Y of a uint8 image, rounded to uint8."""
    r, g, b = (rgb8[..., c].astype(np.float64) for c in range(3))
    return round_half_away((65.481 * r + 128.553 * g + 24.966 * b) / 255 + 16)


def psnr(a, b):
    a, b = a[BORDER:-BORDER, BORDER:-BORDER].astype(np.float64), b[BORDER:-BORDER, BORDER:-BORDER].astype(np.float64)
    return 10 * np.log10(255.0 ** 2 / np.mean((a - b) ** 2))


def upscale(model, lr8, order):
    x = torch.from_numpy(lr8[..., order].astype(np.float32) / 127.5 - 1).permute(2, 0, 1).unsqueeze(0)
    with torch.no_grad():
        y = (model(x)[0] + 1) / 2
    sr = y.permute(1, 2, 0).numpy()[..., order]  # the same permutation undoes a swap of R and B
    return round_half_away(sr.astype(np.float64) * 255).astype(np.uint8)


def main(shared):
    shared = Path(shared)
    model = Generator()
    model.load_state_dict(read_safetensors(shared / "weights/tensorlayer-srgan-x4/tensorlayer_srgan_g_x4.safetensors"), strict=False)
    model.eval()
    torch.set_num_threads(2)
    orders = {"RGB": [0, 1, 2], "BGR": [2, 1, 0]}
    print("| Set | fed | mean PSNR-Y (dB) | mean PSNR-RGB (dB) | images where Y is higher |")
    print("|---|---|---:|---:|---:|")
    for set_name in ["Set5", "Set14"]:
        scores = {o: [] for o in orders}
        for lr_path in sorted((shared / "data/extra/matlab_bicubic_x4" / set_name).glob("*.png")):
            hr = read_png_rgb8(shared / "data" / set_name / "HR" / lr_path.name)
            hr = hr[:hr.shape[0] // 4 * 4, :hr.shape[1] // 4 * 4]
            lr = read_png_rgb8(lr_path)
            for o, order in orders.items():
                sr = upscale(model, lr, order)
                scores[o].append((psnr(luma(sr), luma(hr)), psnr(sr, hr)))
        for o in orders:
            mine, other = np.array(scores[o]), np.array(scores["BGR" if o == "RGB" else "RGB"])
            wins = int(np.sum(mine[:, 0] > other[:, 0]))
            print(f"| {set_name} | {o} | {mine[:, 0].mean():.2f} | {mine[:, 1].mean():.2f} | {wins} of {len(mine)} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared")
