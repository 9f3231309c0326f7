"""The overfitting experiments show what the notebook's text claims, with its own seeds."""
import numpy as np
import pytest


pytestmark = pytest.mark.slow


def test_training_error_never_rises_with_the_degree(notebook):
    train = np.array([t for t, _ in notebook["errors"]])
    assert len(train) == len(notebook["degrees"]) == 15
    # nested least-squares fits: a higher degree can only match or beat a lower one
    assert np.all(np.diff(train) <= 1e-9 * train[:-1]), train


def test_validation_error_is_u_shaped(notebook):
    val = np.array([v for _, v in notebook["errors"]])
    best = int(np.argmin(val))
    assert 0 < best < len(val) - 1, f"the best degree should be interior, it is {notebook['degrees'][best]}"
    assert val[0] > 1.5 * val[best], "degree 1 should underfit clearly"
    assert val[-1] > 10 * val[best], "degree 15 should overfit clearly"
    assert notebook["best_degree"] == notebook["degrees"][best]


def test_oversized_network_is_at_its_best_early(notebook):
    val = np.array(notebook["histories"]["overfit"]["val_loss"])
    assert len(val) == notebook["EPOCHS"] == 60
    best = int(np.argmin(val)) + 1
    assert best <= notebook["EPOCHS"] // 4, f"best epoch {best} should come well before the last"
    assert val[-1] > 1.5 * val.min(), "validation loss should climb well above its best after the best epoch"


def test_oversized_network_ends_worse_than_the_basic_one(notebook):
    basic, big = notebook["histories"]["basic"], notebook["histories"]["overfit"]
    assert big["val_loss"][-1] > 1.5 * basic["val_loss"][-1]
    # the oversized network memorises: its training loss ends far below the basic network's
    assert big["loss"][-1] < 0.25 * basic["loss"][-1]


def test_basic_network_improves_for_longer(notebook):
    basic = np.array(notebook["histories"]["basic"]["val_loss"])
    big = np.array(notebook["histories"]["overfit"]["val_loss"])
    assert np.argmin(basic) > 2 * np.argmin(big) + 10
