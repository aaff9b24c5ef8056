# Benchmark twin of lib/controller in PyTorch (Debian python3-torch 1.13): the same encoder-
# predictor-decoder, loss (DNAS Eq 5) and Adam step, timed per training step. Measures only.
# Usage: /usr/bin/python3 bench/controller_torch.py [--batch 100] [--steps 30] [--threads N] [--pretrain-hidden H]
# Prints one JSON line: {"batch", "threads", "msPerStep", "msPerSequence", "torch"}.
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SeqVae(nn.Module):
    """Encoder LSTM -> mean pool -> (mu, logvar) -> z -> decoder LSTM with teacher forcing, its
    initial state from z and, when `latent_every_step`, z appended to every step's input."""

    def __init__(self, vocab, hidden, latent, latent_every_step):
        super().__init__()
        self.vocab = vocab
        self.latent_every_step = latent_every_step
        self.enc_emb = nn.Embedding(vocab, hidden)
        self.enc = nn.LSTM(hidden, hidden)
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)
        self.init = nn.Linear(latent, 2 * hidden)
        self.dec_emb = nn.Embedding(vocab + 1, hidden)
        self.dec = nn.LSTM(hidden + (latent if latent_every_step else 0), hidden)
        self.out = nn.Linear(hidden, vocab)

    def encode(self, tokens):
        """tokens: [T, B] (time-major, as the TF.js version) -> mu, logvar, z = mu + sigma * eps."""
        enc_out, _ = self.enc(self.enc_emb(tokens))
        pooled = enc_out.mean(0)
        mu, logvar = self.mu(pooled), self.logvar(pooled)
        return mu, logvar, mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def logits(self, tokens, z):
        steps, batch = tokens.shape
        h0, c0 = self.init(z).chunk(2, dim=1)
        start = torch.full((1, batch), self.vocab, dtype=torch.long)
        dec_in = self.dec_emb(torch.cat([start, tokens[:-1]], 0))
        if self.latent_every_step:
            dec_in = torch.cat([dec_in, z.unsqueeze(0).expand(steps, -1, -1)], 2)
        dec_out, _ = self.dec(dec_in, (torch.tanh(h0).unsqueeze(0), c0.unsqueeze(0).contiguous()))
        return self.out(dec_out)


class Controller(SeqVae):
    """The DNAS controller: SeqVae (z only in the initial state) + accuracy and FLOPs MLPs, Eq 5."""

    def __init__(self, vocab=7, hidden=26, latent=26, acc_hidden=64):
        super().__init__(vocab, hidden, latent, latent_every_step=False)
        self.acc = nn.Sequential(nn.Linear(latent, acc_hidden), nn.ReLU(), nn.Linear(acc_hidden, 1))
        self.flops = nn.Linear(latent, 1)

    def loss(self, tokens, acc, flops, weights=(0.8, 0.3, 0.2, 1.0)):
        mu, logvar, z = self.encode(tokens)
        rec = F.cross_entropy(self.logits(tokens, z).reshape(-1, self.vocab), tokens.reshape(-1))
        l_acc = F.mse_loss(self.acc(z).squeeze(1), acc)
        l_flops = F.mse_loss(self.flops(z).squeeze(1), flops)
        kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean()
        a, lam, m, b = weights
        return a * l_acc + lam * l_flops + m * rec + b * kl


class PretrainVae(SeqVae):
    """The pretraining model of lib/controller (pretrained-latent presets): z fed to the decoder at
    every step, softmax over the valid tokens only (an additive mask), no predictors."""

    def __init__(self, vocab=7, hidden=64, latent=26):
        super().__init__(vocab, hidden, latent, latent_every_step=True)

    def loss(self, tokens, mask, beta=0.25):
        mu, logvar, z = self.encode(tokens)
        logits = self.logits(tokens, z) + mask
        rec = F.cross_entropy(logits.reshape(-1, self.vocab), tokens.reshape(-1), reduction='sum') / tokens.shape[1]
        kl = (0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar)).sum(1).mean()
        return rec + beta * kl


def time_pretrain_steps(batch, steps, hidden, seq=27, vocab=7):
    torch.manual_seed(0)
    model = PretrainVae(vocab=vocab, hidden=hidden)
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    tokens = torch.randint(0, vocab, (seq, batch))
    # Every token allowed except one per position that is never the target: same cost as a real mask.
    mask = torch.zeros(seq, batch, vocab)
    mask[:, :, 0] = torch.where(tokens == 0, 0.0, -1e9)

    return adam_ms_per_step(opt, lambda: model.loss(tokens, mask), steps)


def time_steps(batch, steps, seq=27, vocab=7):
    torch.manual_seed(0)
    model = Controller(vocab=vocab)
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    tokens = torch.randint(0, vocab, (seq, batch))
    acc = torch.randn(batch)
    flops = torch.randn(batch)

    return adam_ms_per_step(opt, lambda: model.loss(tokens, acc, flops), steps)


def adam_ms_per_step(opt, loss_fn, steps, warmup=5):
    """Milliseconds per optimiser step (zero_grad, forward, backward, step) after `warmup` steps."""
    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) * 1000 / steps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch', type=int, default=100)
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--threads', type=int, default=0, help='0 = PyTorch default')
    parser.add_argument('--pretrain-hidden', type=int, default=0, help='> 0: time the pretraining VAE of this hidden size instead')
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    ms = time_pretrain_steps(args.batch, args.steps, args.pretrain_hidden) if args.pretrain_hidden > 0 else time_steps(args.batch, args.steps)
    print(json.dumps({'batch': args.batch, 'threads': torch.get_num_threads(), 'msPerStep': ms,
                      'msPerSequence': ms / args.batch, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
