#!/usr/bin/env python3
"""Plain-PyTorch twin of AMAT's bench (scripts/amat bench, segmentation): the same U-Net
(sc.fiji.amat.nn.UNet), batch, loss, optimizer and PGD, timed the same way (interleaved rounds
after a warm-up, median and quartiles), printing lines that match the Java bench's so a table
can set them side by side. Optional; not part of the build. Run it alone on the machine:

    python3 bench/unet_twin.py --threads 2 --repeats 10

The network: per level two [3x3 conv (no bias), batch norm, ReLU] blocks, widths 16, 32, 64
(depth 3), 2x2 max pooling, a bottom block of 128 channels; up by a 1x1 conv (with bias) to
4C channels and the pixel shuffle written as reshape/transpose/reshape, concatenation with the
skip (skip first), a block of C channels; a 1x1 head to 3 classes. Batch norm as DJL's
(momentum 0.9 of the old statistic = PyTorch's 0.1, eps 1e-5). Loss: per-sample cross-entropy
(mean over pixels) + 1 - mean foreground Dice (soft, +1 smoothing), summed over the batch / batch
size. Adam (lr 1e-3). SAT: PGD-T in L2, eps 0.05 rms, random start, step alpha 4 * eps / T,
parameters frozen, training mode; the step trains on 0.5 clean + 0.5 adversarial loss.
"AMAT (approx.)" adds what AMAT adds to SAT: a boundary test after every PGD step (the per-sample
foreground Dice of the current outputs, read back to the host) and a start radius of eps / 4.
The data is random blobs, not the Java bench's generator: timings do not depend on the values.
"""
import argparse
import math
import platform
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1), nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1), nn.ReLU())


def pixel_shuffle(x):
    n, c4, h, w = x.shape
    c = c4 // 4
    return x.reshape(n, c, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3).reshape(n, c, 2 * h, 2 * w)


class UNet(nn.Module):
    def __init__(self, cin=1, outputs=3, depth=3, width=16):
        super().__init__()
        self.depth = depth
        self.down = nn.ModuleList()
        c = cin
        for level in range(depth):
            self.down.append(double_conv(c, width << level))
            c = width << level
        self.bottom = double_conv(c, width << depth)
        c = width << depth
        self.up = nn.ModuleList()
        self.merge = nn.ModuleList()
        for level in range(depth - 1, -1, -1):
            ch = width << level
            self.up.append(nn.Conv2d(c, 4 * ch, 1))
            self.merge.append(double_conv(2 * ch, ch))
            c = ch
        self.head = nn.Conv2d(c, outputs, 1)

    def forward(self, x):
        skips = []
        for level in range(self.depth):
            x = self.down[level](x)
            skips.append(x)
            x = F.max_pool2d(x, 2, 2)
        x = self.bottom(x)
        for i in range(self.depth):
            up = pixel_shuffle(self.up[i](x))
            x = self.merge[i](torch.cat([skips[self.depth - 1 - i], up], 1))
        return self.head(x)


def per_sample_loss(logits, y):
    h, w = logits.shape[2], logits.shape[3]
    logp = F.log_softmax(logits, 1)
    ce = (logp * y).sum(dim=(1, 2, 3)) / -(h * w)
    p = logp.exp()
    inter = (p * y).sum(dim=(2, 3))
    denom = p.sum(dim=(2, 3)) + y.sum(dim=(2, 3))
    dice = (inter * 2 + 1) / (denom + 1)
    return ce + (1 - dice[:, 1:].mean(1))


def boundary_test(logits, y):
    """AMAT's per-sample quantity: the best foreground hard Dice of the current outputs (host side)."""
    with torch.no_grad():
        pred = (logits == logits.max(1, keepdim=True).values).float()
        inter = (pred * y).sum(dim=(2, 3))
        dice = 2 * inter / (pred.sum(dim=(2, 3)) + y.sum(dim=(2, 3))).clamp(min=1)
        return dice[:, 1:].max(1).values.tolist()


def l2_normalise(g):
    n = g.flatten(1).norm(dim=1).clamp(min=1e-12)
    return g / n.view(-1, 1, 1, 1)


def project(delta, eps):
    n = delta.flatten(1).norm(dim=1)
    scale = torch.clamp(eps / n.clamp(min=1e-12), max=1.0)
    return delta * scale.view(-1, 1, 1, 1)


def pgd(model, x, y, eps, steps, alpha, start_radius, boundary=False):
    """L2 PGD with random start; parameters frozen; the model's mode is the caller's."""
    for p in model.parameters():
        p.requires_grad_(False)
    try:
        d = torch.randn_like(x)
        delta = l2_normalise(d) * start_radius.view(-1, 1, 1, 1)
        delta = project(delta, eps)
        step = (alpha * eps / steps).view(-1, 1, 1, 1)
        for _ in range(steps):
            xa = (x + delta).requires_grad_(True)
            out = model(xa)
            loss = per_sample_loss(out, y).sum()
            g, = torch.autograd.grad(loss, xa)
            if boundary:
                boundary_test(out, y)
            delta = project(delta + step * l2_normalise(g), eps).detach()
        if boundary:
            with torch.no_grad():
                boundary_test(model(x + delta), y)
        return (x + delta).detach()
    finally:
        for p in model.parameters():
            p.requires_grad_(True)


def train_step(model, opt, x, y, adversarial=None):
    model.train()
    opt.zero_grad(set_to_none=True)
    n = x.shape[0]
    if adversarial is None:
        loss = per_sample_loss(model(x), y).sum() * (1.0 / n)
    else:
        loss = per_sample_loss(model(x), y).sum() * (0.5 / n) + per_sample_loss(model(adversarial), y).sum() * (0.5 / n)
    v = loss.item()
    loss.backward()
    # the Java step checks that the loss and the gradients are finite; so does this
    finite = math.isfinite(v) and all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)
    if finite:
        opt.step()
    return v


def quartiles(values):
    s = sorted(values)

    def q(f):
        pos = f * (len(s) - 1)
        lo = int(math.floor(pos))
        hi = min(len(s) - 1, lo + 1)
        return s[lo] + (pos - lo) * (s[hi] - s[lo])
    return q(0.25), q(0.5), q(0.75)


def ms(t0):
    return (time.perf_counter() - t0) * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--steps", type=int, default=10, help="T, PGD steps of SAT and AMAT")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--attack-repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    model = UNet(1, 3, a.depth, a.width)
    params = sum(p.numel() for p in model.parameters())
    # DJL counts batch norm's running statistics among the parameters; PyTorch keeps them as buffers
    stats = sum(b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))
    print("PyTorch twin configuration")
    print(f"  network: U-Net depth {a.depth}, width {a.width}, batch norm; batch {a.batch} x 1 x {a.size} x {a.size};"
          f" T = {a.steps} PGD steps in SAT and AMAT (eps 0.05 rms, AMAT from eps / 4)")
    print(f"  {a.repeats} interleaved rounds after {a.warmup} warm-up; attacks {a.attack_repeats} repeats")
    print(f"  threads: {torch.get_num_threads()} PyTorch intra-op, {torch.get_num_interop_threads()} inter-op")
    print(f"  versions: PyTorch {torch.__version__}, Python {platform.python_version()}, {platform.system()}"
          f" {platform.machine()}; oneDNN (mkldnn) {torch.backends.mkldnn.is_available()}")
    print(f"  CPU: {cpu}")
    config = torch.__config__.show()
    blas = next((f.split("=", 1)[1] for f in config.replace(",", " ").split() if f.startswith("BLAS_INFO=")), "unknown")
    capability = next((l.split(":", 1)[1].strip() for l in config.splitlines() if "CPU capability" in l), "unknown")
    print(f"  build: BLAS {blas}, CPU capability {capability}" + (
        " (reference BLAS: matrix products outside oneDNN, e.g. 1x1 convolutions at one thread, are slow;"
        " pip's torch uses MKL)" if blas == "generic" else ""))
    print(f"\n== segmentation: depth {a.depth}, width {a.width}, batch norm, {params:,} parameters"
          f" ({params + stats:,} with the running statistics, as DJL counts),"
          f" batch {a.batch} x 1 x {a.size} x {a.size}, T = {a.steps} ==")
    n, s = a.batch, a.size
    x = torch.randn(n, 1, s, s)
    labels = torch.randint(0, 3, (n, s, s))
    y = F.one_hot(labels, 3).permute(0, 3, 1, 2).float().contiguous()
    eps = torch.full((n,), 0.05 * math.sqrt(s * s))
    models = {k: UNet(1, 3, a.depth, a.width) for k in ("Standard", "SAT", "AMAT (approx.)")}
    opts = {k: torch.optim.Adam(m.parameters(), lr=1e-3) for k, m in models.items()}
    probe = models["Standard"]

    def step(k):
        m = models[k]
        m.train()
        if k == "Standard":
            return train_step(m, opts[k], x, y)
        amat = k.startswith("AMAT")
        adv = pgd(m, x, y, eps, a.steps, 4.0, eps / 4 if amat else eps, boundary=amat)
        return train_step(m, opts[k], x, y, adv)

    def forward():
        probe.eval()
        t0 = time.perf_counter()
        with torch.no_grad():
            probe(x)[0, 0, 0, 0].item()
        return ms(t0)

    def forward_backward():
        probe.eval()
        for p in probe.parameters():
            p.requires_grad_(False)
        t0 = time.perf_counter()
        xi = x.clone().requires_grad_(True)
        g, = torch.autograd.grad(per_sample_loss(probe(xi), y).sum(), xi)
        g[0, 0, 0, 0].item()
        t = ms(t0)
        for p in probe.parameters():
            p.requires_grad_(True)
        return t

    keys = list(models)
    times = {k: [] for k in keys}
    fwd, fb = [], []
    for r in range(-a.warmup, a.repeats):
        for i in range(len(keys)):
            k = keys[(i + r) % len(keys)]
            t0 = time.perf_counter()
            step(k)
            if r >= 0:
                times[k].append(ms(t0))
        f, b = forward(), forward_backward()
        if r >= 0:
            fwd.append(f)
            fb.append(b)
    print(f"{'measure':<36} {'median':>9} {'q1':>9} {'q3':>9}  (ms, {a.repeats} interleaved rounds after {a.warmup} warm-up)")

    def line(label, v):
        q1, med, q3 = quartiles(v)
        print(f"{label:<36} {med:9.1f} {q1:9.1f} {q3:9.1f}")
        return med
    for k in keys:
        line(k + " training step", times[k])
    line("forward (eval)", fwd)
    fbm = line("forward + backward w.r.t. input", fb)
    am, sa = times["AMAT (approx.)"], times["SAT"]
    r = [u / v for u, v in zip(am, sa)]
    q1, med, q3 = quartiles(r)
    print(f"ratio AMAT/SAT: of medians {quartiles(am)[1] / quartiles(sa)[1]:.3f}; per round median {med:.3f},"
          f" IQR [{q1:.3f}, {q3:.3f}], <= 1.05 in {100 * sum(v <= 1.05 for v in r) / len(r):.0f}% of rounds")
    q1, med, q3 = quartiles([u / v for u, v in zip(times["SAT"], times["Standard"])])
    print(f"ratio SAT/standard: per round median {med:.2f}, IQR [{q1:.2f}, {q3:.2f}]")
    q1, med, q3 = quartiles([u / v for u, v in zip(times["Standard"], fb)])
    print(f"ratio standard step/(forward + backward w.r.t. input): per round median {med:.2f}, IQR [{q1:.2f}, {q3:.2f}]")
    probe.eval()
    attacks = [("PGD-%d" % a.steps, a.steps)] + ([("PGD-20", 20)] if a.steps != 20 else [])
    at = {k: [] for k, _ in attacks}
    for rep in range(-1, a.attack_repeats):
        for k, t in attacks:
            t0 = time.perf_counter()
            pgd(probe, x, y, eps, t, 2.5, eps)[0, 0, 0, 0].item()
            if rep >= 0:
                at[k].append(ms(t0))
    print(f"{'attack on one batch':<36} {'median':>9} {'q1':>9} {'q3':>9} {'images/s':>11}  (eval mode, eps 0.05 rms,"
          f" {a.attack_repeats} repeats after 1 warm-up)")
    for k, _ in attacks:
        q1, med, q3 = quartiles(at[k])
        print(f"{k:<36} {med:9.1f} {q1:9.1f} {q3:9.1f} {n / (med / 1000):11.2f}  ({med / fbm:.1f} x forward + backward)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
