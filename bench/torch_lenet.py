"""PyTorch peer for l2angle's LeNet engine (benchmarks and cross-checks only, never a runtime dependency).

The article's LeNet (MatConvNet baseline): conv 5x5 1->20, max-pool 2, conv 5x5 20->50, max-pool 2,
conv 4x4 50->500, ReLU, conv 1x1 500->10, softmax cross-entropy; inputs 0..255 minus the training mean
image; SGD momentum 0.9, lr 0.0005, batch 300, weight decay on weights only; weights N(0, 0.01^2), zero biases.

usage: torch_lenet.py MNIST_DIR THREADS STEPS [WEIGHT_DECAY]
prints JSON: images per second over STEPS training steps (after warm-up steps), and the last loss.
"""
import json
import sys
import time

import numpy as np
import torch


def read_idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read()[header:], dtype=np.uint8)


def lenet():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 20, 5),
        torch.nn.MaxPool2d(2, 2),
        torch.nn.Conv2d(20, 50, 5),
        torch.nn.MaxPool2d(2, 2),
        torch.nn.Conv2d(50, 500, 4),
        torch.nn.ReLU(),
        torch.nn.Conv2d(500, 10, 1),
        torch.nn.Flatten(),
    )
    for m in net:
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.normal_(m.weight, 0.0, 0.01)
            torch.nn.init.zeros_(m.bias)
    return net


def main():
    mnist, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    decay = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-4
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    images = read_idx(mnist + "/train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28).astype(np.float32)
    labels = read_idx(mnist + "/train-labels-idx1-ubyte", 8).astype(np.int64)
    x = torch.from_numpy(images - images.mean(axis=0, keepdims=True))
    y = torch.from_numpy(labels)
    net = lenet()
    weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in net.named_parameters() if n.endswith("bias")]
    opt = torch.optim.SGD(
        [{"params": weights, "weight_decay": decay}, {"params": biases, "weight_decay": 0.0}],
        lr=0.0005,
        momentum=0.9,
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = 300
    order = torch.randperm(len(y))

    def step(s):
        idx = order[(s * batch) % (len(y) - batch):][:batch]
        opt.zero_grad()
        loss = loss_fn(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        return float(loss)

    for s in range(5):
        step(s)
    t0 = time.perf_counter()
    for s in range(steps):
        last = step(s + 5)
    seconds = time.perf_counter() - t0
    print(json.dumps({"threads": threads, "images_per_second": steps * batch / seconds, "last_loss": last}))


if __name__ == "__main__":
    main()
