"""A user's portrait photo as a talking character: its MediaPipe landmarks moved by the controls, the photo warped.

Once per render: the photo is styled, framed (face in the upper middle), its landmarks found, and a Delaunay
mesh of the landmarks plus a ring of fixed anchors is rasterised into per-pixel barycentric weights over the
face box (at half resolution). Per frame: the controls move the landmarks (jaw and lower lip down, corners
out or in, lids down, brows up, irises across), the mesh turns those moves into a dense displacement field,
one cv2.remap warps the face box (the photo's own mouth riding with the upper lip), the opened gap is painted in
the lips' own colour darkened, feathered into the lips (upper teeth too where the photo's lips are closed),
and one cv2.warpAffine moves head and upper body together (turn, nod, tilt, breathing).
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
from scipy.spatial import Delaunay

from reelforge.camera import REST_SIZE, View
from reelforge.character.eyelid import PhotoEyelid
from reelforge.character.landmarks import FIELD, face_landmarks
from reelforge.character.paint import ColorMap
from reelforge.character.rig import LANDMARKS, REGIONS, FaceControls
from reelforge.errors import RequestError
from reelforge.look.mood import grade_mood
from reelforge.look.styles import Style
from reelforge.request import Emotion

FACE_HEIGHT = 0.3  # forehead-to-chin as a fraction of the frame height
FACE_Y = 0.4  # where the face centre sits, as a fraction of the frame height
OVERSCAN = 1.06  # slight zoom so head motion never shows past the photo's edge
GRID = 4  # the displacement field is computed every GRID pixels and upsampled
MOUTH_FEATHER = 0.012  # the painted mouth's soft edge (Gaussian sigma), as a fraction of the eye distance
TOOTH = 0.3  # radians of the dental arch a painted upper tooth spans
LOWER_TOOTH = 0.24  # ... and a lower one (lower incisors are narrower)


def load_portrait(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise RequestError(FIELD, f"cannot read {path} as an image (JPEG, PNG, WebP...)")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def frame_photo(image: np.ndarray, points: np.ndarray, frame_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Scale and place a photo so it covers the frame with the face big and in the upper middle."""
    width, height = frame_size
    face_height = float(np.linalg.norm(points[LANDMARKS["forehead"]] - points[LANDMARKS["chin"]]))
    scale = max(FACE_HEIGHT * height / max(face_height, 1.0), width / image.shape[1], height / image.shape[0])
    centre = (points[LANDMARKS["forehead"]] + points[LANDMARKS["chin"]]) / 2 * scale
    left = min(max(centre[0] - width / 2, 0.0), image.shape[1] * scale - width)
    top = min(max(centre[1] - FACE_Y * height, 0.0), image.shape[0] * scale - height)
    matrix = np.array([[scale, 0, -left], [0, scale, -top]], np.float32)
    framed = cv2.warpAffine(image, matrix, frame_size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT101)
    return framed, points * scale - np.array([left, top], np.float32)


class FaceMesh:
    """Barycentric weights of a triangulated landmark mesh over a box, to turn point moves into a dense field."""

    def __init__(self, points: np.ndarray, box: tuple[int, int, int, int]):
        x0, y0, x1, y1 = box
        ring = [(x, y) for x in np.linspace(x0, x1, 9) for y in (y0, y1)] + \
               [(x, y) for y in np.linspace(y0, y1, 9)[1:-1] for x in (x0, x1)]
        self.anchors = len(ring)
        mesh = Delaunay(np.vstack([points, np.asarray(ring, np.float32)]))
        xs, ys = np.meshgrid(np.arange(x0, x1, GRID, dtype=np.float32), np.arange(y0, y1, GRID, dtype=np.float32))
        grid = np.column_stack([xs.ravel(), ys.ravel()])
        simplex = mesh.find_simplex(grid)
        inside = simplex >= 0
        transform = mesh.transform[simplex[inside]]
        partial = np.einsum("nij,nj->ni", transform[:, :2], grid[inside] - transform[:, 2])
        self.weights = np.column_stack([partial, 1.0 - partial.sum(1)]).astype(np.float32)
        self.vertices = mesh.simplices[simplex[inside]]
        self.inside = inside
        self.shape = xs.shape
        self.box = box
        self.pixels = np.meshgrid(np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32))

    def field(self, moves: np.ndarray) -> np.ndarray:
        """Dense (h, w, 2) displacement at full resolution over the box, from per-landmark moves."""
        moves = np.vstack([moves, np.zeros((self.anchors, 2), np.float32)])
        dense = np.zeros((self.inside.size, 2), np.float32)
        dense[self.inside] = np.einsum("nk,nkc->nc", self.weights, moves[self.vertices])
        x0, y0, x1, y1 = self.box
        return cv2.resize(dense.reshape(*self.shape, 2), (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)


class PortraitCharacter:
    """A photo that speaks: ``draw(frame, controls)`` fills a frame with the animated portrait."""

    def __init__(self, path: Path, frame_size: tuple[int, int], style: Style, emotion: Emotion,
                 color_map: ColorMap):
        photo = load_portrait(path)
        points = face_landmarks(photo)
        framed, self.points = frame_photo(photo, points, frame_size)
        self.source = style.paint(grade_mood(framed, emotion), None)
        self.frame_size = frame_size
        p = self.points
        self.eyes = float(np.linalg.norm(p[LANDMARKS["left_iris"]] - p[LANDMARKS["right_iris"]]))
        up = p[LANDMARKS["forehead"]] - p[LANDMARKS["chin"]]
        self.up = up / max(np.linalg.norm(up), 1e-6)
        self.right = np.array([-self.up[1], self.up[0]], np.float32)
        if self.right[0] < 0:
            self.right = -self.right
        self._measure_face()
        self.neck = p[LANDMARKS["chin"]] - self.up * 0.5 * self.eyes
        self.teeth = np.float32(color_map([(232, 226, 214)])[0])
        self.flesh = self._flesh_colour()
        lo, hi = p.min(0), p.max(0)
        margin = (hi - lo) * np.array([0.15, 0.2])
        width, height = frame_size
        box = (int(max(lo[0] - margin[0], 0)), int(max(lo[1] - margin[1], 0)),
               int(min(hi[0] + margin[0], width)), int(min(hi[1] + margin[1] * 1.4, height)))
        self.mesh = FaceMesh(p, box)
        self.lids = {side: self._eyelid(side) for side in ("left", "right")}

    def _measure_face(self) -> None:
        """What the moves need of the rest face, measured once: how much of the lower face the jaw carries,
        where each lip point sits across the mouth, how open each eye is."""
        p, down = self.points, -self.up
        mouth = (p[LANDMARKS["mouth_left"]] + p[LANDMARKS["mouth_right"]]) / 2
        across, below = (p - mouth) @ self.right, (p - mouth) @ down
        jaw_half = float(np.linalg.norm(p[LANDMARKS["jaw_left"]] - p[LANDMARKS["jaw_right"]])) / 2
        self.mouth_half = float(np.linalg.norm(p[LANDMARKS["mouth_left"]] - p[LANDMARKS["mouth_right"]])) / 2
        chin_below = float((p[LANDMARKS["chin"]] - mouth) @ down)
        lateral = np.clip(1.0 - (across / (jaw_half * 1.1)) ** 2, 0.0, 1.0)
        self.lower_face = np.clip(below / (0.25 * chin_below), 0.0, 1.0) * lateral
        self.lips = sorted(set(sum((REGIONS[k] for k in REGIONS if "lip" in k), [])))
        self.lip_side = np.clip(across[self.lips] / max(self.mouth_half, 1e-6), -1.2, 1.2)
        self.lip_opening = np.zeros(len(p), np.float32)  # how far each lip point parts: all in the middle, an
        # oval tapering to the corners (never less than the skin below it moves)
        self.lip_opening[self.lips] = np.maximum(1.0 - np.abs(self.lip_side) ** 3, self.lower_face[self.lips])
        rest_gap = float(np.max((p[REGIONS["lower_lip_inner"]] - p[REGIONS["upper_lip_inner"]]) @ down))
        self.paint_teeth = rest_gap < 0.05 * self.eyes  # lips closed in the photo: no teeth of its own to show
        self.lid_gap = {side: (p[REGIONS[f"{side}_lid_lower"]] - p[REGIONS[f"{side}_lid_upper"]]) @ down
                        for side in ("left", "right")}

    def _flesh_colour(self) -> np.ndarray:
        """The lips' median colour in the styled photo, saturated: what the inside of the mouth is painted in."""
        p = self.points
        rings = [np.vstack([p[REGIONS[f"{lip}_outer"]], p[REGIONS[f"{lip}_inner"]][::-1]])
                 for lip in ("upper_lip", "lower_lip")]
        lo = np.maximum(np.floor(p[self.lips].min(0)).astype(int), 0)
        hi = np.ceil(p[self.lips].max(0)).astype(int) + 1
        area = self.source[lo[1] : hi[1], lo[0] : hi[0]]
        mask = np.zeros(area.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(ring - lo).astype(np.int32) for ring in rings], 1)
        lip = np.median(area[mask > 0], axis=0).astype(np.float32)
        return np.clip(lip.mean() + (lip - lip.mean()) * 2.0, 0, 255)

    def _eyelid(self, side: str) -> PhotoEyelid:
        p = self.points
        corners = p[[LANDMARKS[f"{side}_eye_outer"], LANDMARKS[f"{side}_eye_inner"]]]
        return PhotoEyelid(corners, p[REGIONS[f"{side}_lid_upper"]], p[REGIONS[f"{side}_lid_lower"]], -self.up,
                           self.right, self.eyes, self.frame_size)

    def moves(self, c: FaceControls) -> np.ndarray:
        """How far (pixels) each landmark moves for these controls."""
        moves, eyes = np.zeros_like(self.points), self.eyes
        down, right = -self.up, self.right

        opening = max(c.jaw_open, 0.0) * (1.0 - min(c.lip_press, 1.0)) * 0.3 * eyes
        moves += np.outer(self.lower_face * opening, down)
        lower_lip = REGIONS["lower_lip_inner"][1:-1] + REGIONS["lower_lip_outer"][1:-1]
        moves[lower_lip] = np.outer(self.lip_opening[lower_lip] * opening, down)
        upper_lip = REGIONS["upper_lip_inner"][1:-1] + REGIONS["upper_lip_outer"][1:-1]
        moves[upper_lip] -= np.outer(self.lip_opening[upper_lip] * 0.12 * opening, down)
        side = self.lip_side
        moves[self.lips] += np.outer(side * (0.16 * c.mouth_wide + 0.08 * c.smile) * self.mouth_half, right)
        moves[self.lips] -= np.outer(np.abs(side) ** 2 * c.smile * 0.12 * eyes, down)
        moves[REGIONS["lower_lip_outer"][1:-1]] -= 0.04 * c.lip_tuck * eyes * down  # F/V: lower lip tucks up

        for side_name in ("left", "right"):
            upper = REGIONS[f"{side_name}_lid_upper"]
            moves[upper] -= np.outer(self.lid_gap[side_name] * 0.18 * c.eye_wide, down)  # lids close: PhotoEyelid
            moves[REGIONS[f"{side_name}_iris"]] += c.gaze_x * 0.09 * eyes * right + c.gaze_y * 0.05 * eyes * down
            moves[REGIONS[f"{side_name}_brow"]] -= (0.11 * (c.brow_left if side_name == "left" else c.brow_right)
                                                   + 0.01 * c.micro) * eyes * down
            inward = right if side_name == "left" else -right
            moves[REGIONS[f"{side_name}_brow_inner"]] += c.brow_furrow * eyes * (0.05 * down + 0.04 * inward)
        return moves

    def _head_matrix(self, c: FaceControls, view: View | None) -> np.ndarray:
        """Frame <- rest: turn, nod and tilt about the neck, breathing, the overscan and the camera's zoom."""
        zoom = OVERSCAN * (REST_SIZE / view.size if view is not None else 1.0)
        width, height = self.frame_size
        pivot = (float(self.neck[0]), float(self.neck[1]))
        matrix = cv2.getRotationMatrix2D(pivot, math.degrees(c.head_roll), 1.0)
        matrix[:, 2] += np.array([math.sin(c.head_yaw) * 0.7, math.sin(c.head_pitch) * 0.6 - 0.012 * c.breath]) \
            * self.eyes
        centre = np.array([width / 2, height * FACE_Y])
        scaled = np.vstack([matrix, [0, 0, 1]])
        zoom_about = np.array([[zoom, 0, centre[0] * (1 - zoom)], [0, zoom, centre[1] * (1 - zoom)], [0, 0, 1]])
        if view is not None:
            zoom_about[0, 2] += (0.5 - view.u) * width / view.size
            zoom_about[1, 2] += (0.5 - view.v) * height / view.size
        return (zoom_about @ scaled)[:2]

    def frame_points(self, c: FaceControls, view: View | None = None) -> np.ndarray:
        """Where ``draw`` puts each landmark in the frame for these controls (a closing lid is not a move)."""
        matrix = self._head_matrix(c, view)
        return (self.points + self.moves(c)) @ matrix[:, :2].T + matrix[:, 2]

    def draw(self, frame: np.ndarray, c: FaceControls, view: View | None = None) -> None:
        """Fill an RGB frame (of the frame size) with the portrait posed by the controls."""
        x0, y0, x1, y1 = self.mesh.box
        moves = self.moves(c)
        field = self.mesh.field(moves)
        upper_index, lower_index = REGIONS["upper_lip_inner"], REGIONS["lower_lip_inner"]
        # the photo's own mouth (teeth, if it smiles) rides with the upper lip; the new gap below it is painted
        upper_lip = self.points[upper_index] + moves[upper_index]
        gap_top = self.points[lower_index] + moves[upper_index]
        lower_lip = self.points[lower_index] + moves[lower_index]
        opened = float(np.max((lower_lip - gap_top) @ -self.up)) > 1.0
        if opened:
            self._carry_mouth(field, upper_lip, lower_lip, moves[upper_index])
        xs, ys = self.mesh.pixels
        posed = self.source.copy()
        posed[y0:y1, x0:x1] = cv2.remap(self.source, xs - field[..., 0], ys - field[..., 1], cv2.INTER_LINEAR,
                                        borderMode=cv2.BORDER_REFLECT101)
        if opened:
            self._paint_mouth(posed, gap_top, lower_lip)
        moved = self.points + moves
        for side, lid in (("left", c.lid_left), ("right", c.lid_right)):
            if lid > 0.04:
                self.lids[side].close(posed, moved[REGIONS[f"{side}_lid_upper"]],
                                      moved[REGIONS[f"{side}_brow_lower"]], min(lid, 1.0))
        cv2.warpAffine(posed, self._head_matrix(c, view), self.frame_size, dst=frame, flags=cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REFLECT101)

    def _carry_mouth(self, field: np.ndarray, upper: np.ndarray, lower: np.ndarray, carry: np.ndarray) -> None:
        """Move everything between the opened lips (box field, in place) as the upper lip moves, column by column:
        the photo's teeth slide down rigidly instead of stretching to the lower lip. Blended in over a grid cell,
        so no seam shows where the upsampled field still carries the gap's stretch."""
        x0, y0 = self.mesh.box[:2]
        outline = np.vstack([upper, lower[::-1]]) - (x0, y0)
        lo = np.maximum(np.floor(outline.min(0)).astype(int) - GRID, 0)
        hi = np.minimum(np.ceil(outline.max(0)).astype(int) + GRID + 1, (field.shape[1], field.shape[0]))
        inside = np.zeros((hi[1] - lo[1], hi[0] - lo[0]), np.uint8)
        cv2.fillPoly(inside, [np.round((outline - lo) * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
        weight = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), GRID / 2) / 255
        order = np.argsort(upper[:, 0])
        columns = np.arange(lo[0], hi[0], dtype=np.float32) + x0
        carried = np.stack([np.interp(columns, upper[order, 0], carry[order, k]) for k in (0, 1)], -1)
        region = field[lo[1] : hi[1], lo[0] : hi[0]]
        carried = np.tile(carried.astype(np.float32), (len(inside), 1, 1))
        region[:] = cv2.blendLinear(carried, region, weight, 1.0 - weight)

    def _seams(self, turn: np.ndarray, tooth: float, width: float) -> np.ndarray:
        """1 on the line between two teeth ``tooth`` radians apart around an arch ``width`` pixels across, 0 on
        a tooth (``turn``: each column's angle around the arch)."""
        seam = np.abs(turn - np.round(turn / tooth) * tooth) * np.cos(turn) * width / 2
        return np.exp(-((seam / (0.006 * self.eyes + 0.3)) ** 2))

    def _paint_mouth(self, image: np.ndarray, top: np.ndarray, bottom: np.ndarray) -> None:
        """Paint the opened gap between two lip contours (pixels, corner to corner) in the lips' colour, darkened:
        darkest in the shadow under the upper lip and at the corners, lighter towards the lower lip and tongue,
        with upper teeth under the lip if the photo shows none and the lower teeth's edges over the lower lip, its
        edge feathered into the lips."""
        feather = MOUTH_FEATHER * self.eyes
        outline = np.vstack([top, bottom[::-1]])
        pad = int(math.ceil(3 * feather)) + 1
        lo = np.maximum(np.floor(outline.min(0)).astype(int) - pad, 0)
        hi = np.minimum(np.ceil(outline.max(0)).astype(int) + pad + 1, (image.shape[1], image.shape[0]))
        patch = image[lo[1] : hi[1], lo[0] : hi[0]]
        mask = np.zeros(patch.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round((outline - lo) * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
        alpha = np.minimum(cv2.GaussianBlur(mask.astype(np.float32), (0, 0), feather) / 127.5, 1.0)

        xs = np.arange(lo[0], hi[0], dtype=np.float32)
        ys = np.arange(lo[1], hi[1], dtype=np.float32)[:, None]
        by_x = np.argsort(top[:, 0]), np.argsort(bottom[:, 0])
        upper_y = np.interp(xs, top[by_x[0], 0], top[by_x[0], 1]).astype(np.float32)
        lower_y = np.interp(xs, bottom[by_x[1], 0], bottom[by_x[1], 1]).astype(np.float32)
        below = ys - upper_y  # pixels under the upper edge
        depth = np.clip(below / np.maximum(lower_y - upper_y, 1.0), 0.0, 1.0)  # 0 upper edge .. 1 lower lip
        left, right = float(outline[:, 0].min()), float(outline[:, 0].max())
        side = np.clip((2 * xs - left - right) / max(right - left, 1.0), -1.0, 1.0)  # -1 .. 1 corner to corner
        light = 0.14 + 0.3 * depth ** 2 * (1.0 - side ** 2)  # of the flesh colour: darkest under the upper lip
        # the tongue: a lit mound rising from the lower lip in the middle, as far as the mouth is open
        gap = np.clip((lower_y - upper_y) / (0.25 * self.eyes), 0.0, 1.0)
        surface = 1.0 - 0.5 * gap * np.clip(1.0 - (side / 0.55) ** 2, 0.0, 1.0) ** 0.7
        tongue = np.clip((depth - surface) * (lower_y - upper_y) / (2 * feather) + 0.5, 0.0, 1.0)
        light += tongue * 0.2 * (1.0 - side ** 2)
        enamel = np.zeros_like(light)
        turn = np.arcsin(side * 0.98)  # around the arch: teeth evenly spaced there, narrower seen at the sides
        if self.paint_teeth:  # a smooth arch (not the lip's bow) under the upper lip, fading into the corners
            seam = self._seams(turn, TOOTH, right - left)
            arch = np.polyval(np.polyfit(top[:, 0], top[:, 1], 2), xs).astype(np.float32) \
                + (0.08 - 0.01 * seam) * self.eyes
            teeth = np.clip((arch - ys) / feather + 0.5, 0.0, 1.0) * (1.0 - side ** 2) ** 1.5
            lit = (0.85 + 0.1 * np.clip(below / (0.04 * self.eyes), 0.0, 1.0)) * (1.0 - 0.2 * seam)
            light, enamel = light * (1.0 - teeth), teeth * lit
        # the lower teeth: as the jaw drops their edges rise over the lower lip, most in the middle, a little
        # greyer than the upper ones in the upper lip's shadow
        seam = self._seams(turn + LOWER_TOOTH / 2, LOWER_TOOTH, right - left)
        shown = np.minimum(0.06 * self.eyes, 0.3 * (lower_y - upper_y)) * np.clip(1.0 - (side / 0.75) ** 2, 0, 1) ** 2
        edge = lower_y - shown + 0.008 * seam * self.eyes  # the incisal edge, notched between teeth
        lower = np.clip((ys - edge) / feather + 0.5, 0.0, 1.0) * np.clip(shown / feather, 0.0, 1.0)
        shade = 0.82 - 0.2 * np.clip((ys - edge) / np.maximum(shown, 1.0), 0.0, 1.0)  # into the lip's shadow
        light, enamel = light * (1.0 - lower), enamel * (1.0 - lower) + lower * shade * (1.0 - 0.08 * seam)
        blend = np.column_stack([self.flesh, self.teeth, np.full(3, 0.5)]).astype(np.float32)  # rounds, too
        colour = cv2.transform(cv2.merge([light.astype(np.float32), enamel.astype(np.float32)]), blend)
        patch[:] = cv2.blendLinear(colour.astype(np.uint8), patch, alpha, 1.0 - alpha)
