#!/usr/bin/python3
"""Makes the tiny segmentation models the tests import (TorchScript and ONNX) and their JSON
descriptions. Run with Debian's torch (apt-get install python3-torch python3-onnx):

    /usr/bin/python3 make-tiny-models.py [OUTPUT_FOLDER]

The network is written by hand, not trained, so its weights are the same on every run (the
TorchScript zip itself may differ in a few bytes): a 3x3
convolution (a local mean, its negative, the pixel and its negative), batch norm whose running
statistics are not the identity (so a forward pass in training mode would give other outputs
than one in evaluation mode), ReLU, and a 1x1 convolution to two logits, background and
"square". On z-scored images of a bright square on a dark noisy background it predicts the
square wherever the local mean exceeds about 0.5.

- tiny-seg.pt: TorchScript, input N x 1 x H x W, output logits N x 2 x H x W.
- tiny-seg-nhwc.onnx: the same network as a TensorFlow/Keras export looks: input N x H x W x 1,
  output softmax probabilities N x H x W x 2 (channels last), opset 13.
- tiny-seg-quantised.pt: the same network behind an input quantiser (round to steps of 0.5), a
  deliberately gradient-masked model: its input gradient is exactly zero, so gradient attacks
  cannot move it, while white noise and attacks crafted on tiny-seg.pt can. The report's sanity
  checks must flag it.
- tiny-classifier.pt: a network for another task (image classification, output N x 2), to test
  the error a user gets when the description says segmentation.
"""
import json
import os
import sys

import torch
from torch import nn


class TinySeg(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.norm = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 2, 1)
        with torch.no_grad():
            mean = torch.full((3, 3), 1.0 / 9)
            centre = torch.zeros(3, 3)
            centre[1, 1] = 1.0
            self.conv1.weight.copy_(torch.stack([mean, -mean, centre, -centre]).unsqueeze(1))
            self.conv1.bias.copy_(torch.tensor([-0.5, 0.5, 0.0, 0.0]))
            # running statistics that evaluation mode uses: (v - 0.1) / sqrt(4) * 2 + 0.1 = v
            self.norm.running_mean.copy_(torch.full((4,), 0.1))
            self.norm.running_var.copy_(torch.full((4,), 4.0 - 1e-5))
            self.norm.weight.copy_(torch.full((4,), 2.0))
            self.norm.bias.copy_(torch.full((4,), 0.1))
            # logit(square) - logit(background) = 3 (relu(m - 0.5) - relu(0.5 - m)) + 0.3 (relu(x) - relu(-x))
            self.conv2.weight.copy_(torch.tensor([[0.0, 3.0, 0.0, 0.3], [3.0, 0.0, 0.3, 0.0]]).view(2, 4, 1, 1))
            self.conv2.bias.zero_()

    def forward(self, x):
        return self.conv2(torch.relu(self.norm(self.conv1(x))))


class Quantised(nn.Module):
    """Rounds the input to steps of 0.5 first: the gradient of round() is zero everywhere."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(torch.round(x * 2.0) / 2.0)


class ChannelsLast(nn.Module):
    """The network as a Keras model looks: NHWC in, softmax probabilities NHWC out."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        y = self.net(x.permute(0, 3, 1, 2))
        return torch.softmax(y, dim=1).permute(0, 2, 3, 1)


class TinyClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(1, 2)

    def forward(self, x):
        return self.fc(x.mean(dim=(1, 2, 3)).unsqueeze(1))


def describe(path, layout, values):
    d = {
        "task": "segmentation",
        "classes": ["background", "square"],
        "input": {"channels": 1, "layout": layout, "normalization": "zscore"},
        "output": {"layout": layout, "values": values},
    }
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
        f.write("\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    net = TinySeg().eval()
    example = torch.randn(2, 1, 16, 16)
    # scripted, not traced: batch norm then follows the module's training flag at run time
    torch.jit.script(net).save(os.path.join(out, "tiny-seg.pt"))
    describe(os.path.join(out, "tiny-seg.json"), "NCHW", "logits")

    torch.jit.script(Quantised(net).eval()).save(os.path.join(out, "tiny-seg-quantised.pt"))
    describe(os.path.join(out, "tiny-seg-quantised.json"), "NCHW", "logits")

    nhwc = ChannelsLast(net).eval()
    torch.onnx.export(nhwc, example.permute(0, 2, 3, 1), os.path.join(out, "tiny-seg-nhwc.onnx"),
                      input_names=["image"], output_names=["probabilities"], opset_version=13,
                      dynamic_axes={"image": {0: "n", 1: "h", 2: "w"}, "probabilities": {0: "n", 1: "h", 2: "w"}})
    describe(os.path.join(out, "tiny-seg-nhwc.json"), "NHWC", "probabilities")

    torch.jit.trace(TinyClassifier().eval(), example).save(os.path.join(out, "tiny-classifier.pt"))
    describe(os.path.join(out, "tiny-classifier.json"), "NCHW", "logits")


if __name__ == "__main__":
    main()
