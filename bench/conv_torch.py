# The PyTorch side of bench/nb201-supernet.ts's convolution rows: forward and both gradients of one
# 3x3 convolution (pad 1) per shape, one thread, median ms. Prints one JSON line.
# Usage: python3 bench/conv_torch.py --shapes '[[[64,16,16,16],16,1], ...]' [--repeats 7]
import argparse, json, time
import torch
import torch.nn.functional as F
from torch_timing import median, one_thread


def time_conv(x_shape, cout, stride, repeats):
    n, h, w, cin = x_shape
    x = torch.randn(n, cin, h, w, requires_grad=True)
    weight = (torch.randn(cout, cin, 3, 3) * 0.1).requires_grad_()
    upstream = None

    def run():
        nonlocal upstream
        y = F.conv2d(x, weight, stride=stride, padding=1)
        if upstream is None:
            upstream = torch.ones_like(y)
        torch.autograd.grad(y, [x, weight], upstream)

    run()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append((time.perf_counter() - t) * 1000)
    return median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--shapes', required=True)
    parser.add_argument('--repeats', type=int, default=7)
    args = parser.parse_args()
    info = one_thread()
    ms = [time_conv(x, cout, stride, args.repeats) for x, cout, stride in json.loads(args.shapes)]
    print(json.dumps({**info, 'ms': ms}))


if __name__ == '__main__':
    main()
