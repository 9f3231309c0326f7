"""The batchnorm experiments show what the notebook's text claims, with its own seeds."""
import numpy as np
import pytest


pytestmark = pytest.mark.slow


def test_raw_features_are_badly_scaled_and_normalisation_fixes_them(notebook):
    raw, normalised = notebook["spread"]["raw"], notebook["spread"]["normalised"]
    assert raw.max() > 100 * raw.min(), "the data's features should have wildly different spreads"
    assert np.abs(notebook["centre"]["raw"]).max() > 5, "most features should sit far from 0"
    assert np.allclose(normalised, 1.0, atol=0.01)
    assert np.allclose(notebook["centre"]["normalised"], 0.0, atol=1e-6)


def test_batch_norm_has_the_lower_training_loss_at_every_epoch(notebook):
    basic, bn = np.array(notebook["histories"]["basic"]["loss"]), np.array(notebook["histories"]["batch norm"]["loss"])
    assert len(basic) == len(bn) == notebook["EPOCHS"] == 5
    assert np.all(bn < basic), (bn, basic)


def test_batch_norm_ends_clearly_ahead(notebook):
    basic, bn = notebook["histories"]["basic"], notebook["histories"]["batch norm"]
    assert bn["loss"][-1] < basic["loss"][-1] - 0.1, (bn["loss"][-1], basic["loss"][-1])
    assert bn["accuracy"][-1] > basic["accuracy"][-1] + 0.05, (bn["accuracy"][-1], basic["accuracy"][-1])
