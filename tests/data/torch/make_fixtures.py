#!/usr/bin/env python3
"""Writes the TorchScript fixtures of the torchscript task's tests (tests/e2e/torch_test.cpp):

    python3 tests/data/torch/make_fixtures.py     # (re)writes the .pt files beside this script

  bn_dropout_digits.pt  conv, batch norm, dropout and a linear layer for the 8x8 digits: buffers
                        (running statistics) in the checkpoint and in a fork, random draws in forward
  no_parameters.pt      a model with nothing to train
  tuple_output.pt       forward returns a tuple, not one tensor
  own_parameter.pt      a module with an nn.Parameter of its own (init "seed" cannot know its scheme)
  detached_output.pt    forward detaches its outputs: nothing reaches the parameters
  nan_inputs.pt         tensor data (torch.save) of 20 examples of 64 values, one of them NaN
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


class DetachedOutput(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.out = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.flatten(x, 1)).detach()


if __name__ == "__main__":
    here = pathlib.Path(__file__).parent
    torch.manual_seed(0)
    for name, module in [("bn_dropout_digits", BnDropout()), ("no_parameters", NoParameters()),
                         ("tuple_output", TupleOutput()), ("own_parameter", OwnParameter()),
                         ("detached_output", DetachedOutput())]:
        torch.jit.script(module).save(str(here / f"{name}.pt"))
        print(f"wrote {here / (name + '.pt')}")
    inputs = torch.randn(20, 64, dtype=torch.float64)
    inputs[7, 3] = float("nan")
    torch.save({"inputs": inputs, "targets": torch.arange(20) % 2}, str(here / "nan_inputs.pt"))
    print(f"wrote {here / 'nan_inputs.pt'}")
