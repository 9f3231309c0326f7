"""The weight_init experiment shows what its text claims, with the notebook's own seeds."""
import numpy as np
import pytest


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(notebook):
    return notebook["runs"]


def test_every_setup_has_five_layers_of_the_seed_exercise(runs):
    assert set(runs) == {"std 1, sigmoid", "std 0.01, sigmoid", "Xavier, sigmoid", "Xavier, ReLU", "He, ReLU"}
    for layers in runs.values():
        assert [np.shape(a) for a in layers] == [(1000, 100)] * 5


def test_std_one_saturates_the_sigmoid(runs):
    for a in runs["std 1, sigmoid"][1:]:
        saturated = np.mean((a < 0.05) | (a > 0.95))
        assert saturated > 0.55, f"only {saturated:.0%} of a later layer's activations are near 0 or 1"


def test_std_hundredth_collapses_to_one_half(runs):
    for a in runs["std 0.01, sigmoid"]:
        assert abs(np.mean(a) - 0.5) < 0.02
        assert np.std(a) < 0.04
        assert np.max(np.abs(a - 0.5)) < 0.15
    for a in runs["std 0.01, sigmoid"][1:]:
        assert np.std(a) < 0.02


def test_xavier_keeps_the_sigmoid_between_saturation_and_collapse(runs):
    for a in runs["Xavier, sigmoid"]:
        assert 0.07 < np.std(a) < 0.3
        assert np.mean((a < 0.05) | (a > 0.95)) < 0.05


def test_xavier_shrinks_relu_layers_where_he_keeps_them(runs):
    xavier = [np.std(a) for a in runs["Xavier, ReLU"]]
    he = [np.std(a) for a in runs["He, ReLU"]]
    assert xavier[4] < 0.4 * xavier[0], f"Xavier + ReLU: layer 5 std {xavier[4]:.3f} vs layer 1 {xavier[0]:.3f}"
    assert all(later < earlier for earlier, later in zip(xavier, xavier[1:]))
    assert he[4] > 3 * xavier[4], f"He layer 5 std {he[4]:.3f} vs Xavier {xavier[4]:.3f}"
    assert he[4] > 0.7 * he[0], "He + ReLU should keep the spread of its first layer"
