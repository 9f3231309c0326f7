"""The regularization experiments show what the notebook's text claims, with its own seeds."""
import numpy as np
import pytest

from tests.notebook_code import notebook_namespace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ns():
    return notebook_namespace("regularization")


def _gap(ns, name):
    train_ce, val_ce = ns["data_losses"][name]
    return val_ce - train_ce


def _near_zero(ns, name):
    return float(np.mean(np.abs(ns["weights"][name]) < 1e-3))


def test_three_models_trained_for_sixty_epochs(ns):
    assert set(ns["histories"]) == {"plain", "L1", "L2"}
    assert all(len(h["val_loss"]) == ns["EPOCHS"] == 60 for h in ns["histories"].values())


def test_plain_model_memorises(ns):
    train_ce, val_ce = ns["data_losses"]["plain"]
    assert train_ce < 0.05 and val_ce > 0.8, (train_ce, val_ce)
    val = np.array(ns["histories"]["plain"]["val_loss"])
    assert np.argmin(val) < 15 and val[-1] > 1.5 * val.min(), "plain validation loss should climb after a few epochs"


def test_penalties_shrink_the_generalisation_gap(ns):
    plain = _gap(ns, "plain")
    for name in ("L1", "L2"):
        assert _gap(ns, name) < plain - 0.1, f"{name} gap {_gap(ns, name):.3f} vs plain {plain:.3f}"


def test_penalties_lower_the_validation_cross_entropy(ns):
    plain = ns["data_losses"]["plain"][1]
    for name in ("L1", "L2"):
        assert ns["data_losses"][name][1] < plain - 0.1, (name, ns["data_losses"][name][1], plain)
    # L1 is the stronger constraint at the same ratio, as the text says
    assert ns["data_losses"]["L1"][1] < ns["data_losses"]["L2"][1]


def test_recorded_l1_loss_starts_high_because_of_its_penalty(ns):
    first = {name: h["val_loss"][0] for name, h in ns["histories"].items()}
    assert first["L1"] > 2 * first["plain"], first


def test_l1_leaves_far_more_weights_at_zero_than_l2(ns):
    l1, l2, plain = _near_zero(ns, "L1"), _near_zero(ns, "L2"), _near_zero(ns, "plain")
    assert l1 > 0.5, f"only {l1:.0%} of L1 weights near zero"
    assert l1 > l2 + 0.4, f"L1 {l1:.0%} vs L2 {l2:.0%}"
    assert l2 < 0.1 and plain < 0.1


def test_l2_shrinks_every_weight_instead(ns):
    spread = {name: float(np.mean(np.abs(w))) for name, w in ns["weights"].items()}
    assert spread["L2"] < 0.75 * spread["plain"], spread
