"""High-precision oracle for NeuralSort / SoftSort BCE losses (mpmath, 60 digits).

Writes softrank_mp_oracle.json next to this script: loss, gradient and Hessian of
  l(x) = (1/n^2) sum_k sum_j BCE(Phat[k][j], Q[j][k]),  Phat[k] = softmax(z_k(x)),  logs clamped at -100,
for the NeuralSort and SoftSort samples of ranking_n5.json (copied from shared/reference) and for extra
saturated cases (small tau: some off-target entries have p close to 1). Derivatives are central differences
of the 60-digit loss (step 1e-22 in x, so truncation ~1e-44), i.e. independent of any derivative formula.

Regenerate: cd src/test/resources/reference && python3 softrank_mp_oracle.py   (needs mpmath)
"""
import json
import random
import mpmath as mp

mp.mp.dps = 60
LOG_CLAMP = mp.mpf(-100)


def clamped_log(v):
    return max(mp.log(v), LOG_CLAMP) if v > 0 else LOG_CLAMP


def logits(family, tau, power, x, k, xs):
    n = len(x)
    if family == 'neuralsort':  # ascending rank k = paper's i-1 with s = -x
        s = [-v for v in x]
        return [((n - 1 - 2 * k) * s[j] - sum(abs(s[j] - s[m]) for m in range(n))) / tau for j in range(n)]
    return [-abs(xs[k] - x[j]) ** power / tau for j in range(n)]


def loss(family, tau, power, x, perm):
    n = len(x)
    xs = sorted(x)
    total = mp.mpf(0)
    for k in range(n):
        z = logits(family, tau, power, x, k, xs)
        m = max(z)
        e = [mp.e ** (v - m) for v in z]
        s = sum(e)
        for j in range(n):
            p = e[j] / s
            total -= clamped_log(p) if j == perm[k] else clamped_log(sum(e[l] for l in range(n) if l != j) / s)
    return total / n ** 2


def case(family, tau, power, x, targets):
    n = len(x)
    perm = sorted(range(n), key=lambda k: targets[k])  # stable ascending argsort
    tau = mp.mpf(tau)
    x0 = [mp.mpf(v) for v in x]
    f = lambda xx: loss(family, tau, power, xx, perm)
    h = mp.mpf('1e-22')

    def shifted(d):
        return f([x0[i] + d.get(i, 0) for i in range(n)])

    grad = [(shifted({a: h}) - shifted({a: -h})) / (2 * h) for a in range(n)]
    hess = [[None] * n for _ in range(n)]
    for a in range(n):
        for b in range(a, n):
            if a == b:
                v = (shifted({a: h}) - 2 * f(x0) + shifted({a: -h})) / (h * h)
            else:
                v = (shifted({a: h, b: h}) - shifted({a: h, b: -h}) - shifted({a: -h, b: h})
                     + shifted({a: -h, b: -h})) / (4 * h * h)
            hess[a][b] = hess[b][a] = v
    spec = f'neuralsort:tau={float(tau)}' if family == 'neuralsort' else f'softsort:tau={float(tau)},power={power}'
    return {'spec': spec, 'x': x, 'targets': targets, 'loss': float(f(x0)),
            'grad': [float(v) for v in grad], 'hessian': [[float(v) for v in r] for r in hess]}


def main():
    ref = json.load(open('ranking_n5.json'))
    cases = []
    for g in ref['groups']:
        if g['method'] not in ('neuralsort', 'softsort'):
            continue
        for x, t in zip(g['x'], g['targets']):
            cases.append(case(g['method'], g['params']['tau'], 1, x, t))
    rnd = random.Random(20261128)
    for family, tau, power, n, scale in [('neuralsort', 0.05, 1, 5, 1.0), ('neuralsort', 0.3, 1, 8, 1.0),
                                         ('softsort', 0.02, 1, 4, 1.0), ('softsort', 0.05, 2, 6, 1.0),
                                         ('softsort', 0.5, 2, 7, 3.0)]:
        x = [scale * rnd.gauss(0, 1) for _ in range(n)]
        t = [v + scale * rnd.gauss(0, 1) for v in x]
        cases.append(case(family, tau, power, x, t))
    json.dump({'description': __doc__.strip().splitlines()[0], 'cases': cases},
              open('softrank_mp_oracle.json', 'w'), indent=1)


if __name__ == '__main__':
    main()
