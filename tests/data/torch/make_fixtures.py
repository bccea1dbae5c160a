#!/usr/bin/env python3
"""Writes the TorchScript fixtures of the torchscript task's tests (tests/e2e/torch_test.cpp):

    python3 tests/data/torch/make_fixtures.py     # (re)writes the .pt files beside this script

  bn_dropout_digits.pt  conv, batch norm, dropout and a linear layer for the 8x8 digits: buffers
                        (running statistics) in the checkpoint and in a fork, random draws in forward
  no_parameters.pt      a model with nothing to train
  tuple_output.pt       forward returns a tuple, not one tensor
  own_parameter.pt      a module with an nn.Parameter of its own (init "seed" cannot know its scheme)
"""
import pathlib

import torch
from torch import nn


class BnDropout(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 6, kernel_size=3, padding=1)
        self.norm = nn.BatchNorm2d(6)
        self.drop = nn.Dropout(0.2)
        self.out = nn.Linear(6 * 4 * 4, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.max_pool2d(torch.relu(self.norm(self.conv(x))), 2)
        return self.out(self.drop(torch.flatten(h, 1)))


class NoParameters(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flatten(x, 1)[:, :10] * 2.0


class TupleOutput(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.out = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        y = self.out(torch.flatten(x, 1))
        return y, y


class OwnParameter(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.out = nn.Linear(64, 10)
        self.temperature = nn.Parameter(torch.ones(10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.flatten(x, 1)) * self.temperature


if __name__ == "__main__":
    here = pathlib.Path(__file__).parent
    torch.manual_seed(0)
    for name, module in [("bn_dropout_digits", BnDropout()), ("no_parameters", NoParameters()),
                         ("tuple_output", TupleOutput()), ("own_parameter", OwnParameter())]:
        torch.jit.script(module).save(str(here / f"{name}.pt"))
        print(f"wrote {here / (name + '.pt')}")
