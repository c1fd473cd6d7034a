"""Fitting, as the engine's front doors share it: input validation with no side
effects, then every fitted attribute built as local values (``fitted_state``), which
``BaseActiveGAN`` assigns in one step."""

import numbers
import sys
from typing import NamedTuple

import numpy as np
import torch
from imblearn.utils import check_target_type
from sklearn.base import clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _get_feature_names, check_X_y

from ._diagnostics import Diagnostics
from ._networks import build_modules
from ._reward import (build_reward, extract_features, fit_default_reward_model, n_folds_for,
                      prepare_extractor)
from ._spaces import (ImageSpace, TabularSpace, check_image_shape, encode_categorical,
                      resolve_categorical)
from ._training import TrainingSchedule, train

#: ``hidden_layer_sizes="auto"``: tables, and images (conv channels, then the fully
#: connected width; the paper's InfoGAN nets are (64, 128, 1024)).
AUTO_HIDDEN = {"tabular": (256, 256), "image": (32, 64, 256)}
#: ``lambda_reward="auto"`` and ``n_synthetic="auto"`` (the augmenter's budget).
AUTO_LAMBDA = {"tabular": 0.1, "image": 1.0}
AUTO_N_SYNTHETIC = {"tabular": 0.5, "image": 8.0}


def resolve_device(device):
    """``"auto"`` is CUDA when available, else the CPU; a device that this machine
    does not have is a ``ValueError``, raised before any training."""
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"Unknown device {device!r}: use 'auto', 'cpu' or 'cuda[:N]'.") from exc
    if device.type == "cuda" and (not torch.cuda.is_available()
                                  or (device.index or 0) >= torch.cuda.device_count()):
        raise ValueError(f"device={str(device)!r} was asked for, but torch sees "
                         f"{torch.cuda.device_count()} CUDA device(s) here; use 'auto' or 'cpu'.")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device='mps' was asked for, but the MPS backend is not available "
                         "here; use 'auto' or 'cpu'.")
    if device.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"Unsupported device {str(device)!r}: use 'auto', 'cpu', 'cuda[:N]' "
                         "or 'mps'.")
    return device


def check_layer_sizes(sizes, name):
    """A sequence of positive integers, as a tuple."""
    values = tuple(np.ravel(np.asarray(sizes, dtype=object)).tolist())
    for size in values:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(f"The '{name}' parameter must hold positive integers (layer "
                             f"widths); got {sizes!r}.")
    return tuple(int(size) for size in values)


def _numpy_labels(y):
    """pandas nullable integer / boolean labels as their numpy dtype (no float classes)."""
    numpy_dtype = getattr(getattr(y, "dtype", None), "numpy_dtype", None)
    if numpy_dtype is not None and hasattr(y, "isna") and not y.isna().any():
        return y.to_numpy(dtype=numpy_dtype)
    return y


class CheckedData(NamedTuple):
    """Validated training data: X as given and as a float array (categorical columns
    encoded), labels, a Series' ``(name, dtype)``, whether y was one-vs-all
    binarized, the categorical columns with their categories, and the image shape
    ``(C, H, W)`` or None."""

    X_caller: object
    X: np.ndarray
    y: np.ndarray
    y_meta: object
    binarized: bool
    categorical: list
    categories: list
    image_shape: object = None


def check_training_data(estimator, X, y):
    """The validated training data (:class:`CheckedData`); no side effects."""
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target "
                         "y is None.")
    y_meta = (y.name, y.dtype) if hasattr(y, "to_numpy") and y.ndim == 1 else None
    y = _numpy_labels(y)
    check_classification_targets(y)
    y, binarized = check_target_type(y, indicate_one_vs_all=True)
    categorical, categories, X_numeric = [], [], X
    if np.ndim(X) == 2 and not hasattr(X, "tocsr"):
        categorical = resolve_categorical(estimator.categorical_features, X, np.shape(X)[1])
        X_numeric, categories = encode_categorical(X, categorical)
    X_array, y = check_X_y(X_numeric, y, accept_sparse=False,
                           dtype=[np.float64, np.float32], ensure_all_finite=True,
                           ensure_min_samples=2, estimator=estimator)
    if type_of_target(y) not in ("binary", "multiclass"):
        raise ValueError(f"Unknown label type: {type_of_target(y)!r}.")
    image_shape = None
    if estimator.image_shape is not None:
        image_shape = check_image_shape(estimator.image_shape, X_array.shape[1])
        if categorical:
            raise ValueError("image_shape and categorical_features cannot be combined: every "
                             f"column of an image is a pixel (categorical columns: "
                             f"{categorical}).")
    elif estimator.feature_extractor is not None:
        raise ValueError("feature_extractor needs image_shape: it maps images to features.")
    return CheckedData(X, X_array, y, y_meta, binarized, categorical, categories, image_shape)


def _network_sizes(estimator, image):
    """Checked ``hidden_layer_sizes`` ("auto" resolved) and ``policy_hidden_layer_sizes``."""
    hidden = estimator.hidden_layer_sizes
    if isinstance(hidden, str):
        hidden = AUTO_HIDDEN["image" if image else "tabular"]
    hidden = check_layer_sizes(hidden, "hidden_layer_sizes")
    if image and estimator.batch_size < 2:
        raise ValueError("With image_shape, batch_size must be at least 2: the "
                         f"convolutional networks use batch normalization; got "
                         f"{estimator.batch_size}.")
    if image and len(hidden) < 2:
        raise ValueError("With image_shape, hidden_layer_sizes holds the channels of the "
                         "convolutions, then the fully connected width (at least 2 values); "
                         f"got {estimator.hidden_layer_sizes!r}.")
    if (image and estimator.horizontal_flip and estimator.method == "anchored"
            and estimator.latent_dim < 5):
        raise ValueError("horizontal_flip needs latent_dim of at least 5: one noise dimension "
                         f"hidden from the warp decides the mirror; got {estimator.latent_dim}.")
    return hidden, check_layer_sizes(estimator.policy_hidden_layer_sizes,
                                     "policy_hidden_layer_sizes")


def fitted_state(estimator, data):
    """Every fitted attribute, built as locals; nothing on ``self`` changes.

    Runs with gradients on and outside inference mode whatever the caller's
    torch settings (which it leaves as they were); every tensor it makes has
    an explicit dtype, so torch's default dtype plays no part.
    """
    with torch.inference_mode(False), torch.enable_grad():
        return _build_state(estimator, data)


def _build_state(estimator, data):
    X_caller, X, y = data.X_caller, data.X, data.y
    encoder = LabelEncoder().fit(y)
    if len(encoder.classes_) < 2:
        raise ValueError(f"{type(estimator).__name__} needs at least 2 classes in y; got 1 "
                         f"class ({encoder.classes_[0]!r}).")
    device = resolve_device(estimator.device)
    image = data.image_shape is not None
    hidden, policy_hidden = _network_sizes(estimator, image)
    if estimator.reward_estimator is None:
        n_folds_for(y)  # fail early, naming the caller's labels
    y_encoded = encoder.transform(y)
    n_classes = len(encoder.classes_)
    space = (ImageSpace(data.image_shape) if image else TabularSpace()).fit(
        X_caller, X, y_encoded, n_classes, data.categorical, data.categories)
    seeds = check_random_state(estimator.random_state).randint(np.iinfo(np.int32).max, size=3)

    extractor = prepare_extractor(estimator.feature_extractor, device)
    reward_inputs = X if extractor is None else extract_features(extractor, X, space.shape,
                                                                 device)
    # raw pixels keep their scale (no standardization); features and tables are standardized
    reward_model, reward_params = _fit_reward_model(estimator, reward_inputs, y_encoded,
                                                    standardize=not image or extractor is not None)
    settings = {"alpha": estimator.alpha, "epsilon": estimator.epsilon,
                "constant": estimator.reward_constant}
    reward = build_reward(reward_model, space, device, **settings, feature_extractor=extractor)
    diagnostics = Diagnostics(reward, space, device)
    modules = build_modules(
        n_features=space.n_model, n_classes=n_classes, latent_dim=estimator.latent_dim,
        hidden_layer_sizes=hidden, policy_hidden_layer_sizes=policy_hidden,
        dropout=estimator.dropout,
        anchor_radius=(None if estimator.method != "anchored" else estimator.anchor_radius
                       if image else estimator.anchor_radius * space.spacing),
        generator=torch.Generator().manual_seed(int(seeds[0])),
        layout=space.generator_layout(), image_shape=data.image_shape,
        flip=estimator.horizontal_flip,
    ).to(device)
    lambda_reward = (AUTO_LAMBDA["image" if image else "tabular"]
                     if isinstance(estimator.lambda_reward, str) else float(estimator.lambda_reward))
    warm_up_iter = (int(min(estimator.warm_up, estimator.n_iter))
                    if isinstance(estimator.warm_up, numbers.Integral)
                    else int(estimator.warm_up * estimator.n_iter))
    schedule = TrainingSchedule(
        n_iter=estimator.n_iter, warm_up_iter=warm_up_iter,
        lambda_reward=lambda_reward, batch_size=estimator.batch_size,
        learning_rate=float(estimator.learning_rate),
        discriminator_interval=estimator.discriminator_interval, buffer_size=estimator.buffer_size,
        balanced_batches=estimator._balanced_batches)
    history = _train(estimator, modules, space, y_encoded, schedule, reward, diagnostics, device,
                          int(seeds[1]))
    state = {
        "classes_": encoder.classes_, "n_features_in_": X.shape[1],
        "reward_estimator_": reward_model, "reward_params_": reward_params,
        "feature_extractor_": extractor,
        "modules_": modules, "history_": history, "device_": device,
        "warm_up_iter_": warm_up_iter, "lambda_reward_": lambda_reward, "_space": space, "_reward": reward,
        "_reward_settings": settings, "_diagnostics": diagnostics,
        "_margin_filter": estimator.margin_filter,
        "_sample_rng": np.random.default_rng(int(seeds[2])), "_y_meta": data.y_meta,
    }
    names = _get_feature_names(X_caller)
    if names is not None:
        state["feature_names_in_"] = names
    return state

def _fit_reward_model(estimator, X, y_encoded, standardize=True):
    if estimator.reward_estimator is not None:
        return clone(estimator.reward_estimator).fit(X, y_encoded), {}
    if estimator.verbose:
        print(f"{type(estimator).__name__}: fitting the reward model (grid-searched, calibrated "
              "RBF SVM)", file=sys.stderr, flush=True)
    return fit_default_reward_model(X, y_encoded, estimator.reward_param_grid, standardize)

def _train(estimator, modules, space, y_encoded, schedule, reward, diagnostics, device, seed):
    generator = torch.Generator(device=device).manual_seed(seed)
    X = torch.as_tensor(space.real, device=device)
    y = torch.as_tensor(y_encoded, dtype=torch.long, device=device)
    progress = None
    if estimator.verbose:
        from tqdm.auto import tqdm

        progress = tqdm(total=schedule.n_iter, desc=type(estimator).__name__, unit="it")
    try:
        return train(modules, X, y, schedule, generator=generator, reward=reward,
                     diagnostics=diagnostics, progress=progress)
    finally:
        if progress is not None:
            progress.close()
