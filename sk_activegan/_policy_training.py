"""Training of an augmentation policy by ActiveGAN's policy gradient (eq. 10-12).

The generator of the ``"augment"`` family draws each sample by choosing a
standard augmentation op and its magnitude from a policy ``pi(a | x, y)``; the
op is not differentiable in the choice, so the whole generator objective is
trained as eq. 12 trains the uncertainty term: REINFORCE, the gradient of
``E[R * log pi(a | x, y)]``. One iteration:

1. :func:`~._training.discriminator_step`: the AC-GAN discriminator on real
   images against augmented ones (eq. 4).
2. The per-sample reward ``R = s * log D_source(x') + log D_class(y | x') +
   lambda * r_u(x')``: the AC-GAN generator objective (eq. 5, as a reward; ``s`` is
   ``source_weight``) and, after the warm-up, eq. 9's uncertainty reward weighted
   by λ (eq. 11).
3. :func:`policy_gradient_loss`: ``-mean((R - b) * log pi) - beta * H(pi)``, with
   the batch-mean baseline ``b`` (it leaves eq. 12's expected gradient as it is
   and lowers its variance) and an entropy bonus ``beta`` that keeps the policy
   from collapsing onto one op.
"""

import torch
from torch.nn import functional as F

from ._training import (HISTORY_COLUMNS, LOG_INTERVAL, BatchDraw, _check_finite, _report,
                        discriminator_step)


def sample_rewards(modules, x_fake, y, reward_module, source_weight, active):
    """``(realism, uncertainty)`` per sample (n,): eq. 5's objective as a reward —
    ``source_weight * log sigmoid(source logit) + log softmax(class logits)[y]`` —
    and eq. 9's reward (zeros when not ``active``), without gradients."""
    with torch.no_grad():
        source, classes = modules.discriminator(x_fake)
        realism = (source_weight * F.logsigmoid(source)
                   - F.cross_entropy(classes, y, reduction="none"))
        uncertainty = (reward_module(x_fake) if active and reward_module is not None
                       else torch.zeros_like(realism))
    return realism, uncertainty, source


def policy_gradient_loss(log_prob, entropy, reward, entropy_weight):
    """REINFORCE loss whose gradient is eq. 12's estimate with a baseline:
    ``-mean((R - mean(R)) * log pi) - entropy_weight * mean(H)``.

    ``log_prob`` (n,) carries the policy's gradient; ``reward`` (n,) none."""
    advantage = (reward - reward.mean()).detach()
    return -(advantage * log_prob).mean() - entropy_weight * entropy.mean()


def train_augment_policy(modules, X, y, budget, *, rng, reward=None, diagnostics=None,
                         progress=None, batch_size=64, learning_rate=2e-4,
                         policy_learning_rate=1e-3, discriminator_interval=1, source_weight=1.0,
                         entropy_weight=0.1):
    """Train the policy and the discriminator of `AugmentPolicyModules` in place on
    model-space images ``X`` (n, C*H*W, float32) and encoded ``y`` (int64), within
    ``budget`` (`~sk_activegan.generators.TrainingBudget`: iterations, warm-up, λ).

    Returns the history: arrays of length ``budget.n_iter`` keyed by
    :data:`~._training.HISTORY_COLUMNS` — ``generator_loss`` is minus the mean
    realism reward, ``uncertainty_loss`` eq. 10-11's ``-mean(r_u log pi)`` (NaN
    during the warm-up), ``policy_loss`` the REINFORCE loss optimised.
    """
    modules.use_rng(rng)
    try:
        with torch.enable_grad():
            return _run(modules, X, y, budget, rng, reward, diagnostics, progress,
                        batch_size, learning_rate, policy_learning_rate,
                        discriminator_interval, source_weight, entropy_weight)
    finally:
        modules.use_rng(None)
        modules.eval()


def _run(modules, X, y, budget, rng, reward_module, diagnostics, progress, batch,
         learning_rate, policy_learning_rate, discriminator_interval, source_weight,
         entropy_weight):
    device = X.device
    fused = True if device.type in ("cpu", "cuda") else None
    opt_d = torch.optim.Adam(modules.discriminator.parameters(), lr=learning_rate,
                             betas=(0.5, 0.999), fused=fused)
    opt_policy = torch.optim.Adam(modules.policy_net.parameters(), lr=policy_learning_rate,
                                  fused=fused)
    history = torch.full((budget.n_iter, len(HISTORY_COLUMNS)), float("nan"), device=device,
                         dtype=torch.float32)
    nan = torch.tensor(float("nan"), device=device, dtype=torch.float32)
    n_diagnostics = len(HISTORY_COLUMNS) - 6
    finite = torch.tensor(True, device=device)
    draw = BatchDraw(X, y, modules.latent_dim, budget.balanced_batches, rng)
    modules.train()
    for it in range(budget.n_iter):
        x_real, y_real, z = draw(batch)
        x_fake, _, _, log_prob, entropy = modules.policy_net.act(z, y_real, x_real)

        d_loss = nan
        if it % discriminator_interval == 0:
            d_loss = discriminator_step(modules, opt_d, x_real, y_real, x_fake, y_real)
            finite &= torch.isfinite(d_loss)

        active = (reward_module is not None and budget.lambda_reward > 0
                  and it >= budget.warm_up_iter)
        log_now = (it + 1) % LOG_INTERVAL == 0 or it + 1 == budget.n_iter
        realism, uncertainty, source = sample_rewards(
            modules, x_fake, y_real, reward_module, source_weight,
            active or (log_now and reward_module is not None))
        total_reward = realism + (budget.lambda_reward * uncertainty if active else 0.0)
        loss = policy_gradient_loss(log_prob, entropy, total_reward, entropy_weight)
        finite &= torch.isfinite(loss)
        opt_policy.zero_grad(set_to_none=True)
        loss.backward()
        opt_policy.step()

        u_loss = -(uncertainty * log_prob.detach()).mean() if active else nan
        mean_reward = (uncertainty.mean() if (active or log_now) and reward_module is not None
                       else nan)
        summary = [nan] * n_diagnostics
        if log_now and diagnostics is not None:
            summary = list(diagnostics.batch_summary(x_fake.detach(), y_real))
        history[it] = torch.stack([d_loss, -realism.mean(), u_loss, loss.detach(), mean_reward,
                                   torch.sigmoid(source).mean(), *summary])
        if log_now:
            _check_finite(finite, it + 1)
            if progress is not None:
                _report(progress, history, it + 1, LOG_INTERVAL)
    return {name: history[:, i].cpu().numpy() for i, name in enumerate(HISTORY_COLUMNS)}
