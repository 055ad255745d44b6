"""Trains the article's LeNet in PyTorch from given initial weights and batch order, printing each step's loss.

usage: torch_lenet_steps.py MNIST_DIR WEIGHTS.f32 ORDER.i32 STEPS WEIGHT_DECAY
WEIGHTS.f32 holds every conv's weight then bias, in layer order, as float32; ORDER.i32 the image indices.
"""
import json
import sys

import numpy as np
import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from torch_lenet import lenet, read_idx  # noqa: E402


def main():
    mnist, weights, order_file, steps, decay = sys.argv[1:6]
    steps, decay = int(steps), float(decay)
    # MatConvNet's convention decays the biases too; the PyTorch-style one does not
    bias_decay = decay if len(sys.argv) > 6 and sys.argv[6] == "matconvnet" else 0.0
    torch.set_num_threads(2)
    images = read_idx(mnist + "/train-images-idx3-ubyte", 16).reshape(-1, 1, 28, 28).astype(np.float32)
    labels = read_idx(mnist + "/train-labels-idx1-ubyte", 8).astype(np.int64)
    mean = images.astype(np.float64).mean(axis=0, keepdims=True).astype(np.float32)
    x = torch.from_numpy(images - mean)
    y = torch.from_numpy(labels)
    net = lenet()
    flat = np.fromfile(weights, dtype=np.float32)
    offset = 0
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(flat[offset : offset + p.numel()].reshape(p.shape)))
            offset += p.numel()
    assert offset == flat.size, "weight file does not match the architecture"
    order = torch.from_numpy(np.fromfile(order_file, dtype=np.int32).astype(np.int64))
    ws = [p for n, p in net.named_parameters() if n.endswith("weight")]
    bs = [p for n, p in net.named_parameters() if n.endswith("bias")]
    opt = torch.optim.SGD([{"params": ws, "weight_decay": decay}, {"params": bs, "weight_decay": bias_decay}], lr=0.0005, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses = []
    for s in range(steps):
        idx = order[s * 300 : (s + 1) * 300]
        opt.zero_grad()
        loss = loss_fn(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        losses.append(float(loss))
    print(json.dumps(losses))


if __name__ == "__main__":
    main()
