import math

import numpy as np
import torch

from sk_activegan._networks import Discriminator, FreeMLP, GaussianPolicy
from sk_activegan._spaces import TabularSpace
from sk_activegan.generators import PaperGenerator
from sk_activegan._training import uncertainty_loss


def test_generator_and_discriminator_shapes():
    generator = FreeMLP(latent_dim=4, n_classes=3, n_features=7, hidden_layer_sizes=(8,))
    discriminator = Discriminator(n_features=7, n_classes=3, hidden_layer_sizes=(8, 8))
    x = generator(torch.randn(5, 4), torch.tensor([0, 1, 2, 0, 1]))
    source, classes = discriminator(x)
    assert x.shape == (5, 7)
    assert source.shape == (5,) and classes.shape == (5, 3)


def test_generator_depends_on_the_label():
    torch.manual_seed(0)
    generator = FreeMLP(latent_dim=4, n_classes=3, n_features=7, hidden_layer_sizes=(8,))
    z = torch.randn(1, 4)
    assert not torch.allclose(generator(z, torch.tensor([0])), generator(z, torch.tensor([2])))


def test_gaussian_policy_log_likelihood_by_hand():
    policy = GaussianPolicy(n_features=3, latent_dim=2, hidden_layer_sizes=(4,))
    with torch.no_grad():
        policy.mean_head.weight.zero_()
        policy.mean_head.bias.copy_(torch.tensor([0.0, 0.5]))  # mu = (0, 0.5)
        policy.log_std.copy_(torch.tensor([math.log(2.0), 0.0]))  # sigma = (2, 1)
    z = torch.tensor([[1.0, -1.0]])
    # -1/2 [ (1/2)^2 + 2 ln 2 + ln 2pi ] - 1/2 [ (-1.5)^2 + ln 2pi ] = -3.781024
    log_p = policy.log_prob(torch.randn(1, 3), z)
    torch.testing.assert_close(log_p, torch.tensor([-3.781024]), atol=1e-5, rtol=0)


def test_gaussian_policy_matches_torch_normal():
    torch.manual_seed(1)
    policy = GaussianPolicy(n_features=3, latent_dim=5, hidden_layer_sizes=(4,))
    with torch.no_grad():
        policy.log_std.copy_(torch.linspace(-1, 1, 5))
    x, z = torch.randn(6, 3), torch.randn(6, 5)
    reference = torch.distributions.Normal(policy(x), policy.log_std.exp()).log_prob(z).sum(1)
    torch.testing.assert_close(policy.log_prob(x, z), reference)


def _modules():
    X = np.random.default_rng(0).normal(size=(6, 3))
    space = TabularSpace().fit(X, X, np.repeat([0, 1], 3), 2)
    return PaperGenerator(latent_dim=2, hidden_layer_sizes=(8,), policy_hidden_layer_sizes=(8,),
                          dropout=0.0).build(space, 2, rng=torch.Generator().manual_seed(0))


def _log_likelihood_after_step(reward):
    modules = _modules()
    params = list(modules.generator.parameters()) + list(modules.policy.parameters())
    optimizer = torch.optim.SGD(params, lr=0.05)
    z, y = torch.randn(1, 2), torch.tensor([1])
    with torch.no_grad():
        before = modules.policy.log_prob(modules.generator(z, y), z).item()
    loss = uncertainty_loss(modules, modules.generator(z, y), z, torch.tensor([reward]))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        after = modules.policy.log_prob(modules.generator(z, y), z).item()
    return before, after


def test_policy_gradient_step_with_positive_reward_raises_log_likelihood():
    before, after = _log_likelihood_after_step(reward=2.0)
    assert after > before + 1e-4


def test_policy_gradient_step_with_zero_reward_changes_nothing():
    before, after = _log_likelihood_after_step(reward=0.0)
    assert after == before


def test_uncertainty_loss_reaches_generator_and_policy():
    modules = _modules()
    z, y = torch.randn(4, 2), torch.tensor([0, 1, 0, 1])
    uncertainty_loss(modules, modules.generator(z, y), z, torch.ones(4)).backward()
    assert modules.generator.out.weight.grad.abs().sum() > 0
    assert modules.policy.log_std.grad.abs().sum() > 0
    assert modules.discriminator.source_head.weight.grad is None
