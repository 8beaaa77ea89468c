"""3D LUTs in the colourists' .cube format, applied with trilinear interpolation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reelforge.errors import MediaError


@dataclass(frozen=True)
class Lut3D:
    """A cube of output colours indexed [blue][green][red] (the .cube order: red varies fastest)."""

    table: np.ndarray  # (N, N, N, 3) float32, output in 0..1
    domain_min: np.ndarray
    domain_max: np.ndarray

    @property
    def size(self) -> int:
        return self.table.shape[0]


def load_cube(path: Path) -> Lut3D:
    """Parse a .cube file (LUT_3D_SIZE, optional DOMAIN_MIN/MAX, then N^3 rows of 'r g b')."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        raise MediaError(f"lut_file: cannot read {path}: {error}") from error
    size = 0
    domain_min, domain_max = np.zeros(3, np.float32), np.ones(3, np.float32)
    rows: list[list[float]] = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("TITLE"):
            continue
        key, *values = line.split()
        if key == "LUT_1D_SIZE":
            raise MediaError(f"lut_file: {path} is a 1D LUT; a 3D LUT (LUT_3D_SIZE) is needed")
        try:
            if key == "LUT_3D_SIZE":
                size = int(values[0])
            elif key == "DOMAIN_MIN":
                domain_min = np.array(values[:3], np.float32)
            elif key == "DOMAIN_MAX":
                domain_max = np.array(values[:3], np.float32)
            elif key[0].isdigit() or key[0] in "-.":
                rows.append([float(key), *map(float, values[:2])])
        except (IndexError, ValueError) as error:
            raise MediaError(f"lut_file: bad line in {path}: {raw!r}") from error
    if size < 2 or len(rows) != size**3:
        raise MediaError(f"lut_file: {path} declares LUT_3D_SIZE {size} but holds {len(rows)} entries")
    table = np.asarray(rows, np.float32).reshape(size, size, size, 3)
    return Lut3D(table, domain_min, domain_max)


def apply_lut(image: np.ndarray, lut: Lut3D) -> np.ndarray:
    """Map every RGB pixel through the cube, interpolating trilinearly between its 8 nearest entries."""
    n = lut.size
    rgb = image.reshape(-1, 3).astype(np.float32) / 255.0
    pos = (rgb - lut.domain_min) / (lut.domain_max - lut.domain_min) * (n - 1)
    pos = np.clip(pos, 0, n - 1)
    low = np.minimum(pos.astype(np.int32), n - 2)
    frac = pos - low
    flat = lut.table.reshape(-1, 3)
    out = np.zeros_like(rgb)
    for dr in (0, 1):
        wr = frac[:, 0] if dr else 1.0 - frac[:, 0]
        for dg in (0, 1):
            wg = frac[:, 1] if dg else 1.0 - frac[:, 1]
            for db in (0, 1):
                wb = frac[:, 2] if db else 1.0 - frac[:, 2]
                index = ((low[:, 2] + db) * n + (low[:, 1] + dg)) * n + (low[:, 0] + dr)
                out += flat[index] * (wr * wg * wb)[:, None]
    return np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8).reshape(image.shape)


def write_cube(path: Path, table: np.ndarray, title: str = "reelforge") -> None:
    """Write an (N, N, N, 3) [b][g][r] table as a .cube file."""
    n = table.shape[0]
    body = "\n".join(f"{r:.6f} {g:.6f} {b:.6f}" for r, g, b in table.reshape(-1, 3))
    Path(path).write_text(f'TITLE "{title}"\nLUT_3D_SIZE {n}\n{body}\n', encoding="utf-8")
