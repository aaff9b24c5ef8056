# The NAS-Bench-201 supernet's sub-network in PyTorch, for bench/nb201-supernet.ts: the same macro
# network (stem, 3 stages of N cells, residual reductions, last BN + ReLU, pooling, linear), the same
# cell, batch and optimiser. With --weights DIR it loads the workbook's weights and one batch (written
# by the bench) and prints the loss, so the two models are checked equal before they are timed.
# Prints one JSON line. Usage: python3 nb201_supernet_torch.py --config JSON --cell STR [--weights DIR]
import argparse, json, os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_timing import add_arguments, loss_on_saved_batch, one_thread, time_step_and_evaluation

EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]


def parse_cell(text):
    ops = []
    for group in text.split('+'):
        for entry in group.strip('|').split('|'):
            ops.append(entry.split('~')[0])
    return ops


class ReLUConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))


class Cell(nn.Module):
    def __init__(self, ops, c):
        super().__init__()
        self.ops = ops
        self.edges = nn.ModuleDict()
        for e, op in enumerate(ops):
            if op == 'nor_conv_3x3':
                self.edges[str(e)] = ReLUConvBN(c, c, 3, 1)
            elif op == 'nor_conv_1x1':
                self.edges[str(e)] = ReLUConvBN(c, c, 1, 1)

    def forward(self, x):
        nodes = [x]
        for j in range(1, 4):
            terms = []
            for e, (i, to) in enumerate(EDGES):
                op = self.ops[e]
                if to != j or op == 'none':
                    continue
                if op == 'skip_connect':
                    terms.append(nodes[i])
                elif op == 'avg_pool_3x3':
                    terms.append(F.avg_pool2d(nodes[i], 3, 1, 1, count_include_pad=False))
                else:
                    terms.append(self.edges[str(e)](nodes[i]))
            nodes.append(sum(terms) if terms else torch.zeros_like(x))
        return nodes[3]


class Reduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2)
        self.b = ReLUConvBN(cout, cout, 3, 1)
        self.short = nn.Conv2d(cin, cout, 1, 1, 0, bias=False)

    def forward(self, x):
        return self.b(self.a(x)) + self.short(F.avg_pool2d(x, 2, 2))


class Network(nn.Module):
    def __init__(self, config, ops):
        super().__init__()
        c, n = config['channels'], config['cellsPerStage']
        self.stem = nn.Conv2d(config['imageChannels'], c, 3, 1, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(c, eps=1e-5)
        self.stages = nn.ModuleList()
        self.reductions = nn.ModuleList()
        for s in range(3):
            cs = c << s
            if s > 0:
                self.reductions.append(Reduction(cs // 2, cs))
            self.stages.append(nn.ModuleList([Cell(ops, cs) for _ in range(n)]))
        self.last_bn = nn.BatchNorm2d(c << 2, eps=1e-5)
        self.head = nn.Linear(c << 2, config['classes'])

    def forward(self, x):
        y = self.stem_bn(self.stem(x))
        for s in range(3):
            if s > 0:
                y = self.reductions[s - 1](y)
            for cell in self.stages[s]:
                y = cell(y)
        return self.head(F.relu(self.last_bn(y)).mean((2, 3)))


def load_weights(net, directory, config):
    """Copy the workbook's saved tensors (NHWC filters, [in, out] matrices) into the PyTorch modules."""
    index = json.load(open(os.path.join(directory, 'nb201-supernet.json')))
    values = np.fromfile(os.path.join(directory, 'nb201-supernet.bin'), dtype='<f4')
    saved = {e['id']: values[e['offset']:e['offset'] + int(np.prod(e['shape']))].reshape(e['shape']) for e in index['entries']}

    def conv(module, wid):
        w = saved[wid]
        module.weight.data = torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1) if w.ndim == 4 else w.T[:, :, None, None]))

    def bn(module, prefix):
        module.weight.data = torch.from_numpy(saved[prefix + '.bn.gamma'].copy())
        module.bias.data = torch.from_numpy(saved[prefix + '.bn.beta'].copy())

    conv(net.stem, 'stem.conv')
    bn(net.stem_bn, 'stem')
    for s in range(3):
        if s > 0:
            r = net.reductions[s - 1]
            for part in ('a', 'b'):
                conv(getattr(r, part).conv, f'r{s}.{part}.w')
                bn(getattr(r, part).bn, f'r{s}.{part}')
            conv(r.short, f'r{s}.short.w')
        for i, cell in enumerate(net.stages[s]):
            for e, unit in cell.edges.items():
                name = 'conv3' if unit.conv.kernel_size[0] == 3 else 'conv1'
                conv(unit.conv, f's{s}c{i}.e{e}.{name}.w')
                bn(unit.bn, f's{s}c{i}.e{e}.{name}')
    net.last_bn.weight.data = torch.from_numpy(saved['last.bn.gamma'].copy())
    net.last_bn.bias.data = torch.from_numpy(saved['last.bn.beta'].copy())
    net.head.weight.data = torch.from_numpy(np.ascontiguousarray(saved['head.kernel'].T))
    net.head.bias.data = torch.from_numpy(saved['head.bias'].copy())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--config', required=True)
    parser.add_argument('--cell', required=True)
    add_arguments(parser)
    args = parser.parse_args()
    out = one_thread()
    config = json.loads(args.config)
    net = Network(config, parse_cell(args.cell))
    if args.weights:
        load_weights(net, args.weights, config)
        out['loss'] = loss_on_saved_batch(net, args.weights)
    out.update(time_step_and_evaluation(net, config['imageChannels'], config['imageSize'], config['classes'], args))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
