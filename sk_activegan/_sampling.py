"""Drawing samples from a trained generator: chunked, from the fitted sampling
stream, optionally choosing each row among candidates by the reward model, and
optionally through the AC-GAN+F margin filter."""

import warnings

import numpy as np
import torch

from ._diagnostics import chunk_rows
from ._reward import top_two_margin

#: Candidate rounds the margin filter draws per chunk of rows asked for, before it
#: fills up with the lowest-margin rejects.
MAX_FILTER_ROUNDS = 20


def generate(model, counts, margin_filter=None, n_candidates=1):
    """``counts[c]`` rows of every class ``c`` from a ``FittedActiveGAN``, in the
    caller's scale and dtype, and their labels; memory beyond the result stays
    bounded by ``chunk_rows`` rows of the model space per pass of a network (a
    feature extractor sees fewer: ``FEATURE_BATCH``). Draws continue the model's
    sampling stream.

    With ``n_candidates > 1`` every row is the most uncertain of that many candidates
    (:class:`SelectedSampler`); with 1 the stream is drawn exactly as without selection.
    """
    space, classes = model.space, model.classes
    X_new = np.empty((int(counts.sum()), space.n_features), dtype=space.dtype)
    step = chunk_rows(space.n_model)
    stop = 0
    for class_index, count in enumerate(counts.tolist()):
        start, stop = stop, stop + count
        sampler = ClassSampler(model, class_index)
        if n_candidates > 1:
            sampler = SelectedSampler(sampler, model.reward, n_candidates)
        if margin_filter is not None and count:
            _fill_filtered(X_new[start:stop], sampler, space, model.reward, margin_filter,
                           classes[class_index])
            continue
        for chunk in range(start, stop, step):
            end = min(chunk + step, stop)
            space.to_caller(sampler(end - chunk), X_new[chunk:end])
    return X_new, np.repeat(classes, counts)


class ClassSampler:
    """Model-space samples of one class, drawn from the model's sampling stream
    (noise, and with an anchored generator the anchors: real rows of the class)."""

    def __init__(self, model, class_index):
        self.modules, self.space, self.rng = model.modules, model.space, model.sample_rng
        self.class_index, self.device = class_index, model.device
        self.rows = self.space.class_rows(class_index)

    @torch.inference_mode()
    def __call__(self, count, repeats=1):
        """``count`` rows; with ``repeats > 1``, ``count * repeats`` rows in groups of
        ``repeats`` consecutive rows that share one anchor (their noise differs)."""
        z = self.rng.standard_normal((count * repeats, self.modules.latent_dim),
                                     dtype=np.float32)
        y = torch.full((count * repeats,), self.class_index, dtype=torch.long,
                       device=self.device)
        anchor = None
        if self.modules.anchored:  # real rows of the class, drawn from the same stream
            picked = self.rows[self.rng.integers(len(self.rows), size=count)]
            anchor = torch.from_numpy(np.repeat(self.space.real[picked], repeats, axis=0))
            anchor = anchor.to(self.device)
        return self.modules.generate(torch.from_numpy(z).to(self.device), y, anchor)


class SelectedSampler:
    """Rows chosen by the reward: each row is the candidate with the highest
    uncertainty reward (eq. 9, the same reward module that trains the generator)
    among ``n_candidates`` draws (the same anchor with an anchored generator)
    whose two most probable classes include the conditioned one; when no
    candidate keeps the label that way, the one most probable in it."""

    def __init__(self, sampler, reward, n_candidates):
        self.sampler, self.reward, self.n_candidates = sampler, reward, int(n_candidates)

    @torch.inference_mode()
    def __call__(self, count):
        k = self.n_candidates
        step = max(1, chunk_rows(self.sampler.space.n_model) // k)
        parts = []
        for start in range(0, count, step):
            rows = min(step, count - start)
            x = self.sampler(rows, repeats=k)
            proba = checked_proba(self.reward, x)
            scores = selection_scores(proba.float(), self.reward.from_proba(proba).float(),
                                      self.sampler.class_index)
            best = scores.reshape(rows, k).argmin(dim=1)
            parts.append(x.reshape(rows, k, -1)[torch.arange(rows, device=x.device), best])
        return parts[0] if len(parts) == 1 else torch.cat(parts)


def checked_proba(reward, x):
    """The reward model's class probabilities of candidates ``x``; probabilities that
    are not finite (a reward model or extractor out of its domain) are a
    ``ValueError``: the candidates could not be ranked by them."""
    proba = reward.proba(x)
    finite = torch.isfinite(proba).all(dim=1)
    if not bool(finite.all()):
        raise ValueError(
            f"The reward model gave NaN or infinite class probabilities for "
            f"{int((~finite).sum())} of {len(x)} generated candidates, so they cannot be "
            "ranked (n_candidates) or filtered (margin_filter); the reward model "
            f"({type(reward.proba).__name__}) is out of its domain there.")
    return proba


def selection_scores(proba, reward, class_index):
    """Lower is chosen first: minus the reward (eq. 9) where class ``class_index``
    is among the two most probable classes; above every such score (and the most
    probable in the class first) where it is not."""
    own = proba[:, class_index]
    top_two = torch.topk(proba, k=min(2, proba.shape[1]), dim=1).values
    keeps_label = own >= top_two[:, -1]
    ceiling = (-reward).max() if bool(keeps_label.any()) else reward.new_zeros(())
    return torch.where(keeps_label, -reward, ceiling + 2.0 - own)


def _fill_filtered(out, sampler, space, reward, limit, label):
    """AC-GAN+F: rows whose top-two margin (eq. 6) is at most ``limit``.

    Draws rounds of candidates (at most ``chunk_rows`` rows each) until ``out`` is
    full or ``MAX_FILTER_ROUNDS`` rounds per chunk of ``out`` were drawn; then fills up with the lowest-margin
    rejects (kept bounded: at most ``len(out)`` of them), with a warning.
    """
    count, kept = len(out), 0
    rejects = margins = None
    step = chunk_rows(space.n_model)
    for _ in range(MAX_FILTER_ROUNDS * -(-count // step)):
        if kept >= count:
            break
        x = sampler(min(max(4 * (count - kept), 256), step))
        with torch.inference_mode():
            margin = top_two_margin(checked_proba(reward, x)).float()
        passing = margin <= limit
        take = x[passing][:count - kept]
        space.to_caller(take, out[kept:kept + len(take)])
        kept += len(take)
        rejects = x[~passing] if rejects is None else torch.cat([rejects, x[~passing]])
        margins = margin[~passing] if margins is None else torch.cat([margins, margin[~passing]])
        order = torch.argsort(margins)[:count]
        rejects, margins = rejects[order], margins[order]
    if kept < count:
        warnings.warn(f"Only {kept} of {count} samples of class {label.tolist()!r} had a "
                      f"margin <= {limit}; filled up with the lowest-margin rest.", stacklevel=5)
        space.to_caller(rejects[:count - kept], out[kept:])
