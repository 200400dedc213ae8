#!/usr/bin/python3
"""The PyTorch side of `bench speed` (Debian's python3-torch 1.13): the same networks and measurements as
SpeedBench.cs, written independently from the paper's description, with the same thread count. Prints one
JSON line. Weights are random: only the time matters.

    /usr/bin/python3 bench/pytorch_reference.py --threads 2 --steps 5
    /usr/bin/python3 bench/pytorch_reference.py --threads 2 --upscale 1024   # `bench memory`: one whole-image forward
"""
import argparse
import json
import time

import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.bn1, self.prelu = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c), nn.PReLU()
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)

    def forward(self, x):
        return x + self.bn2(self.conv2(self.prelu(self.bn1(self.conv1(x)))))


class SRResNet(nn.Module):
    def __init__(self, blocks=16, c=64):
        super().__init__()
        self.conv_input, self.prelu_input = nn.Conv2d(3, c, 9, padding=4), nn.PReLU()
        self.blocks = nn.Sequential(*[Block(c) for _ in range(blocks)])
        self.conv_mid, self.bn_mid = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)
        self.upsample = nn.Sequential(*[nn.Sequential(nn.Conv2d(c, 4 * c, 3, padding=1), nn.PixelShuffle(2), nn.PReLU()) for _ in range(2)])
        self.conv_output = nn.Conv2d(c, 3, 9, padding=4)

    def forward(self, x):
        head = self.prelu_input(self.conv_input(x))
        return self.conv_output(self.upsample(self.bn_mid(self.conv_mid(self.blocks(head))) + head))


def discriminator():
    layers, cin = [], 3
    for i in range(8):
        cout = 64 << (i // 2)
        layers.append(nn.Conv2d(cin, cout, 3, stride=2 if i % 2 else 1, padding=1))
        if i:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.LeakyReLU(0.2))
        cin = cout
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(512 * 36, 1024), nn.LeakyReLU(0.2), nn.Linear(1024, 1))


def vgg22():
    cfg = [(3, 64), (64, 64), "M", (64, 128), (128, 128)]
    layers = []
    for c in cfg:
        layers += [nn.MaxPool2d(2)] if c == "M" else [nn.Conv2d(*c, 3, padding=1), nn.ReLU()]
    net = nn.Sequential(*layers).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def srgan_step(g, opt, lr_b, hr_b, memory_format):
    """One SRGAN step as a PyTorch user writes it (DCGAN example style): D on HR and detached SR, then G on
    content (VGG22 MSE) + 1e-3 x adversarial, D not frozen in the G step. D and VGG in `memory_format`."""
    d = discriminator().to(memory_format=memory_format)
    vgg = vgg22().to(memory_format=memory_format)
    opt_d = torch.optim.Adam(d.parameters(), lr=1e-4, betas=(0.9, 0.999))
    bce = nn.BCEWithLogitsLoss()

    def step():
        sr = g(lr_b)
        opt_d.zero_grad(set_to_none=True)
        real, fake = d(hr_b), d(sr.detach())
        (bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake))).backward()
        opt_d.step()
        opt.zero_grad(set_to_none=True)
        with torch.no_grad():
            target = vgg((hr_b + 1) / 2)
        content = nn.functional.mse_loss(vgg((sr + 1) / 2), target)
        fake = d(sr)
        (content + 1e-3 * bce(fake, torch.ones_like(fake))).backward()
        opt.step()
    return step


def peak_rss_mb():
    """VmHWM of this process. (getrusage's ru_maxrss survives execve on Linux, so a child started by the C#
    benchmark would report the parent's peak.)"""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss():
    """Resets VmHWM to the current resident size (Linux: "5" > /proc/self/clear_refs)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def timed(fn, runs, warmup=1):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--channels-last", action="store_true", help="also measure PyTorch with channels_last")
    ap.add_argument("--steps-only", action="store_true", help="only the two training steps (default layout)")
    ap.add_argument("--inference-only", action="store_true", help="only inference, default layout (and channels_last with --channels-last)")
    ap.add_argument("--upscale", type=int, metavar="N", help="only one forward of an N x N input, as a user upscales a whole image "
                    "(`bench memory` measures this process's peak with /usr/bin/time -v)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads()}

    if args.upscale:
        g = SRResNet().eval()
        lr = torch.rand(1, 3, args.upscale, args.upscale)
        with torch.no_grad():
            start = time.perf_counter()
            g(lr)
            result["forward_s"] = time.perf_counter() - start
        result["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(result))
        return

    # Inference first, so the peak resident memory is inference's (plus start-up).
    g = SRResNet().eval()
    lr = torch.rand(1, 3, 512, 512)
    if not args.steps_only:
        with torch.no_grad():
            seconds = timed(lambda: g(lr), runs=2)
        result["infer_512_s"] = seconds
        result["infer_mpix_per_s"] = 2048 * 2048 / 1e6 / seconds
        result["infer_peak_rss_mb"] = peak_rss_mb()

    # The same with PyTorch's own channels_last memory format (its documented CPU speed-up), for a stronger peer.
    if args.channels_last and not args.steps_only:
        reset_peak_rss()
        g_cl = SRResNet().eval().to(memory_format=torch.channels_last)
        lr_cl = lr.contiguous(memory_format=torch.channels_last)
        with torch.no_grad():
            seconds = timed(lambda: g_cl(lr_cl), runs=2)
        result["cl_infer_mpix_per_s"] = 2048 * 2048 / 1e6 / seconds
        result["cl_infer_peak_rss_mb"] = peak_rss_mb()
        if args.inference_only:
            print(json.dumps(result))
            return
        g_cl.train()
        opt_cl = torch.optim.Adam(g_cl.parameters(), lr=1e-4, betas=(0.9, 0.999))
        lr_b = torch.rand(16, 3, 24, 24).contiguous(memory_format=torch.channels_last)
        hr_b = (torch.rand(16, 3, 96, 96) * 2 - 1).contiguous(memory_format=torch.channels_last)

        def srresnet_step_cl():
            opt_cl.zero_grad(set_to_none=True)
            nn.functional.mse_loss(g_cl(lr_b), hr_b).backward()
            opt_cl.step()
        result["cl_srresnet_step_s"] = timed(srresnet_step_cl, args.steps)
        result["cl_srgan_step_s"] = timed(srgan_step(g_cl, opt_cl, lr_b, hr_b, torch.channels_last), args.steps)
        del g_cl, opt_cl

    if args.inference_only:
        print(json.dumps(result))
        return
    g.train()
    opt = torch.optim.Adam(g.parameters(), lr=1e-4, betas=(0.9, 0.999))
    lr_b, hr_b = torch.rand(16, 3, 24, 24), torch.rand(16, 3, 96, 96) * 2 - 1

    def srresnet_step():
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(g(lr_b), hr_b)
        loss.backward()
        opt.step()
    result["srresnet_step_s"] = timed(srresnet_step, args.steps)

    result["srgan_step_s"] = timed(srgan_step(g, opt, lr_b, hr_b, torch.contiguous_format), args.steps)

    if args.steps_only:
        print(json.dumps(result))
        return
    a, b = torch.rand(2048, 2048), torch.rand(2048, 2048)
    result["sgemm_gflops"] = 2 * 2048 ** 3 / 1e9 / timed(lambda: a @ b, runs=5)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
