"""The private names of other libraries the package relies on, fenced in
``sk_activegan/_compat.py``: each test fails naming the symbol when a release moves
it or changes what the package relies on; and no other module imports one."""

import ast
import importlib
import numbers
import pathlib

import numpy as np
import pytest
import torch

import sk_activegan
from sk_activegan import _compat

PACKAGE = pathlib.Path(sk_activegan.__file__).parent


def _private(dotted):
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def _private_uses(path):
    """``(line, what)`` for every private name of another library a module imports or
    reads as an attribute of an imported module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, alias.name))
                modules.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            if _private(node.module):
                found.append((node.lineno, node.module))
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
                modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in modules:
                found.append((node.lineno, f"{ast.unparse(node)}"))
    return found


def test_only_compat_imports_private_names_of_other_libraries():
    offending = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_compat.py":
            continue
        uses = _private_uses(path)
        if uses:
            offending[str(path.relative_to(PACKAGE))] = uses
    assert not offending, ("private names of other libraries outside sk_activegan/_compat.py "
                           f"(fence them there): {offending}")


def test_the_checker_finds_private_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from sklearn.base import _fit_context\nimport torch\n"
                      "from sklearn.utils import _param_validation\n"
                      "x = torch.nn.init._calculate_fan_in_and_fan_out\n"
                      "from ._base import _private_ok\nself_ok = object()._x\n")
    found = [what for _, what in _private_uses(module)]
    assert found == ["sklearn.base._fit_context", "sklearn.utils._param_validation",
                     "torch.nn.init._calculate_fan_in_and_fan_out"]


@pytest.mark.parametrize("module, name", [
    ("sklearn.base", "_fit_context"),
    ("sklearn.utils._param_validation", "validate_parameter_constraints"),
    ("sklearn.utils._param_validation", "Interval"),
    ("sklearn.utils._param_validation", "StrOptions"),
    ("sklearn.utils._param_validation", "HasMethods"),
    ("sklearn.utils._param_validation", "InvalidParameterError"),
    ("sklearn.utils.validation", "_get_feature_names"),
    ("sklearn.utils._indexing", "_safe_indexing"),
    ("skorch.net", "NeuralNet._get_predict_nonlinearity"),
    ("imblearn.utils._validation", "ArraysTransformer"),
    ("imblearn.over_sampling.base", "BaseOverSampler._parameter_constraints"),
])
def test_fenced_private_name_still_exists(module, name):
    try:
        found = importlib.import_module(module)
        for part in name.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"The private name {module}.{name} moved ({exc}): key its import in "
                    "sk_activegan/_compat.py to the version where it moved.")
    assert found is not None


def test_over_sampling_strategy_constraints_are_imblearns():
    from imblearn.over_sampling.base import BaseOverSampler

    theirs = BaseOverSampler._parameter_constraints["sampling_strategy"]
    assert [type(c).__name__ for c in theirs] == ["Interval", "StrOptions", "ABCMeta",
                                                  "builtin_function_or_method"], (
        "imblearn's BaseOverSampler._parameter_constraints['sampling_strategy'] changed")
    for value, ok in [(0.5, True), (1.5, False), ("auto", True), ("bad", False),
                      ({0: 3}, True), (len, True), ([1], False)]:
        rule = _compat.OVER_SAMPLING_STRATEGY_CONSTRAINTS
        if ok:
            _compat.check_params({"s": rule}, {"s": value}, "f")
        else:
            with pytest.raises(ValueError):
                _compat.check_params({"s": rule}, {"s": value}, "f")


def test_param_validation_names_the_parameter():
    constraints = {"a": [_compat.Interval(numbers.Integral, 1, None, closed="left"),
                         _compat.StrOptions({"auto"})],
                   "b": ["boolean"], "c": [_compat.HasMethods(["fit"]), None]}
    for params, ok in [({"a": 3, "b": True, "c": None}, True), ({"a": 0}, False),
                       ({"a": "no"}, False), ({"b": 1}, False),
                       ({"c": object()}, False), ({"a": "auto"}, True)]:
        if ok:
            _compat.check_params(constraints, params, "f")
        else:
            with pytest.raises(_compat.InvalidParameterError, match=repr(next(iter(params)))):
                _compat.check_params(constraints, params, "f")


def test_check_params_refuses_bools_where_no_boolean_is_allowed():
    rule = {"a": [_compat.Interval(numbers.Integral, 1, None, closed="left")], "b": ["boolean"]}
    _compat.check_params(rule, {"a": 1, "b": True}, "f")
    with pytest.raises(ValueError, match="'a' parameter of f .*the bool True"):
        _compat.check_params(rule, {"a": True}, "f")


def test_fit_context_validates_before_fit():
    from sklearn.base import BaseEstimator

    class Est(BaseEstimator):
        _parameter_constraints = {
            "k": [_compat.Interval(numbers.Integral, 1, None, closed="left")]}

        def __init__(self, k=1):
            self.k = k

        @_compat.fit_context(prefer_skip_nested_validation=True)
        def fit(self):
            return self

    with pytest.raises(ValueError, match="'k'"):
        Est(k=0).fit()
    assert Est(k=2).fit().k == 2


def test_feature_names_are_string_column_names():
    pd = pytest.importorskip("pandas")
    assert _compat.get_feature_names(pd.DataFrame({"a": [1], "b": [2]})).tolist() == ["a", "b"]
    for X in [pd.DataFrame([[1, 2]]), np.ones((2, 2)), [[1, 2]]]:
        assert _compat.get_feature_names(X) is None, "sklearn's _get_feature_names changed"
    with pytest.raises(TypeError):
        _compat.get_feature_names(pd.DataFrame([[1, 2]], columns=["a", 0]))


def test_safe_indexing_keeps_the_container():
    pd = pytest.importorskip("pandas")
    rows = np.array([2, 0])
    for X in [np.arange(6).reshape(3, 2), pd.DataFrame({"a": [1, 2, 3]}), [[1], [2], [3]]]:
        picked = _compat.safe_indexing(X, rows)
        assert type(picked) is type(X), "sklearn's _safe_indexing changed"
        assert np.array_equal(np.asarray(picked), np.asarray(X)[rows])


def test_arrays_transformer_gives_back_the_callers_containers():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"a": np.array([1, 2], dtype=np.int32), "b": [0.5, 1.5]})
    y = pd.Series([0, 1], name="t", dtype=np.int16)
    X_res, y_res = np.array([[1, 0.5], [2, 1.5], [3, 2.5]]), np.array([0, 1, 1])
    X_out, y_out = _compat.ArraysTransformer(X, y).transform(X_res.copy(), y_res.copy())
    assert list(X_out.dtypes) == [np.int32, np.float64], "imblearn's ArraysTransformer changed"
    assert y_out.name == "t" and y_out.dtype == np.int16
    X_out, y_out = _compat.ArraysTransformer(X.to_numpy().tolist(), [0, 1]).transform(
        X_res.copy(), y_res.copy())
    assert isinstance(X_out, list) and isinstance(y_out, list)


def test_sigmoid_calibrators_keep_platt_parameters():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import SVC

    X = np.r_[np.zeros((6, 2)), np.ones((6, 2))] + np.arange(12)[:, None] * 0.01
    y = np.repeat([0, 1], 6)
    fitted = CalibratedClassifierCV(SVC(), method="sigmoid", ensemble=False, cv=2).fit(X, y)
    (classifier,) = fitted.calibrated_classifiers_
    for calibrator in classifier.calibrators:
        assert np.ndim(calibrator.a_) == 0 and np.ndim(calibrator.b_) == 0, (
            "scikit-learn's sigmoid calibrators no longer hold Platt's a_ and b_ "
            "(the torch port reads them)")


def test_skorch_nonlinearity_is_softmax_for_cross_entropy():
    skorch = pytest.importorskip("skorch")
    X = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)
    y = np.repeat([0, 1], 10)
    for criterion, nonlin, softmax in [(torch.nn.CrossEntropyLoss, "auto", True),
                                       (torch.nn.CrossEntropyLoss, None, False)]:
        net = skorch.NeuralNetClassifier(torch.nn.Linear(3, 2), criterion=criterion,
                                         predict_nonlinearity=nonlin, max_epochs=1,
                                         train_split=None, verbose=0).fit(X, y)
        out = net.module_(torch.as_tensor(X))
        expected = torch.softmax(out, dim=-1) if softmax else out
        assert torch.allclose(_compat.predict_nonlinearity(net)(out), expected), (
            "skorch's _get_predict_nonlinearity changed")


def test_fan_in_matches_torch():
    from sk_activegan._networks import fan_in_of

    private = getattr(torch.nn.init, "_calculate_fan_in_and_fan_out", None)
    for layer in [torch.nn.Linear(5, 3), torch.nn.Conv2d(4, 6, 3),
                  torch.nn.ConvTranspose2d(4, 6, (3, 2))]:
        expected = layer.weight.shape[1] * int(np.prod(layer.weight.shape[2:]))
        assert fan_in_of(layer.weight) == expected
        if private is not None:
            assert fan_in_of(layer.weight) == private(layer.weight)[0]
