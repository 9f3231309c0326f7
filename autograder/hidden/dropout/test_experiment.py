"""The dropout experiments show what the notebook's text claims, with its own seeds."""
import numpy as np
import pytest


pytestmark = pytest.mark.slow


def test_numpy_dropout_zeroes_the_rate_and_keeps_the_mean(notebook):
    mean = notebook["activations"].mean()
    assert set(notebook["dropout_demo"]) == {0.1, 0.3, 0.5}
    for rate, (zeroed, dropped_mean) in notebook["dropout_demo"].items():
        # 100,000 draws: the share of zeros is within 0.01 of the rate, the mean within 1%
        assert abs(zeroed - rate) < 0.01, (rate, zeroed)
        assert abs(dropped_mean - mean) < 0.01 * mean, (rate, dropped_mean, mean)


def test_plain_network_memorises_and_its_validation_loss_climbs(notebook):
    plain = notebook["histories"]["plain"]
    assert len(plain["loss"]) == notebook["EPOCHS"] == 40
    assert plain["loss"][-1] < 0.1, "the plain network should drive its training loss towards 0"
    best = int(np.argmin(plain["val_loss"])) + 1
    assert best <= 10, f"the plain network's validation loss should bottom out in the first epochs, not at {best}"
    assert plain["val_loss"][-1] > 1.4 * min(plain["val_loss"])


def test_dropout_ends_with_a_lower_validation_loss(notebook):
    plain, dropout = notebook["histories"]["plain"], notebook["histories"]["dropout"]
    assert dropout["val_loss"][-1] < plain["val_loss"][-1] - 0.1, (dropout["val_loss"][-1], plain["val_loss"][-1])


def test_dropout_narrows_the_gap_between_training_and_validation(notebook):
    plain, dropout = notebook["histories"]["plain"], notebook["histories"]["dropout"]
    assert dropout["loss"][-1] > 2 * plain["loss"][-1], "dropout should keep the training loss well above plain's"
    plain_gap = plain["val_loss"][-1] - plain["loss"][-1]
    dropout_gap = dropout["val_loss"][-1] - dropout["loss"][-1]
    assert dropout_gap < 0.75 * plain_gap, (dropout_gap, plain_gap)


def test_dropout_rises_more_slowly_after_its_best_epoch(notebook):
    plain, dropout = np.array(notebook["histories"]["plain"]["val_loss"]), np.array(notebook["histories"]["dropout"]["val_loss"])
    assert dropout[-1] - dropout.min() < 0.6 * (plain[-1] - plain.min())
