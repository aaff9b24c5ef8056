# The layer-choice supernet's sub-network in PyTorch, for bench/supernet.ts: the same stem, blocks
# (sepK: 1x1-BN-ReLU, KxK depthwise-BN, 1x1-BN; xception: three depthwise-BN-1x1-BN units; skip), the
# identity path of stride-1 blocks, head, batch and optimiser. TF.js's 'same' padding puts the odd
# pixel of a strided convolution at the bottom/right, so padding is explicit (F.pad), not symmetric.
# With --weights DIR it loads the workbook's weights and one batch (written by the bench) and prints
# the loss, so the two models are checked equal before they are timed. Prints one JSON line.
# Usage: python3 supernet_torch.py --layers JSON --arch a-b-c --stem JSON [--weights DIR]
import argparse, json, os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_timing import add_arguments, loss_on_saved_batch, one_thread, time_step_and_evaluation

KERNEL = {'sep3': 3, 'sep5': 5, 'sep7': 7}


def same_pad(x, k, stride):
    """Pad NCHW x as TF's 'same' does: total = max((out - 1)·s + k - in, 0), the extra pixel after."""
    size = x.shape[-1]
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2))


class Conv(nn.Module):
    def __init__(self, cin, cout, k, stride, depthwise=False):
        super().__init__()
        self.k, self.stride = k, stride
        self.conv = nn.Conv2d(cin, cout, k, stride, 0, groups=cin if depthwise else 1, bias=False)

    def forward(self, x):
        return self.conv(same_pad(x, self.k, self.stride) if self.k > 1 else x[:, :, ::self.stride, ::self.stride])


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-5)


class Block(nn.Module):
    def __init__(self, layer, block):
        super().__init__()
        cin, cout, s = layer['inChannels'], layer['outChannels'], layer['stride']
        self.block, self.residual = block, layer['skippable']
        if block == 'xception':
            self.units = nn.ModuleList()
            for i, (a, b) in enumerate([(cin, cout), (cout, cout), (cout, cout)]):
                self.units.append(nn.ModuleList([Conv(a, a, 3, s if i == 0 else 1, depthwise=True), bn(a), Conv(a, b, 1, 1), bn(b)]))
        elif block in KERNEL:
            self.pw1, self.bn1 = Conv(cin, cout, 1, 1), bn(cout)
            self.dw, self.bn2 = Conv(cout, cout, KERNEL[block], s, depthwise=True), bn(cout)
            self.pw2, self.bn3 = Conv(cout, cout, 1, 1), bn(cout)

    def forward(self, x):
        if self.block == 'skip':
            return x
        if self.block == 'xception':
            y = x
            for i, (dw, b1, pw, b2) in enumerate(self.units):
                y = b2(pw(b1(dw(y))))
                if i < 2:
                    y = F.relu(y)
        else:
            y = self.bn3(self.pw2(self.bn2(self.dw(F.relu(self.bn1(self.pw1(x)))))))
        return F.relu(y + x if self.residual else y)


class Network(nn.Module):
    def __init__(self, stem, layers, arch):
        super().__init__()
        self.stem = Conv(stem['imageChannels'], stem['channels'], 3, stem['stride'])
        self.stem_bn = bn(stem['channels'])
        self.blocks = nn.ModuleList([Block(layer, block) for layer, block in zip(layers, arch)])
        self.head = nn.Linear(layers[-1]['outChannels'], stem['classes'])

    def forward(self, x):
        y = F.relu(self.stem_bn(self.stem(x)))
        for block in self.blocks:
            y = block(y)
        return self.head(y.mean((2, 3)))


def load_weights(net, directory, arch):
    """Copy the workbook's saved tensors (NHWC filters, [in, out] matrices) into the PyTorch modules."""
    index = json.load(open(os.path.join(directory, 'supernet.json')))
    values = np.fromfile(os.path.join(directory, 'supernet.bin'), dtype='<f4')
    saved = {e['id']: values[e['offset']:e['offset'] + int(np.prod(e['shape']))].reshape(e['shape']) for e in index['entries']}

    def conv(module, wid):
        w = saved[wid]
        if module.conv.groups > 1:
            w = w.transpose(2, 3, 0, 1)  # depthwise [k, k, C, 1] -> [C, 1, k, k]
        elif w.ndim == 4:
            w = w.transpose(3, 2, 0, 1)  # [k, k, cin, cout] -> [cout, cin, k, k]
        else:
            w = w.T[:, :, None, None]  # pointwise [cin, cout] -> [cout, cin, 1, 1]
        module.conv.weight.data = torch.from_numpy(np.ascontiguousarray(w))

    def norm(module, wid):
        module.weight.data = torch.from_numpy(saved[wid + '.gamma'].copy())
        module.bias.data = torch.from_numpy(saved[wid + '.beta'].copy())

    conv(net.stem, 'stem.conv')
    norm(net.stem_bn, 'stem.bn')
    for i, (block, name) in enumerate(zip(net.blocks, arch)):
        p = f'L{i}.{name}'
        if name == 'xception':
            for u, (dw, b1, pw, b2) in enumerate(block.units):
                conv(dw, f'{p}.dw{u + 1}')
                norm(b1, f'{p}.bn{2 * u + 1}')
                conv(pw, f'{p}.pw{u + 1}')
                norm(b2, f'{p}.bn{2 * u + 2}')
        elif name in KERNEL:
            conv(block.pw1, f'{p}.pw1')
            norm(block.bn1, f'{p}.bn1')
            conv(block.dw, f'{p}.dw')
            norm(block.bn2, f'{p}.bn2')
            conv(block.pw2, f'{p}.pw2')
            norm(block.bn3, f'{p}.bn3')
    net.head.weight.data = torch.from_numpy(np.ascontiguousarray(saved['head.kernel'].T))
    net.head.bias.data = torch.from_numpy(saved['head.bias'].copy())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--stem', required=True, help='JSON: imageChannels, imageSize, channels, stride, classes')
    parser.add_argument('--layers', required=True, help="JSON: the space's LayerShape list")
    parser.add_argument('--arch', required=True, help='blocks joined by -')
    add_arguments(parser)
    args = parser.parse_args()
    out = one_thread()
    stem, layers, arch = json.loads(args.stem), json.loads(args.layers), args.arch.split('-')
    net = Network(stem, layers, arch)
    if args.weights:
        load_weights(net, args.weights, arch)
        out['loss'] = loss_on_saved_batch(net, args.weights)
    out.update(time_step_and_evaluation(net, stem['imageChannels'], stem['imageSize'], stem['classes'], args))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
