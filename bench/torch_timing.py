# What the PyTorch side of the supernet benchmarks times, shared by supernet_torch.py and
# nb201_supernet_torch.py: a single-path SGD step (the workbook's optimiser: Nesterov momentum 0.9,
# weight decay 4e-5) and an inherited-weight evaluation with batch-norm recalibration, on random images.
import json, os, time
import torch
import torch.nn as nn
import torch.nn.functional as F


def add_arguments(parser):
    """The options both benchmark twins take besides their network's."""
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--calibration', type=int, default=512)
    parser.add_argument('--evaluation', type=int, default=1000)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--weights', help="a folder with the workbook's saved weights and batch.json")


def one_thread():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    return {'threads': torch.get_num_threads(), 'torch': torch.__version__}


def loss_on_saved_batch(net, directory):
    """Cross-entropy of the batch the bench wrote (NHWC) in train mode, for the equal-loss check."""
    batch = json.load(open(os.path.join(directory, 'batch.json')))
    x = torch.tensor(batch['x'], dtype=torch.float32).reshape(batch['shape']).permute(0, 3, 1, 2).contiguous()
    net.train()
    return float(F.cross_entropy(net(x), torch.tensor(batch['labels'])).item())


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def time_step_and_evaluation(net, channels, size, classes, args):
    """Median ms per training step (args.steps after 3 warm-up steps) and per evaluation (args.repeats after one)."""
    images = torch.randn(4096, channels, size, size)
    labels = torch.randint(0, classes, (4096,))
    optimiser = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=4e-5)
    net.train()

    def step(i):
        start = (i * args.batch) % (4096 - args.batch)
        optimiser.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(images[start:start + args.batch]), labels[start:start + args.batch])
        loss.backward()
        optimiser.step()

    for i in range(3):
        step(i)
    times = []
    for i in range(args.steps):
        t = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - t) * 1000)

    def evaluate():
        # BN recalibration as one-shot methods do it: reset, cumulative averages in train mode, no gradient.
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.reset_running_stats()
                m.momentum = None
        with torch.no_grad():
            net.train()
            for b in range(0, args.calibration, 128):
                net(images[b:b + 128])
            net.eval()
            correct = 0
            for b in range(0, args.evaluation, 500):
                correct += int((net(images[b:b + 500]).argmax(1) == labels[b:b + 500]).sum())
        return correct

    evaluate()
    eval_times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        evaluate()
        eval_times.append((time.perf_counter() - t) * 1000)
    return {'msPerStep': median(times), 'msPerEvaluation': median(eval_times)}
