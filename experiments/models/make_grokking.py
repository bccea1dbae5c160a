#!/usr/bin/env python3
"""Writes the grokking example's model and data (Power et al. 2022, "Grokking: generalization
beyond overfitting on small algorithmic datasets"):

    python3 experiments/models/make_grokking.py   # (re)writes grokking_transformer.pt, modular_addition.pt

Data: every pair (a, b) with 0 <= a, b < 97 as the token sequence [a, b, "="] (token 97 is "="),
labelled (a + b) mod 97: 9409 examples, saved with torch.save as {"inputs": int64 [9409, 3],
"targets": int64 [9409]}; the lrlab task splits it (train/validation shares in the spec).

Model: a one-layer transformer (token and position embeddings, one pre-norm block of causal
multi-head self-attention and an MLP, a final layer norm and an unembedding read at the "="
position), written out with nn.Linear, nn.Embedding and nn.LayerNorm so that `init: "seed"`
redraws it with PyTorch's default initialisation. No dropout: every step is a function of the
weights and the batch.
"""
import math
import pathlib

import torch
from torch import nn

P = 97          # the modulus: labels 0..96
VOCAB = P + 1   # numbers 0..96 and "="
D_MODEL, HEADS, D_MLP = 64, 4, 256


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm_attn = nn.LayerNorm(D_MODEL)
        self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.out = nn.Linear(D_MODEL, D_MODEL)
        self.norm_mlp = nn.LayerNorm(D_MODEL)
        self.up = nn.Linear(D_MODEL, D_MLP)
        self.down = nn.Linear(D_MLP, D_MODEL)
        self.heads = HEADS  # TorchScript reads constants from attributes, not from globals

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        b, t, d = h.shape
        q, k, v = self.qkv(self.norm_attn(h)).split(d, dim=2)
        q = q.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        scores = q @ k.transpose(2, 3) / math.sqrt(d // self.heads)
        causal = torch.ones(t, t, dtype=torch.bool, device=h.device).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
        attended = (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
        h = h + self.out(attended)
        return h + self.down(torch.relu(self.up(self.norm_mlp(h))))


class Transformer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, D_MODEL)
        self.positions = nn.Embedding(3, D_MODEL)
        self.block = Block()
        self.norm = nn.LayerNorm(D_MODEL)
        self.unembed = nn.Linear(D_MODEL, P)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tokens = x.long()
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        h = self.block(self.tokens(tokens) + self.positions(positions))
        return self.unembed(self.norm(h[:, -1]))  # logits for the token after "="


if __name__ == "__main__":
    here = pathlib.Path(__file__).parent
    a, b = torch.meshgrid(torch.arange(P), torch.arange(P), indexing="ij")
    inputs = torch.stack([a.flatten(), b.flatten(), torch.full((P * P,), P)], dim=1)
    torch.save({"inputs": inputs, "targets": (a.flatten() + b.flatten()) % P}, str(here / "modular_addition.pt"))
    torch.manual_seed(0)
    torch.jit.script(Transformer()).save(str(here / "grokking_transformer.pt"))
    print(f"wrote {here / 'modular_addition.pt'} and {here / 'grokking_transformer.pt'}")
