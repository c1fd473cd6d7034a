"""The ActiveGAN training loop (Algorithm 1) as short named steps.

One iteration is one generator update:

1. :func:`discriminator_step`: AC-GAN discriminator update (eq. 4), once every
   ``discriminator_interval`` generator updates (Algorithm 1, step 12).
2. :func:`generator_loss`: AC-GAN generator loss (eq. 5).
3. :func:`uncertainty_loss`: the policy-gradient loss of eq. 10-12, switched on
   after the warm-up (Algorithm 1, steps 4 and 7-10).
4. :func:`policy_fit_loss`: the Gaussian policy fitted by maximum likelihood on
   the buffer of recent generated samples (Algorithm 1, steps 5, 9, 13).

G and the policy are updated jointly with
``L_G = L_AC-GAN + lambda_reward * L_u + L_buffer`` (eq. 11); ``L_buffer`` only
reaches the policy's parameters, since buffered samples carry no gradient.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional as F

#: Columns of the per-iteration history, in order.
HISTORY_COLUMNS = (
    "discriminator_loss",
    "generator_loss",
    "uncertainty_loss",
    "policy_loss",
    "mean_reward",
    "realism",
    "conditioned_margin",
    "conditioned_share",
    "nn_distance_ratio",
)
#: Columns filled by the diagnostics at logging points.
DIAGNOSTIC_COLUMNS = HISTORY_COLUMNS[-3:]
#: Iterations between logging points: one host synchronisation (divergence check,
#: progress bar) and the diagnostics of ``history_``; the last iteration logs too.
LOG_INTERVAL = 50


class SampleBuffer:
    """Ring buffer of the ``capacity`` most recent generated samples and their z.

    The policy is fitted to these pairs (:func:`policy_fit_loss`), so its
    likelihood ``P(x | theta)`` is that of ``x`` being generated from a recent set
    of generated samples (Algorithm 1, step 9).
    """

    def __init__(self, capacity, n_features, latent_dim, device):
        self.capacity = capacity
        self.x = torch.empty(capacity, n_features, device=device, dtype=torch.float32)
        self.z = torch.empty(capacity, latent_dim, device=device, dtype=torch.float32)
        self.size = 0
        self.position = 0

    def add(self, x, z):
        """Store a batch (Algorithm 1, steps 5 and 13), overwriting the oldest rows."""
        index = (self.position + torch.arange(len(x), device=x.device)) % self.capacity
        self.x[index] = x.detach()
        self.z[index] = z.detach()
        self.position = (self.position + len(x)) % self.capacity
        self.size = min(self.size + len(x), self.capacity)

    def draw(self, batch_size, rng=None):
        """A uniform minibatch (with replacement) of stored ``(x, z)`` pairs."""
        index = torch.randint(self.size, (batch_size,), device=self.x.device, generator=rng)
        return self.x[index], self.z[index]


def discriminator_step(modules, optimizer, x_real, y_real, x_fake, y_fake):
    """One update of D on eq. 4: real/fake and class cross-entropies.

    Maximizing eq. 4's log-likelihoods is minimizing these four losses.
    """
    source_real, class_real = modules.discriminator(x_real)
    source_fake, class_fake = modules.discriminator(x_fake.detach())
    loss = (
        F.binary_cross_entropy_with_logits(source_real, torch.ones_like(source_real))
        + F.binary_cross_entropy_with_logits(source_fake, torch.zeros_like(source_fake))
        + F.cross_entropy(class_real, y_real)
        + F.cross_entropy(class_fake, y_fake)
    )
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.detach()


def generator_loss(source, classes, y_fake, source_weight=1.0):
    """AC-GAN generator loss (eq. 5): fake samples judged real and of class y.

    ``source`` and ``classes`` are the discriminator's logits for the fake batch;
    ``source_weight`` weighs the real/fake term (1 in AC-GAN; a family whose
    samples are real by construction may lower it).
    """
    return source_weight * F.binary_cross_entropy_with_logits(
        source, torch.ones_like(source)
    ) + F.cross_entropy(classes, y_fake)


def uncertainty_loss(modules, x_fake, z, reward):
    """Policy-gradient uncertainty loss (eq. 10-12), to be minimized.

    ``-mean(r(x) * log P(x | theta))``: its gradient is eq. 12's
    ``E[grad log P(G(z, y) | theta) r(x)]`` with the sign for descent. The reward
    is a constant (no gradient); ``log P`` reaches both the policy's parameters
    and, through ``x = G(z, y)``, the generator's.
    """
    return -(reward.detach() * modules.policy.log_prob(x_fake, z)).mean()


def policy_fit_loss(modules, buffer, batch_size, rng=None):
    """Negative log-likelihood of buffered ``(x, z)`` pairs under the policy."""
    x, z = buffer.draw(batch_size, rng)
    return -modules.policy.log_prob(x, z).mean()


@dataclass
class TrainingSchedule:
    """How long and how the loop runs."""

    n_iter: int
    warm_up_iter: int
    lambda_reward: float
    batch_size: int
    learning_rate: float
    discriminator_interval: int
    buffer_size: int
    balanced_batches: bool = False
    source_weight: float = 1.0


class BatchDraw:
    """A training loop's draws from ``rng``: ``draw(batch)`` gives real rows ``X[i]``,
    their labels ``y[i]`` (rows uniform, or with ``balanced`` every class equally
    often and rows uniform within it) and ``(batch, latent_dim)`` standard-normal
    noise, float32, on ``X``'s device."""

    def __init__(self, X, y, latent_dim, balanced, rng):
        self.X, self.y, self.latent_dim, self.rng = X, y, latent_dim, rng
        self.row_weights = None
        if balanced:
            sizes = torch.bincount(y)
            self.row_weights = 1.0 / (len(sizes) * sizes[y].to(torch.float64))

    def __call__(self, batch):
        device = self.X.device
        index = (torch.randint(len(self.X), (batch,), device=device, generator=self.rng)
                 if self.row_weights is None else
                 torch.multinomial(self.row_weights, batch, replacement=True,
                                   generator=self.rng))
        z = torch.randn(batch, self.latent_dim, device=device, dtype=torch.float32,
                        generator=self.rng)
        return self.X[index], self.y[index], z


class TrainingDivergedError(FloatingPointError):
    """Raised when a loss becomes NaN or infinite during training.

    The check runs every 50 iterations; the estimator keeps its previous fit (or
    stays unfitted). What to do: lower the generator family's learning rate
    (``generator__learning_rate``, 2e-4 by default, e.g. to 5e-5) or the reward's
    weight ``lambda_reward``; with ``verbose=1`` the progress bar shows which loss
    grows before it diverges.
    """


def train(modules, X, y, schedule, *, rng, reward=None, diagnostics=None, progress=None):
    """Run Algorithm 1 on model-space tensors ``X`` (float32) and encoded labels ``y``.

    Parameters
    ----------
    modules : ActiveGANModules
        On the same device as ``X`` and ``y``; trained in place.
    schedule : TrainingSchedule
    rng : torch.Generator
        On ``X``'s device: every random draw of the loop (batches, noise, dropout)
        comes from it, never from torch's process-wide generator.
    reward : nn.Module x -> reward of shape (n,), or None
        Uncertainty reward of generated samples (eq. 9); None trains plain AC-GAN.
    diagnostics : Diagnostics or None
        Batch summaries of :data:`DIAGNOSTIC_COLUMNS` recorded at logging points.
    progress : tqdm-like or None
        Advanced every :data:`LOG_INTERVAL` iterations; its postfix shows the means
        of the history's columns over those iterations, named in words
        (:func:`progress_fields`).

    Returns
    -------
    history : dict of ndarray of length n_iter, keyed by :data:`HISTORY_COLUMNS`.
        NaN where a value was not computed at that iteration (the D loss when D
        was not updated, the uncertainty loss during warm-up, the mean reward
        away from the ActiveGAN phase and logging points, the diagnostics away
        from logging points).
    """
    modules.use_rng(rng)
    try:
        with torch.enable_grad():  # whatever the caller's grad mode
            return _run(modules, X, y, schedule, rng, reward, diagnostics, progress)
    finally:
        modules.use_rng(None)
        modules.eval()


def _run(modules, X, y, schedule, rng, reward_module, diagnostics, progress):
    device = X.device
    # one fused kernel per step where torch has one: the loop is small networks, so
    # Adam's per-tensor steps were a fifth of a CPU iteration
    fused = True if device.type in ("cpu", "cuda") else None
    opt_d, opt_g, opt_policy = (
        torch.optim.Adam(net.parameters(), lr=schedule.learning_rate, betas=(0.5, 0.999),
                         fused=fused)
        for net in (modules.discriminator, modules.generator, modules.policy)
    )
    buffer = SampleBuffer(schedule.buffer_size, X.shape[1], modules.latent_dim, device)
    history = torch.full((schedule.n_iter, len(HISTORY_COLUMNS)), float("nan"), device=device,
                         dtype=torch.float32)
    nan = torch.tensor(float("nan"), device=device, dtype=torch.float32)
    no_diagnostics = [nan] * len(DIAGNOSTIC_COLUMNS)
    finite = torch.tensor(True, device=device)
    batch = schedule.batch_size
    draw = BatchDraw(X, y, modules.latent_dim, schedule.balanced_batches, rng)
    modules.train()
    for it in range(schedule.n_iter):
        x_real, y_real, z = draw(batch)
        x_fake = modules.generate(z, y_real, x_real)  # the real batch anchors an anchored G

        d_loss = nan
        if it % schedule.discriminator_interval == 0:
            d_loss = discriminator_step(modules, opt_d, x_real, y_real, x_fake, y_real)
            finite &= torch.isfinite(d_loss)

        active = (reward_module is not None and schedule.lambda_reward > 0
                  and it >= schedule.warm_up_iter)
        log_now = (it + 1) % LOG_INTERVAL == 0 or it + 1 == schedule.n_iter
        source, classes = modules.discriminator(x_fake)
        reward = None
        if reward_module is not None and (active or log_now):
            with torch.no_grad():
                reward = reward_module(x_fake.detach())

        g_loss = generator_loss(source, classes, y_real, schedule.source_weight)
        total, u_loss = g_loss, nan
        if active:
            u_loss = uncertainty_loss(modules, x_fake, z, reward)
            total = total + schedule.lambda_reward * u_loss
        p_loss = nan
        if buffer.size:
            p_loss = policy_fit_loss(modules, buffer, batch, rng)
            total = total + p_loss
        finite &= torch.isfinite(total)
        opt_g.zero_grad(set_to_none=True)
        opt_policy.zero_grad(set_to_none=True)
        total.backward()
        opt_g.step()
        opt_policy.step()
        buffer.add(x_fake, z)

        mean_reward = reward.mean() if reward is not None else nan
        summary = no_diagnostics
        if log_now and diagnostics is not None:
            summary = list(diagnostics.batch_summary(x_fake.detach(), y_real))
        history[it] = torch.stack([d_loss, g_loss.detach(), u_loss.detach(), p_loss.detach(),
                                   mean_reward, torch.sigmoid(source.detach()).mean(), *summary])
        if log_now:
            _check_finite(finite, it + 1)
            if progress is not None:
                _report(progress, history, it + 1, schedule,
                        rewarded=reward_module is not None)
    return {name: history[:, i].cpu().numpy() for i, name in enumerate(HISTORY_COLUMNS)}


def _check_finite(finite, iteration):
    """One host synchronisation: raise if any loss so far was NaN or infinite."""
    if not bool(finite):
        raise TrainingDivergedError(
            f"Training diverged: a loss became NaN or infinite before iteration "
            f"{iteration}. Lower `generator__learning_rate` or `lambda_reward` "
            "(see TrainingDivergedError's documentation)."
        )


def progress_fields(history, stop, schedule, *, rewarded=True):
    """The progress bar's fields after iteration ``stop``: the means of ``history``'s
    columns over the last :data:`LOG_INTERVAL` iterations, the values
    ``history_`` holds there (its NaN entries left out), named in words.

    ``D loss`` is eq. 4's discriminator loss (updated every
    ``discriminator_interval`` iterations), ``G loss`` eq. 5's generator loss,
    ``reward`` the mean uncertainty reward of eq. 9 over the generated batches scored
    (every batch in the ActiveGAN phase; during the warm-up only the batch at each
    logging point, so the bar shows a reward while most of ``history_["mean_reward"]``
    is NaN), ``uncertainty loss`` eq. 12's loss: ``"warm-up"`` before the ActiveGAN
    phase starts (iteration ``warm_up_iter``), ``"off"`` when nothing trains it
    (``lambda_reward=0`` or no reward model).
    """
    window = history[max(stop - LOG_INTERVAL, 0):stop]
    window = window.cpu().numpy() if hasattr(window, "cpu") else np.asarray(window)
    with np.errstate(all="ignore"):
        means = {name: np.nanmean(window[:, i]) if np.isfinite(window[:, i]).any() else np.nan
                 for i, name in enumerate(HISTORY_COLUMNS)}

    def number(value):
        return "–" if np.isnan(value) else f"{value:.3f}"

    if not rewarded or schedule.lambda_reward == 0:
        uncertainty = "off"
    elif stop <= schedule.warm_up_iter:
        uncertainty = "warm-up"
    else:
        uncertainty = number(means["uncertainty_loss"])
    return {"D loss": number(means["discriminator_loss"]),
            "G loss": number(means["generator_loss"]),
            "reward": number(means["mean_reward"]) if rewarded else "–",
            "uncertainty loss": uncertainty}


def _report(progress, history, stop, schedule, *, rewarded):
    progress.set_postfix(progress_fields(history, stop, schedule, rewarded=rewarded),
                         refresh=False)
    progress.update(stop - progress.n)
