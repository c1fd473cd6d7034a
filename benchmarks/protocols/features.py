"""Table 1 on pretrained features (``python -m benchmarks.table1``): one cell's labeled
images, their cached extractor features, the baseline SVM on them and the augmenter a
GAN row fits."""

import sys
import time
import warnings

import numpy as np
import torch

from sk_activegan import ActiveGANAugmenter, EfficientNetLite0Features, synthetic_diagnostics

from .. import harness

TAG = "lite0-224"  # the extractor's features: EfficientNet-Lite0, 224 px
VIEW_SIZE = 64  # the cheaper 64-px reward the agreement column compares with 224 px


class CachedFeatures(torch.nn.Module):
    """The extractor, answering from the feature cache for images it has seen.

    Every fit's reward model reads the labeled images' features; this module gives
    the cached ones (computed once, :class:`harness.FeatureCache`) for images whose
    pixels match one of them exactly, and runs the extractor on any other image
    (generated ones)."""

    def __init__(self, extractor, images, features):
        super().__init__()
        self.extractor = extractor
        self.known = {}
        self.remember(images, features)

    @staticmethod
    def _key(image):
        return np.ascontiguousarray(image, dtype=np.float32).tobytes()

    def forward(self, images):
        flat = images.detach().float().cpu().reshape(len(images), -1).numpy()
        found = [self.known.get(self._key(image)) for image in flat]
        if all(f is not None for f in found):
            return torch.as_tensor(np.stack(found))
        missing = [i for i, f in enumerate(found) if f is None]
        computed = self.extractor(images[missing]).float().cpu().numpy()
        for i, feature in zip(missing, computed):
            found[i] = feature
        return torch.as_tensor(np.stack(found))

    def remember(self, images, features):
        """Answer ``features`` for ``images`` (flat rows) from now on."""
        self.known.update((self._key(image), feature) for image, feature in
                          zip(np.asarray(images, np.float32), features))


class Cell:
    """One (data set, n, seed): its labeled images, their cached features, the
    test features and the baseline's grid-searched (C, gamma)."""

    def __init__(self, dataset, n, seed, feature_cache=harness.FEATURE_CACHE, backend="auto"):
        self.dataset, self.n, self.seed = dataset, n, seed
        self.data = harness.load(dataset)
        self.shape = harness.IMAGE_SHAPES[dataset]
        self.extractor = EfficientNetLite0Features(pixel_range=(0, 255), backend=backend)
        self.features = harness.FeatureCache(dataset, TAG, self.extractor, self.shape,
                                             root=feature_cache)
        self.rows = self.data.draw(n, seed)
        self.X, self.y = self.data.X[self.rows], self.data.y[self.rows]
        self.F = self.features.features("train", self.rows, self.data.X, _progress)
        self.F_test = self.features.features("test", np.arange(len(self.data.y_test)),
                                             self.data.X_test, _progress)
        self.C, self.gamma = harness.tune_svm(self.F, self.y, scoring="f1_macro")

    def view_reward(self):
        """``(reward model, extractor, real features)`` of the cheaper 64-px view: the
        grid-searched reward model an augmenter fits on the labeled images' features
        at that size, the augmenter's fitted extractor and those features (all
        computed once per cell)."""
        if getattr(self, "_view", None) is None:
            aug = ActiveGANAugmenter(
                image_shape=self.shape, generator="random-warp", random_state=self.seed,
                feature_extractor=EfficientNetLite0Features(pixel_range=(0, 255),
                                                            input_size=VIEW_SIZE),
                device="cpu").fit(self.X, self.y)
            extractor = aug.feature_extractor_
            self._view = (aug.reward_estimator_, extractor,
                          self.view_features(extractor).compute(self.X))
        return self._view

    def view_features(self, extractor):
        """A feature computer (no file) for the 64-px view's ``extractor``."""
        return harness.FeatureCache(self.dataset, f"lite0-{VIEW_SIZE}", extractor, self.shape)

    def reward_agreement(self, aug, X_syn, y_syn, F_syn):
        """How a 64-px reward (eq. 9 on the 64-px reward model) agrees with the
        full one (the 224-px reward model) on ``X_syn``: Spearman's rank
        correlation of the two rewards, the share of rows whose predicted class
        agrees, and both mean rewards."""
        from scipy.stats import spearmanr

        model, extractor, view_real = self.view_reward()
        view_syn = self.view_features(extractor).compute(X_syn)
        settings = {"epsilon": aug.epsilon, "alpha": aug.alpha}
        full = synthetic_diagnostics(self.F, self.y, F_syn, y_syn, aug.reward_estimator_,
                                     **settings)[0]
        cheap = synthetic_diagnostics(view_real, self.y, view_syn, y_syn, model, **settings)[0]
        agree = np.mean(aug.reward_estimator_.predict(F_syn) == model.predict(view_syn))
        with warnings.catch_warnings():  # a constant reward has no rank correlation
            warnings.simplefilter("ignore")
            spearman = {name: float(spearmanr(full[name], cheap[name]).statistic)
                        for name in ("reward", "margin")}
        full, cheap = full["reward"], cheap["reward"]
        return {"spearman": spearman["reward"], "margin_spearman": spearman["margin"],
                "class_agreement": float(agree), "mean_reward_224": float(full.mean()),
                "mean_reward_view": float(cheap.mean())}

    def per_class(self, budget, n=None):
        return int(round(budget * (self.n if n is None else n) / len(np.unique(self.y))))

    def fit_score(self, F_train, y_train, F_eval, y_eval):
        model = harness.svm(self.C, self.gamma).fit(F_train, y_train)
        return harness.macro_f1(model, F_eval, y_eval), harness.per_class_f1(model, F_eval,
                                                                                y_eval)

    def synthetic_features(self, X_syn):
        """``(features, seconds)`` of synthetic images (none for an empty set)."""
        start = time.perf_counter()
        F_syn = self.features.compute(X_syn) if len(X_syn) else self.F[:0]
        return F_syn, time.perf_counter() - start

    def score(self, F_syn, y_syn):
        """``(F1, per-class F1)`` of the SVM on real + synthetic features, on the test
        set."""
        return self.fit_score(np.vstack([self.F, F_syn]), np.concatenate([self.y, y_syn]),
                              self.F_test, self.data.y_test)

    def augmenter(self, settings, args):
        extractor = CachedFeatures(self.extractor, self.X, self.F)
        params = {"image_shape": self.shape, "feature_extractor": extractor,
                  "random_state": self.seed, "device": "cpu",
                  "reward_batch_size": args.reward_batch_size, **settings}
        if args.n_iter is not None and settings.get("generator") != "random-warp":
            params["n_iter"] = args.n_iter
        return ActiveGANAugmenter(**params)


def _progress(split, done, total):
    print(f"  features ({split}): {done}/{total}", file=sys.stderr, flush=True)
