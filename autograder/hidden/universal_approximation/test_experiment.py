"""The universal_approximation experiment shows what its text claims."""
import pytest


pytestmark = pytest.mark.slow


def test_error_shrinks_as_neurons_are_added(notebook):
    errors = notebook["errors"]
    assert list(errors) == [5, 20, 100]
    assert errors[5] > errors[20] > errors[100], errors
    assert errors[100] < 0.1, f"100 sample points leave an error of {errors[100]:.3f}"


def test_error_falls_roughly_like_one_over_n(notebook):
    errors = notebook["errors"]
    # five times the sample points should cut the error at least threefold
    assert errors[100] < errors[20] / 3, errors


def test_network_has_at_most_two_neurons_per_bump(notebook):
    W1, b1, W2, _ = notebook["uat_weights"](notebook["np"].sin, 0.0, 6.283, 100)
    neurons = len(W1)
    assert len(b1) == len(W2) == neurons and neurons <= 2 * 100, neurons
