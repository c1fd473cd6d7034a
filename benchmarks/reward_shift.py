"""Do ActiveGAN samples get a higher uncertainty reward than AC-GAN samples?

For a few seeds, trains AC-GAN (lambda = 0) and ActiveGAN with the same seed, data
and iterations on a stratified labeled subset of digits, samples from both, and
reports under the reward model: the mean reward (eq. 9), the share of samples with
top-two margin <= epsilon, the share the reward model assigns to the conditioned
class, and the median margin.

    python -m benchmarks.reward_shift --seeds 0 1 2 --n-iter 3000
"""

import argparse
import json

import numpy as np

from sk_activegan import ActiveGANAugmenter

from . import harness


def diagnostics(augmenter, n_per_class):
    scores = augmenter.sample(n_per_class, return_scores=True)[2]
    return {
        "mean_reward": float(scores["reward"].mean()),
        "share_margin_le_epsilon": float((scores["margin"] <= augmenter.epsilon).mean()),
        "median_margin": float(np.median(scores["margin"])),
        "class_agreement": float((scores["conditioned_margin"] > 0).mean()),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-labeled", type=int, default=200)
    parser.add_argument("--n-iter", type=int, default=3000)
    parser.add_argument("--lambdas", type=float, nargs="+", default=[0.1, 1.0])
    parser.add_argument("--n-per-class", type=int, default=200)
    args = parser.parse_args(argv)

    digits = harness.load("digits")
    results = []
    for seed in args.seeds:
        X_train, _, y_train, _ = digits.split(args.n_labeled, seed)
        for lambda_reward in [0.0, *args.lambdas]:
            aug = ActiveGANAugmenter(lambda_reward=lambda_reward, n_iter=args.n_iter,
                                     random_state=seed).fit(X_train, y_train)
            row = {"seed": seed, "lambda_reward": lambda_reward,
                   **diagnostics(aug, args.n_per_class)}
            results.append(row)
            print(json.dumps(row), flush=True)

    print(f"\n{'lambda':>7} {'mean reward':>12} {'margin<=eps':>12} {'median margin':>14} "
          f"{'agreement':>10}   (mean over seeds {args.seeds})")
    for lambda_reward in [0.0, *args.lambdas]:
        rows = [r for r in results if r["lambda_reward"] == lambda_reward]
        mean = {k: np.mean([r[k] for r in rows]) for k in rows[0] if k not in ("seed",)}
        print(f"{lambda_reward:>7.2f} {mean['mean_reward']:>12.3f} "
              f"{mean['share_margin_le_epsilon']:>12.3f} {mean['median_margin']:>14.3f} "
              f"{mean['class_agreement']:>10.3f}")


if __name__ == "__main__":
    main()
