"""One attack of a Python peer (torchattacks or ART) on a TorchScript model, for bench/peers.sh.

    PYTHONPATH=TA_DIR:ART_DIR /usr/bin/python3 bench/peer_attack.py TOOL ATTACK MODEL.pt mnist|gtsrb N EPS QUERIES \
        [DATA_DIR]

TOOL: ta (torchattacks) or art. The first N test images (MNIST: the copy bundled with dlsec; GTSRB: DATA_DIR/gtsrb),
pixels in [0, 1], NCHW. The parameters of every attack are those of the dlsec command line in bench/peers.sh (see the
table there). Times only the attack's call; prints one JSON line: seconds, clean and robust accuracy over all N
images (robust: still classified correctly), mean L2 over the successful samples (correct before, wrong after), and,
for ART's decision-based attacks, the mean model queries per sample (counted at the estimator).
"""
import json, os, sys, time
import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
tool, attack, model_path, dataset, n, eps, queries = sys.argv[1:8]
n, eps, queries = int(n), float(eps), int(queries)
torch.set_num_threads(2)
torch.manual_seed(0)
np.random.seed(0)
if dataset == "mnist":
    import mnist_idx
    x, y = mnist_idx.load("test")
else:
    import make_peer_model
    x, y = make_peer_model.gtsrb(sys.argv[8], "test")
x, y = x[:n].contiguous(), y[:n]
model = torch.jit.load(model_path).eval()
for p in model.parameters():
    p.requires_grad_(False)
k = int(model(x[:1]).shape[1])
counted = [0]


def run_ta():
    import torchattacks as ta
    a = {
        "fgsm": lambda: ta.FGSM(model, eps=eps),
        "pgd": lambda: ta.PGD(model, eps=eps, alpha=0.01 if dataset == "mnist" else 2 / 255, steps=40 if dataset == "mnist" else 10,
                                 random_start=True),
        "mim": lambda: ta.MIFGSM(model, eps=eps, alpha=eps / 10, steps=10, decay=1.0),
        "cw": lambda: ta.CW(model, c=1, kappa=0, steps=100, lr=0.01),
        "deepfool": lambda: ta.DeepFool(model, steps=50, overshoot=0.02),
        "apgd": lambda: ta.APGD(model, norm="Linf", eps=eps, steps=100, n_restarts=1, loss="ce", seed=0),
        "square": lambda: ta.Square(model, norm="Linf", eps=eps, n_queries=queries, n_restarts=1, p_init=0.05,
                                    loss="margin", resc_schedule=True, seed=0),
        "onepixel": lambda: ta.OnePixel(model, pixels=1, steps=10, popsize=100, inf_batch=256),
    }[attack]()
    t0 = time.perf_counter()
    adv = a(x, y)
    return adv, time.perf_counter() - t0


def run_art():
    from art.estimators.classification import PyTorchClassifier
    from art.attacks import evasion as ev
    est = PyTorchClassifier(model=model, loss=torch.nn.CrossEntropyLoss(), input_shape=tuple(x.shape[1:]),
                            nb_classes=k, clip_values=(0.0, 1.0), device_type="cpu")
    predict = est.predict

    def counting(v, *args, **kw):
        counted[0] += len(v)
        return predict(v, *args, **kw)
    est.predict = counting
    bs = 250
    a = {
        "fgsm": lambda: ev.FastGradientMethod(est, eps=eps, batch_size=bs),
        "pgd": lambda: ev.ProjectedGradientDescent(est, eps=eps, eps_step=0.01 if dataset == "mnist" else 2 / 255,
                                                   max_iter=40 if dataset == "mnist" else 10, num_random_init=1,
                                                   batch_size=bs, verbose=False),
        "mim": lambda: ev.MomentumIterativeMethod(est, eps=eps, eps_step=eps / 10, decay=1.0, max_iter=10, batch_size=bs,
                                                  verbose=False),
        "deepfool": lambda: ev.DeepFool(est, max_iter=50, epsilon=0.02, nb_grads=k, batch_size=bs, verbose=False),
        "apgd": lambda: ev.AutoProjectedGradientDescent(est, norm=np.inf, eps=eps, eps_step=2 * eps, max_iter=100,
                                                        nb_random_init=1, batch_size=bs, loss_type="cross_entropy",
                                                        verbose=False),
        "square": lambda: ev.SquareAttack(est, norm=np.inf, eps=eps, max_iter=queries, p_init=0.05, nb_restarts=1,
                                          batch_size=bs, verbose=False),
        # decision-based: max_iter iterations (not queries); the queries are counted and printed
        "hsj": lambda: ev.HopSkipJump(est, norm=2, max_iter=queries, max_eval=1000, init_eval=100, init_size=100,
                                      batch_size=64, verbose=False),
        "boundary": lambda: ev.BoundaryAttack(est, targeted=False, delta=0.01, epsilon=0.01, step_adapt=0.667,
                                              max_iter=queries, num_trial=25, sample_size=20, init_size=100,
                                              batch_size=64, verbose=False),
        "onepixel": lambda: ev.PixelAttack(est, th=None, es=1, max_iter=10, verbose=False),
    }[attack]()
    xn, yn = x.numpy(), y.numpy()
    t0 = time.perf_counter()
    adv = a.generate(xn, yn) if attack != "onepixel" else a.generate(xn, yn, max_iter=10)
    return torch.tensor(adv), time.perf_counter() - t0


counted[0] = 0
adv, sec = run_ta() if tool == "ta" else run_art()
# the clean and the adversarial predictions, timed: dlsec's "seconds" include both (its result reports clean and robust
# accuracy), so "seconds" + "evalSeconds" is the same work as dlsec's timed region
t0 = time.perf_counter()
with torch.no_grad():
    clean = model(x).argmax(1) == y
    robust = model(adv).argmax(1) == y
evalsec = time.perf_counter() - t0
succ = clean & ~robust
l2 = (adv - x).flatten(1).norm(dim=1)[succ]
print(json.dumps({"tool": tool, "attack": attack, "seconds": sec, "evalSeconds": evalsec, "clean": clean.float().mean().item(),
                  "robust": robust.float().mean().item(), "l2": l2.mean().item() if len(l2) else 0.0,
                  "queries": counted[0] / n if tool == "art" and counted[0] else None}))
