#!/usr/bin/env python3
"""Writes cnn_digits.pt: a small convolutional network for the 8x8 digits, as TorchScript.

    python3 experiments/models/make_cnn_digits.py      # (re)writes experiments/models/cnn_digits.pt

Any nn.Module saved this way is an lrlab task (docs/torch-models.md): forward maps a batch of
inputs, here [batch, 1, 8, 8] (the CSV's 64 pixels reshaped by the task's input_shape), to one
logit per class. The weights saved here are what `init: "file"` starts from; `init: "seed"`
redraws them per trial with PyTorch's default initialisation.
"""
import pathlib

import torch
from torch import nn


class DigitsCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 8 x 4 x 4
            nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16 x 2 x 2
        )
        self.classify = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(torch.flatten(self.features(x), 1))


if __name__ == "__main__":
    torch.manual_seed(0)
    out = pathlib.Path(__file__).with_name("cnn_digits.pt")
    torch.jit.script(DigitsCNN()).save(str(out))
    print(f"wrote {out}")
