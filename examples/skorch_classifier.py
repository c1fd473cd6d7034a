"""A skorch NeuralNetClassifier as the reward model and as the downstream classifier.

    python examples/skorch_classifier.py [--fast]
"""

import argparse

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from skorch import NeuralNetClassifier

from sk_activegan import ActiveGANAugmenter, AugmentedClassifier


class MLP(torch.nn.Module):
    def __init__(self, n_features=64, n_classes=10, hidden=64):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Linear(n_features, hidden), torch.nn.ReLU(),
                                          torch.nn.Linear(hidden, n_classes))

    def forward(self, x):
        return self.layers(x)  # logits: CrossEntropyLoss, softmax at predict time


def make_net(max_epochs):
    net = NeuralNetClassifier(MLP, criterion=torch.nn.CrossEntropyLoss, max_epochs=max_epochs,
                              lr=0.05, optimizer=torch.optim.Adam, optimizer__lr=1e-3,
                              train_split=None, verbose=0)
    to_float32 = FunctionTransformer(lambda X: np.asarray(X, dtype=np.float32))
    return make_pipeline(StandardScaler(), to_float32, net)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    if args.fast:
        print("SMOKE TEST (--fast): a few training iterations to check that the example runs; "
              "its scores are not results.")
    epochs = 5 if args.fast else 60

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=300, stratify=y, random_state=0)
    y_train = y_train.astype(np.int64)
    baseline = make_net(epochs).fit(X_train, y_train)
    # the skorch net itself (float32 input, standardized by the augmenter's own scale)
    reward_net = NeuralNetClassifier(MLP, criterion=torch.nn.CrossEntropyLoss,
                                     max_epochs=epochs, optimizer=torch.optim.Adam,
                                     optimizer__lr=1e-3, train_split=None, verbose=0)
    augmenter = ActiveGANAugmenter(n_iter=40 if args.fast else 1500,
                                   reward_estimator=reward_net, random_state=0)
    augmented = AugmentedClassifier(augmenter, make_net(epochs)).fit(
        X_train.astype(np.float32), y_train)
    for name, model in [("skorch MLP", baseline), ("ActiveGAN + skorch MLP", augmented)]:
        score = f1_score(y_test, model.predict(X_test.astype(np.float32)), average="macro")
        print(f"{name:<24} macro F1 {100 * score:.2f}")


if __name__ == "__main__":
    main()
