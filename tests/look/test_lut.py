import numpy as np
import pytest
from skimage.data import astronaut

from reelforge.errors import MediaError
from reelforge.look.lut import apply_lut, load_cube, write_cube


def _grid(n):
    axis = np.linspace(0, 1, n, dtype=np.float32)
    b, g, r = np.meshgrid(axis, axis, axis, indexing="ij")
    return r, g, b


def test_identity_cube_leaves_the_image(tmp_path):
    r, g, b = _grid(17)
    write_cube(tmp_path / "id.cube", np.stack([r, g, b], axis=-1))
    image = astronaut()
    out = apply_lut(image, load_cube(tmp_path / "id.cube"))
    assert np.abs(out.astype(int) - image).max() <= 1


def test_cube_maps_colours_with_trilinear_interpolation(tmp_path):
    r, g, b = _grid(2)  # a 2-point cube: the output is exactly trilinear in the input
    write_cube(tmp_path / "swap.cube", np.stack([b, r * 0.5, g], axis=-1))
    image = astronaut()
    out = apply_lut(image, load_cube(tmp_path / "swap.cube")).astype(int)
    expected = np.stack([image[..., 2], image[..., 0] * 0.5, image[..., 1]], axis=-1)
    assert np.abs(out - np.round(expected)).max() <= 1


def test_bad_cube_files_are_clear_errors(tmp_path):
    (tmp_path / "short.cube").write_text("LUT_3D_SIZE 4\n0 0 0\n")
    with pytest.raises(MediaError, match="LUT_3D_SIZE 4 but holds 1"):
        load_cube(tmp_path / "short.cube")
    (tmp_path / "one.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    with pytest.raises(MediaError, match="1D LUT"):
        load_cube(tmp_path / "one.cube")
