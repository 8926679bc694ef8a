"""Measuring instrument for `npm run bench:scale`: trains the bench's network
with PyTorch (CPU) or NumPy (float32) so its timings can sit beside
DigitNet's in the same run. Not part of DigitNet; needs neither to build or
test it.

The network: ReLU hidden layers, a softmax output with cross-entropy
averaged over the mini-batch, He-normal weights and zero biases, plain SGD
(w -= eta * mean gradient), a fresh shuffle per epoch -- DigitNet's
`--hidden relu --output softmax --cost log-likelihood --init he`. A job may
add "momentum", "nesterov" and "weight_decay" (on the weights, not the
biases): PyTorch's SGD rule, v = mu*v + g + wd*w, then w -= eta*v (Nesterov:
w -= eta*(g + wd*w + mu*v)), which is the work DigitNet's --preset best does.

Protocol: one JSON object per line on stdin,
  {"layers": [784, 100, 10], "batch": 20, "examples": 5000, "eta": 0.1, "seed": 1}
and one JSON line back per request: {"seconds": S} for one timed epoch over
the first `examples` training images (after an untimed warm-up of a few
batches), or {"error": "..."}. The first line printed is {"ready": ...} or
{"missing": "..."} when the library cannot be imported. Threads are the
caller's business (OPENBLAS_NUM_THREADS and friends); torch is also told
--threads.

usage: python3 scale_peer.py --impl torch|numpy [--threads 1]
"""
import argparse
import json
import os
import struct
import sys
import time


def read_idx(path):
    """An uncompressed IDX file as (dims, raw bytes after the header)."""
    with open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return dims, raw[4 + 4 * ndim:]


def load_training(np):
    """All 60,000 MNIST training images (float32, /255) and labels, from MNIST_DIR."""
    folder = os.environ["MNIST_DIR"]
    dims, pixels = read_idx(os.path.join(folder, "train-images-idx3-ubyte"))
    _, labels = read_idx(os.path.join(folder, "train-labels-idx1-ubyte"))
    x = np.frombuffer(pixels, dtype=np.uint8).reshape(dims[0], -1).astype(np.float32) / np.float32(255)
    y = np.frombuffer(labels, dtype=np.uint8).astype(np.int64)
    return x, y


class NumpyNet:
    def __init__(self, np, layers, rng, rule):
        self.np = np
        self.mu = np.float32(rule.get("momentum", 0.0))
        self.nesterov = rule.get("nesterov", False)
        self.wd = np.float32(rule.get("weight_decay", 0.0))
        # Stored input-major, (inputs, outputs), so a batch's forward pass is X @ W.
        self.w = [(rng.standard_normal((i, o)) * (2.0 / i) ** 0.5).astype(np.float32) for i, o in zip(layers, layers[1:])]
        self.b = [np.zeros(o, dtype=np.float32) for o in layers[1:]]
        self.vw = [np.zeros_like(w) for w in self.w] if self.mu > 0 else None
        self.vb = [np.zeros_like(b) for b in self.b] if self.mu > 0 else None

    def step(self, x, y, eta):
        np = self.np
        acts = [x]
        for l, (w, b) in enumerate(zip(self.w, self.b)):
            z = acts[-1] @ w + b
            if l < len(self.w) - 1:
                np.maximum(z, 0, out=z)
            acts.append(z)
        z = acts[-1]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        z[np.arange(len(y)), y] -= 1  # softmax minus one-hot: the cross-entropy's gradient
        delta = z * np.float32(1.0 / len(y))
        for l in range(len(self.w) - 1, -1, -1):
            gw = acts[l].T @ delta
            gb = delta.sum(axis=0)
            if l > 0:
                delta = (delta @ self.w[l].T) * (acts[l] > 0)
            self.apply(l, gw, gb, np.float32(eta))

    def apply(self, l, gw, gb, eta):
        if self.wd > 0:
            gw += self.wd * self.w[l]
        if self.vw is None:
            self.w[l] -= eta * gw
            self.b[l] -= eta * gb
            return
        for p, v, g in ((self.w[l], self.vw[l], gw), (self.b[l], self.vb[l], gb)):
            v *= self.mu
            v += g
            p -= eta * (g + self.mu * v) if self.nesterov else eta * v


def numpy_epoch(np, x, y, job):
    rng = np.random.default_rng(job["seed"])
    net = NumpyNet(np, job["layers"], rng, job)
    n, batch = job["examples"], job["batch"]
    for k in range(0, min(n, 5 * batch), batch):  # warm-up: BLAS buffers, first-call costs
        net.step(x[k:k + batch], y[k:k + batch], job["eta"])
    t0 = time.perf_counter()
    order = rng.permutation(n)
    xs, ys = x[order], y[order]  # the shuffle is part of the epoch, as in DigitNet's
    for k in range(0, n, batch):
        net.step(xs[k:k + batch], ys[k:k + batch], job["eta"])
    return time.perf_counter() - t0


def torch_epoch(torch, x, y, job):
    torch.manual_seed(job["seed"])
    mods = []
    sizes = job["layers"]
    for l, (i, o) in enumerate(zip(sizes, sizes[1:])):
        lin = torch.nn.Linear(i, o)
        torch.nn.init.normal_(lin.weight, 0.0, (2.0 / i) ** 0.5)
        torch.nn.init.zeros_(lin.bias)
        mods.append(lin)
        if l < len(sizes) - 2:
            mods.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*mods)
    decay = [p for name, p in model.named_parameters() if name.endswith("weight")]
    rest = [p for name, p in model.named_parameters() if not name.endswith("weight")]
    groups = [{"params": decay, "weight_decay": job.get("weight_decay", 0.0)}, {"params": rest, "weight_decay": 0.0}]
    opt = torch.optim.SGD(groups, lr=job["eta"], momentum=job.get("momentum", 0.0), nesterov=job.get("nesterov", False))
    loss = torch.nn.CrossEntropyLoss()  # mean over the batch
    n, batch = job["examples"], job["batch"]

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss(model(xb), yb).backward()
        opt.step()

    for k in range(0, min(n, 5 * batch), batch):
        step(x[k:k + batch], y[k:k + batch])
    t0 = time.perf_counter()
    order = torch.randperm(n)
    for k in range(0, n, batch):
        idx = order[k:k + batch]
        step(x[idx], y[idx])
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", choices=["torch", "numpy"], required=True)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    try:
        import numpy as np
        torch = None
        if a.impl == "torch":
            import torch
            torch.set_num_threads(a.threads)
    except ImportError as e:
        print(json.dumps({"missing": str(e)}), flush=True)
        return
    x, y = load_training(np)
    if torch is not None:
        x, y = torch.from_numpy(x), torch.from_numpy(y)
    version = torch.__version__ if torch is not None else np.__version__
    print(json.dumps({"ready": f"{a.impl} {version}"}), flush=True)
    for line in sys.stdin:
        try:
            job = json.loads(line)
            s = torch_epoch(torch, x, y, job) if torch is not None else numpy_epoch(np, x, y, job)
            print(json.dumps({"seconds": s}), flush=True)
        except Exception as e:  # report, keep serving: one bad row should not end the table
            print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)


if __name__ == "__main__":
    main()
