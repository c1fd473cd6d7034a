"""Eq. 6-9 against values computed by hand.

For p = (0.6, 0.3, 0.1):
  u_m  = 0.6 - 0.3 = 0.3
  u_le = -(0.6 ln 0.6 + 0.3 ln 0.3 + 0.1 ln 0.1) = 0.306495 + 0.361192 + 0.230259 = 0.897946
  r_le = exp(0.897946) = 2.454556
For p = (0.45, 0.40, 0.15):
  u_m  = 0.05, r_m = exp(-0.05) = 0.951229 (under eps = 0.2)
  u_le = 1.010413, r_le = 2.746735
"""

import math

import pytest
import torch

from sk_activegan._reward.uncertainty import (
    conditioned_margin,
    entropy_reward,
    label_entropy,
    margin_reward,
    top_two_margin,
    uncertainty_reward,
)

P = torch.tensor([[0.6, 0.3, 0.1], [0.45, 0.40, 0.15]], dtype=torch.float64)


def close(actual, expected):
    torch.testing.assert_close(actual, torch.tensor(expected, dtype=torch.float64),
                               atol=1e-6, rtol=0)


def test_top_two_margin_eq6():
    close(top_two_margin(P), [0.3, 0.05])


def test_top_two_margin_ignores_class_order():
    close(top_two_margin(P[:, [2, 0, 1]]), [0.3, 0.05])


def test_label_entropy_eq7():
    close(label_entropy(P), [0.897946, 1.010413])


def test_label_entropy_of_uniform_and_one_hot():
    close(label_entropy(torch.full((1, 4), 0.25, dtype=torch.float64)), [math.log(4)])
    close(label_entropy(torch.tensor([[1.0, 0.0, 0.0]], dtype=torch.float64)), [0.0])


def test_margin_reward_cut_at_epsilon_eq8():
    # u_m = 0.3 is above eps = 0.2: reward C = 0; u_m = 0.05 is under: exp(-0.05)
    close(margin_reward(P, epsilon=0.2), [0.0, 0.951229])
    # with eps = 0.5 both are under the cut: exp(-0.3) = 0.740818
    close(margin_reward(P, epsilon=0.5), [0.740818, 0.951229])


def test_margin_reward_constant_beyond_epsilon():
    close(margin_reward(P, epsilon=0.2, constant=0.25), [0.25, 0.951229])


def test_margin_reward_at_exactly_epsilon_is_not_cut():
    p = torch.tensor([[0.75, 0.25]], dtype=torch.float64)  # u_m = 0.5 exactly
    close(margin_reward(p, epsilon=0.5), [math.exp(-0.5)])


def test_entropy_reward():
    close(entropy_reward(P), [2.454556, 2.746735])
    close(entropy_reward(torch.full((1, 4), 0.25, dtype=torch.float64)), [4.0])


def test_alpha_mix_eq9():
    # alpha = 0.5, eps = 0.5: 0.5 * 0.740818 + 0.5 * 2.454556 = 1.597687
    #                         0.5 * 0.951229 + 0.5 * 2.746735 = 1.848982
    close(uncertainty_reward(P, alpha=0.5, epsilon=0.5), [1.597687, 1.848982])
    # alpha = 0.3, eps = 0.2, C = 0.25: 0.3 * 0.25 + 0.7 * 2.454556 = 1.793189
    close(uncertainty_reward(P[:1], alpha=0.3, epsilon=0.2, constant=0.25), [1.793189])


@pytest.mark.parametrize("alpha, expected", [(1.0, [0.0, 0.951229]), (0.0, [2.454556, 2.746735])])
def test_alpha_extremes_are_the_pure_rewards(alpha, expected):
    close(uncertainty_reward(P, alpha=alpha, epsilon=0.2), expected)


def test_conditioned_margin():
    y = torch.tensor([0, 1])
    # own class first: same as the top-two margin; own class second: 0.40 - 0.45
    close(conditioned_margin(P, y), [0.3, -0.05])
