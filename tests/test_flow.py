import numpy as np

from reelforge.flow import FARNEBACK, FlowSmoother


def test_farneback_uses_the_spec_parameters():
    assert FARNEBACK == {"pyr_scale": 0.5, "levels": 3, "winsize": 15, "iterations": 3, "poly_n": 5,
                         "poly_sigma": 1.2, "flags": 0}


def _scene(shift, rng):
    y, x = np.mgrid[0:240, 0:320]
    base = (128 + 60 * np.sin((x - shift) / 9.0) * np.cos(y / 13.0)).astype(np.float32)
    flicker = rng.normal(0, 8, base.shape).astype(np.float32)
    return np.repeat(np.clip(base + flicker, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2), base


def test_smoothing_removes_flicker_but_follows_motion():
    rng = np.random.default_rng(0)
    smoother = FlowSmoother(strength=0.6, analysis_width=160)
    raw_error, smooth_error = [], []
    for i in range(12):
        frame, clean = _scene(shift=i * 2.0, rng=rng)
        out = smoother.smooth(frame)
        if i >= 3:
            raw_error.append(np.abs(frame[20:-20, 20:-20, 0] - clean[20:-20, 20:-20]).mean())
            smooth_error.append(np.abs(out[20:-20, 20:-20, 0] - clean[20:-20, 20:-20]).mean())
    # Closer to the noise-free moving picture than the input: flicker averaged, motion not smeared.
    assert np.mean(smooth_error) < 0.8 * np.mean(raw_error)


def test_a_cut_is_not_blended():
    rng = np.random.default_rng(1)
    smoother = FlowSmoother()
    smoother.smooth(_scene(0, rng)[0])
    other = np.zeros((240, 320, 3), np.uint8)
    assert np.abs(smoother.smooth(other).astype(int)).mean() < 3
