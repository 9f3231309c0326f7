"""The regularization experiments show what the notebook's text claims, with its own seeds."""
import numpy as np
import pytest


pytestmark = pytest.mark.slow


def _gap(notebook, name):
    train_ce, val_ce = notebook["data_losses"][name]
    return val_ce - train_ce


def _near_zero(notebook, name):
    return float(np.mean(np.abs(notebook["weights"][name]) < 1e-3))


def test_three_models_trained_for_sixty_epochs(notebook):
    assert set(notebook["histories"]) == {"plain", "L1", "L2"}
    assert all(len(h["val_loss"]) == notebook["EPOCHS"] == 60 for h in notebook["histories"].values())


def test_plain_model_memorises(notebook):
    train_ce, val_ce = notebook["data_losses"]["plain"]
    assert train_ce < 0.05 and val_ce > 0.8, (train_ce, val_ce)
    val = np.array(notebook["histories"]["plain"]["val_loss"])
    assert np.argmin(val) < 15 and val[-1] > 1.5 * val.min(), "plain validation loss should climb after a few epochs"


def test_penalties_shrink_the_generalisation_gap(notebook):
    plain = _gap(notebook, "plain")
    for name in ("L1", "L2"):
        assert _gap(notebook, name) < plain - 0.1, f"{name} gap {_gap(notebook, name):.3f} vs plain {plain:.3f}"


def test_penalties_lower_the_validation_cross_entropy(notebook):
    plain = notebook["data_losses"]["plain"][1]
    for name in ("L1", "L2"):
        assert notebook["data_losses"][name][1] < plain - 0.1, (name, notebook["data_losses"][name][1], plain)
    # L1 is the stronger constraint at the same ratio, as the text says
    assert notebook["data_losses"]["L1"][1] < notebook["data_losses"]["L2"][1]


def test_recorded_l1_loss_starts_high_because_of_its_penalty(notebook):
    first = {name: h["val_loss"][0] for name, h in notebook["histories"].items()}
    assert first["L1"] > 2 * first["plain"], first


def test_l1_leaves_far_more_weights_at_zero_than_l2(notebook):
    l1, l2, plain = _near_zero(notebook, "L1"), _near_zero(notebook, "L2"), _near_zero(notebook, "plain")
    assert l1 > 0.5, f"only {l1:.0%} of L1 weights near zero"
    assert l1 > l2 + 0.4, f"L1 {l1:.0%} vs L2 {l2:.0%}"
    assert l2 < 0.1 and plain < 0.1


def test_l2_shrinks_every_weight_instead(notebook):
    spread = {name: float(np.mean(np.abs(w))) for name, w in notebook["weights"].items()}
    assert spread["L2"] < 0.75 * spread["plain"], spread
