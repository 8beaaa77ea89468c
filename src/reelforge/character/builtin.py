"""The eight built-in characters, drawn by reelforge with anti-aliased vector paths and driven by FaceControls.

Every character draws in head units (head half width 1, head centre at the origin, neck at y about 1) in the
same order: torso, then the head turned by the controls (back parts, head, face features shifted by yaw and
pitch, front parts). Its look (colours, hair, variant) comes from the seed, and every colour goes through the
request's style and mood (``ColorMap``), so a noir character is grey and a vintage one sepia.
"""

from __future__ import annotations

import math

import numpy as np
import skia

from reelforge.character.paint import (
    RGB,
    ColorMap,
    cel,
    draw_brow,
    draw_eye,
    draw_mouth,
    draw_torso,
    fill,
    mirrored_path,
    oval,
    oval_path,
    polygon,
    radial,
    shade,
    shoulder_line,
    stroke,
)
from reelforge.character.rig import FaceControls
from reelforge.request import CharacterType

SKINS: list[RGB] = [(244, 206, 178), (228, 178, 142), (200, 144, 104), (150, 100, 70), (102, 66, 46)]
HAIRS: list[RGB] = [(36, 26, 22), (90, 56, 34), (176, 128, 74), (22, 22, 28), (142, 58, 36), (210, 190, 150)]
IRISES: list[RGB] = [(92, 60, 34), (70, 120, 170), (80, 130, 80), (130, 100, 50), (60, 60, 70)]
CLOTHES: list[RGB] = [(40, 70, 120), (150, 40, 50), (40, 110, 90), (60, 60, 66), (210, 150, 60), (110, 70, 140)]
TORSO_TOP = 1.05  # where the neck meets the torso, head units
LOCK_TIPS = [(1.44, 2.12), (1.02, 2.3), (0.62, 2.05)]  # where long hair's locks end, right side, head units
LOCK_DEPTH = 0.34  # how far up anime's notches between locks reach


def _pick(rng: np.random.Generator, items: list):
    return items[int(rng.integers(len(items)))]


class Character:
    """A built-in character: a look from the seed, and ``draw(canvas, controls)`` in head units."""

    kind: CharacterType
    ink: RGB = (40, 28, 30)

    def __init__(self, rng: np.random.Generator, color_map: ColorMap, outline: float = 1.0):
        look = self.choose_look(rng)
        self.variant = look.pop("variant", 0)
        self.colors = dict(zip(look, color_map(list(look.values()))))
        self.ink = color_map([self.ink])[0]
        self.outline = outline

    def choose_look(self, rng: np.random.Generator) -> dict:
        """Named colours (and an optional ``variant`` number) for this seed."""
        raise NotImplementedError

    def draw(self, canvas: skia.Canvas, c: FaceControls) -> None:
        self.torso(canvas, c)
        canvas.save()
        canvas.translate(math.sin(c.head_yaw) * 0.3, math.sin(c.head_pitch) * 0.35 - 0.02 * c.breath)
        canvas.rotate(math.degrees(c.head_roll), 0.0, 1.1)
        self.back(canvas, c)
        self.head(canvas, c)
        canvas.save()
        canvas.translate(math.sin(c.head_yaw) * 0.42, math.sin(c.head_pitch) * 0.3)
        self.face(canvas, c)
        canvas.restore()
        self.front(canvas, c)
        canvas.restore()

    def torso(self, canvas: skia.Canvas, c: FaceControls) -> None:
        draw_torso(canvas, c, TORSO_TOP, 1.75, self.colors["clothes"], self.colors.get("skin", (200, 160, 130)),
                   ink=self.ink, outline=0.025 * self.outline)

    def back(self, canvas: skia.Canvas, c: FaceControls) -> None:
        """Parts behind the head (ears, long hair)."""

    def head(self, canvas: skia.Canvas, c: FaceControls) -> None:
        raise NotImplementedError

    def face(self, canvas: skia.Canvas, c: FaceControls) -> None:
        raise NotImplementedError

    def front(self, canvas: skia.Canvas, c: FaceControls) -> None:
        """Parts over the face (fringe, accessories)."""

    def outline_path(self, canvas: skia.Canvas, path: skia.Path, width: float = 0.025) -> None:
        if self.outline > 0:
            stroke(canvas, path, self.ink, width * self.outline, alpha=0.85)


def face_shape(width: float = 1.0, jaw: float = 0.62, chin: float = 1.08, top: float = 1.22) -> skia.Path:
    """An egg-shaped face outline: crown, temples, cheeks, jaw and chin."""
    path = skia.Path()
    path.moveTo(0, -top)
    path.cubicTo(0.62 * width, -top, width, -0.82, width, -0.3)
    path.cubicTo(width, 0.25, jaw + 0.2, 0.7, jaw * 0.55, chin - 0.12)
    path.quadTo(0.12, chin, 0, chin)
    path.quadTo(-0.12, chin, -jaw * 0.55, chin - 0.12)
    path.cubicTo(-jaw - 0.2, 0.7, -width, 0.25, -width, -0.3)
    path.cubicTo(-width, -0.82, -0.62 * width, -top, 0, -top)
    path.close()
    return path


class Humanoid(Character):
    """A human-proportioned face; subclasses change shape, eyes, hair and extras."""

    eye_y, eye_x, eye_rx, eye_ry = -0.05, 0.38, 0.2, 0.11
    iris_size, lashes, sparkle = 0.62, 0.035, 1
    brow_y, brow_half, brow_thickness = -0.3, 0.22, 0.07
    mouth_y, mouth_half, lip_thickness = 0.6, 0.27, 0.055
    jaw, chin = 0.62, 1.08

    def choose_look(self, rng: np.random.Generator) -> dict:
        skin = _pick(rng, SKINS)
        return {"skin": skin, "hair": _pick(rng, HAIRS), "iris": _pick(rng, IRISES), "clothes": _pick(rng, CLOTHES),
                "lip": shade((196, 104, 104), 0.85 + 0.1 * rng.random()), "variant": int(rng.integers(3))}

    def head(self, canvas: skia.Canvas, c: FaceControls) -> None:
        skin = self.colors["skin"]
        for side in (-1, 1):  # ears
            fill(canvas, oval(side * 0.98, 0.02, 0.17, 0.27), shade(skin, 0.9))
        shape = face_shape(jaw=self.jaw, chin=self.chin)
        cel(canvas, shape, skin)
        self.outline_path(canvas, shape)

    def face(self, canvas: skia.Canvas, c: FaceControls) -> None:
        skin = self.colors["skin"]
        for side in (-1, 1):
            fill(canvas, oval(side * 0.55, 0.32, 0.22, 0.14), (230, 110, 110), alpha=0.18, blur=0.06)
            draw_eye(canvas, c, side, side * self.eye_x, self.eye_y, self.eye_rx, self.eye_ry, self.colors["iris"],
                     shade(skin, 0.95), self.ink, self.iris_size, lashes=self.lashes, sparkle=self.sparkle)
            draw_brow(canvas, c, side, side * self.eye_x, self.brow_y, self.brow_half,
                      shade(self.colors["hair"], 0.9), self.brow_thickness)
        self.nose(canvas, c)
        draw_mouth(canvas, c, 0.0, self.mouth_y, self.mouth_half, self.colors["lip"], self.ink,
                   lip_thickness=self.lip_thickness)

    def nose(self, canvas: skia.Canvas, c: FaceControls) -> None:
        skin = self.colors["skin"]
        fill(canvas, oval(0.0, 0.31, 0.13, 0.07), shade(skin, 0.8), alpha=0.5, blur=0.03)
        bridge = skia.Path()
        bridge.moveTo(0.06, -0.02)
        bridge.quadTo(0.1, 0.2, 0.12, 0.28)
        stroke(canvas, bridge, shade(skin, 0.72), 0.02, alpha=0.5)
        for side in (-1, 1):
            fill(canvas, oval(side * 0.06, 0.34, 0.035, 0.02), shade(skin, 0.45), alpha=0.7)

    def back(self, canvas: skia.Canvas, c: FaceControls) -> None:
        if self.variant == 1:
            self.long_hair(canvas, LOCK_DEPTH / 4)

    def long_hair(self, canvas: skia.Canvas, depth: float) -> None:
        """Long hair behind the head, falling over both shoulders in three locks a side, open around the neck;
        ``depth``: how far the notches between the locks reach up (pointed anime locks, or a soft scalloped cut)."""
        hair = self.colors["hair"]
        right = [((0.78, -1.54), (1.32, -1.12), (1.33, -0.4)),  # around the skull
                 ((1.34, 0.35), (1.4, 0.95), (1.52, 1.6))]  # falling past the shoulder
        x, y = 1.52, 1.6
        for index, (tip_x, tip_y) in enumerate(LOCK_TIPS):
            right.append(((x + 0.04, y + 0.25), (tip_x + 0.06, tip_y - 0.12), (tip_x, tip_y)))
            if index + 1 < len(LOCK_TIPS):  # up into the notch before the next lock
                x, y = (tip_x + LOCK_TIPS[index + 1][0]) / 2, tip_y - depth
                right.append(((tip_x - 0.08, tip_y - 0.5 * depth), (x + 0.04, y + 0.04), (x, y)))
        right += [((0.6, 1.7), (0.5, 1.4), (0.38, 1.25)),  # up the inner lock to the neck
                  ((0.37, 1.0), (0.36, 0.9), (0.34, 0.7))]
        path = mirrored_path((0.0, -1.52), right)
        cel(canvas, path, shade(hair, 0.78), rim=0.75, thickness=0.06, light=(0.0, -1.0), highlight=0.0)
        self.outline_path(canvas, path, 0.02)
        for side in (-1, 1):  # strands down each fall of hair
            for (tip_x, tip_y), top_x in zip(LOCK_TIPS, (1.22, 1.02, 0.82)):
                strand = skia.Path()
                strand.moveTo(side * top_x, 0.2)
                strand.quadTo(side * (top_x + 0.1), 1.1, side * tip_x, tip_y - 0.15)
                stroke(canvas, strand, shade(hair, 0.55), 0.022, alpha=0.7)

    def front(self, canvas: skia.Canvas, c: FaceControls) -> None:
        hair = self.colors["hair"]
        cap = skia.Path()
        cap.moveTo(-1.06, -0.05)
        cap.cubicTo(-1.2, -1.05, -0.55, -1.42, 0.05, -1.38)
        cap.cubicTo(0.7, -1.38, 1.2, -1.0, 1.06, -0.05)
        cap.cubicTo(0.98, -0.45, 0.8, -0.68, 0.45, -0.72)
        cap.cubicTo(0.1, -0.78, -0.2, -0.62, -0.4, -0.52)  # side parting sweeps to the left
        cap.cubicTo(-0.7, -0.5, -0.95, -0.4, -1.06, -0.05)
        cap.close()
        cel(canvas, cap, hair, rim=0.7, thickness=0.05, highlight=0.25)
        shine = skia.Path()
        shine.moveTo(-0.5, -1.15)
        shine.quadTo(0.0, -1.3, 0.45, -1.15)
        stroke(canvas, shine, shade(hair, 1.5), 0.05, alpha=0.35)
        if self.variant == 2:  # a bun on top
            cel(canvas, oval(0.0, -1.42, 0.33, 0.26), hair, rim=0.7, thickness=0.05)


class Person(Humanoid):
    kind = CharacterType.person


class Anime(Humanoid):
    kind = CharacterType.anime
    eye_y, eye_x, eye_rx, eye_ry = 0.08, 0.4, 0.25, 0.22
    iris_size, lashes, sparkle = 0.66, 0.055, 2
    brow_y, brow_half, brow_thickness = -0.32, 0.2, 0.035
    mouth_y, mouth_half, lip_thickness = 0.62, 0.14, 0.018
    jaw, chin = 0.5, 1.0

    def choose_look(self, rng: np.random.Generator) -> dict:
        look = super().choose_look(rng)
        look["hair"] = _pick(rng, [(240, 120, 170), (80, 120, 220), (220, 225, 235), (250, 150, 60), (40, 36, 50),
                                   (120, 80, 200)])
        look["iris"] = _pick(rng, [(60, 140, 230), (200, 60, 120), (70, 170, 110), (150, 80, 220), (230, 150, 40)])
        look["skin"] = _pick(rng, [(252, 226, 208), (246, 212, 186), (232, 190, 156)])
        look["lip"] = (214, 110, 120)
        look["collar"] = (244, 244, 250)
        look["ribbon"] = _pick(rng, [(214, 48, 64), (40, 60, 140), (230, 120, 40)])
        return look

    def nose(self, canvas: skia.Canvas, c: FaceControls) -> None:
        tip = skia.Path()
        tip.moveTo(0.02, 0.34)
        tip.lineTo(0.05, 0.4)
        stroke(canvas, tip, shade(self.colors["skin"], 0.6), 0.02)

    def torso(self, canvas: skia.Canvas, c: FaceControls) -> None:
        """A school-uniform top: the shirt, a sailor collar over the shoulders and a ribbon tied at its V."""
        super().torso(canvas, c)
        y = shoulder_line(TORSO_TOP, c)
        collar = skia.Path()
        collar.moveTo(-0.38, y - 0.06)
        collar.cubicTo(-0.8, y - 0.02, -1.2, y + 0.08, -1.42, y + 0.42)
        collar.quadTo(-0.7, y + 0.75, 0.0, y + 1.2)
        collar.quadTo(0.7, y + 0.75, 1.42, y + 0.42)
        collar.cubicTo(1.2, y + 0.08, 0.8, y - 0.02, 0.38, y - 0.06)
        collar.quadTo(0.2, y + 0.45, 0.0, y + 0.78)
        collar.quadTo(-0.2, y + 0.45, -0.38, y - 0.06)
        collar.close()
        cel(canvas, collar, self.colors["collar"], rim=0.8, thickness=0.05, light=(0.0, -1.0), highlight=0.0)
        self.outline_path(canvas, collar, 0.02)
        for side in (-1, 1):  # the collar's stripe, along its outer edge
            stripe = skia.Path()
            stripe.moveTo(side * 1.22, y + 0.43)
            stripe.quadTo(side * 0.62, y + 0.72, side * 0.06, y + 1.08)
            stroke(canvas, stripe, self.colors["clothes"], 0.045)
        ribbon = self.colors["ribbon"]
        for side in (-1, 1):  # two loops and two tails
            cel(canvas, polygon([(0.0, y + 0.86), (side * 0.34, y + 0.7), (side * 0.38, y + 1.02)]), ribbon,
                rim=0.7, thickness=0.03, highlight=0.0)
            cel(canvas, polygon([(0.0, y + 0.9), (side * 0.12, y + 1.45), (side * 0.26, y + 1.38)]), ribbon,
                rim=0.7, thickness=0.03, highlight=0.0)
        cel(canvas, oval(0.0, y + 0.88, 0.08, 0.07), shade(ribbon, 0.85), rim=0.8, thickness=0.02, highlight=0.0)

    def back(self, canvas: skia.Canvas, c: FaceControls) -> None:
        self.long_hair(canvas, LOCK_DEPTH)

    def front(self, canvas: skia.Canvas, c: FaceControls) -> None:
        """Bangs of curved, pointed locks over the brows, a lock down each cheek, a shine ring on the crown, and
        the bangs' shadow on the forehead."""
        hair = self.colors["hair"]
        bangs = skia.Path()
        bangs.moveTo(-1.14, 0.25)
        bangs.cubicTo(-1.22, -0.7, -0.75, -1.48, 0.05, -1.47)
        bangs.cubicTo(0.8, -1.46, 1.22, -0.85, 1.14, 0.25)
        bangs.quadTo(1.12, 0.7, 0.98, 1.04)  # the right cheek lock's tip
        bangs.quadTo(0.94, 0.45, 0.84, -0.08)
        edge = [(0.7, -0.5), (0.52, -0.06), (0.3, -0.56), (0.1, 0.0), (-0.12, -0.56), (-0.34, -0.08),
                (-0.54, -0.52), (-0.72, -0.1), (-0.84, -0.45), (-0.86, -0.08)]
        x0, y0 = 0.84, -0.08
        for x1, y1 in edge:  # each lock curves a little to the left, as if combed
            bangs.quadTo((x0 + x1) / 2 + 0.07, (y0 + y1) / 2, x1, y1)
            x0, y0 = x1, y1
        bangs.quadTo(-0.94, 0.45, -0.98, 1.04)  # the left cheek lock's tip
        bangs.quadTo(-1.12, 0.7, -1.14, 0.25)
        bangs.close()
        canvas.save()
        canvas.clipPath(face_shape(jaw=self.jaw, chin=self.chin), doAntiAlias=True)
        canvas.translate(0.05, 0.09)
        fill(canvas, bangs, shade(self.colors["skin"], 0.78), alpha=0.55)
        canvas.restore()
        cel(canvas, bangs, hair, rim=0.75, thickness=0.05, highlight=0.3)
        self.outline_path(canvas, bangs, 0.02)
        for start, end in ((-0.78, -0.42), (-0.3, 0.12), (0.24, 0.58)):  # the shine ring, broken by locks
            shine = skia.Path()
            shine.moveTo(start, -1.02 - 0.12 * (1 - start**2))
            shine.quadTo((start + end) / 2, -1.1 - 0.14 * (1 - ((start + end) / 2) ** 2),
                         end, -1.02 - 0.12 * (1 - end**2))
            stroke(canvas, shine, (255, 255, 255), 0.07, alpha=0.45)


class Cartoon(Humanoid):
    kind = CharacterType.cartoon
    ink = (20, 16, 18)
    eye_y, eye_x, eye_rx, eye_ry = -0.1, 0.32, 0.24, 0.26
    iris_size, lashes, sparkle = 0.35, 0.04, 1
    brow_y, brow_half, brow_thickness = -0.55, 0.18, 0.07
    mouth_y, mouth_half, lip_thickness = 0.52, 0.4, 0.03

    def choose_look(self, rng: np.random.Generator) -> dict:
        look = super().choose_look(rng)
        look["skin"] = _pick(rng, [(255, 214, 170), (250, 190, 140), (190, 130, 90)])
        look["iris"] = (25, 22, 24)
        look["lip"] = (200, 70, 80)
        look["hair"] = _pick(rng, [(240, 170, 40), (60, 40, 30), (220, 80, 40), (30, 30, 40)])
        return look

    def head(self, canvas: skia.Canvas, c: FaceControls) -> None:
        skin = self.colors["skin"]
        for side in (-1, 1):
            ear = oval(side * 1.05, 0.05, 0.2, 0.26)
            fill(canvas, ear, skin)
            self.outline_path(canvas, skia.Path().addOval(ear), 0.04)
        shape = oval_path(0.0, -0.05, 1.05, 1.12)
        cel(canvas, shape, skin, rim=0.86)
        self.outline_path(canvas, shape, 0.045)

    def nose(self, canvas: skia.Canvas, c: FaceControls) -> None:
        ball = oval(0.0, 0.22, 0.16, 0.13)
        fill(canvas, ball, shade(self.colors["skin"], 0.9),
             shader=radial(-0.05, 0.17, 0.2, [shade(self.colors["skin"], 1.2), shade(self.colors["skin"], 0.85)]))
        self.outline_path(canvas, skia.Path().addOval(ball), 0.035)

    def front(self, canvas: skia.Canvas, c: FaceControls) -> None:
        hair = self.colors["hair"]
        for k, (x, lean) in enumerate(((-0.22, -0.3), (0.0, 0.0), (0.22, 0.3))):
            tuft = skia.Path()
            tuft.moveTo(x - 0.15, -1.08)
            tuft.quadTo(x + lean * 0.3, -1.6 - 0.1 * (k == 1), x + lean * 0.9 + 0.05, -1.42)
            tuft.quadTo(x + 0.05, -1.3, x + 0.15, -1.08)
            tuft.close()
            fill(canvas, tuft, hair)
            self.outline_path(canvas, tuft, 0.035)


class Fantasy(Humanoid):
    """An elf: coloured skin, long pointed ears, glowing eyes, a circlet with a gem and glowing marks."""

    kind = CharacterType.fantasy
    eye_y, eye_rx, eye_ry = -0.02, 0.22, 0.12
    lashes = 0.045
    jaw, chin = 0.55, 1.1

    def choose_look(self, rng: np.random.Generator) -> dict:
        look = super().choose_look(rng)
        look["skin"] = _pick(rng, [(200, 186, 232), (176, 220, 204), (236, 214, 176), (160, 190, 230)])
        look["hair"] = _pick(rng, [(236, 236, 246), (90, 50, 130), (40, 120, 130), (200, 170, 90)])
        look["iris"] = _pick(rng, [(150, 90, 250), (40, 220, 200), (250, 190, 60)])
        look["clothes"] = _pick(rng, [(50, 90, 70), (70, 40, 100), (110, 80, 40)])
        look["glow"] = _pick(rng, [(120, 240, 255), (255, 150, 240), (170, 255, 150)])
        look["variant"] = 1
        return look

    def back(self, canvas: skia.Canvas, c: FaceControls) -> None:
        super().back(canvas, c)
        skin = self.colors["skin"]
        for side in (-1, 1):
            ear = polygon([(side * 0.9, -0.2), (side * 1.75, -0.75), (side * 0.98, 0.28)], smooth=False)
            fill(canvas, ear, shade(skin, 0.92))
            self.outline_path(canvas, ear, 0.02)

    def head(self, canvas: skia.Canvas, c: FaceControls) -> None:
        skin = self.colors["skin"]
        shape = face_shape(jaw=self.jaw, chin=self.chin)
        cel(canvas, shape, skin)
        self.outline_path(canvas, shape)
        glow = self.colors["glow"]
        for side in (-1, 1):
            for k in range(3):
                fill(canvas, oval(side * (0.42 + 0.09 * k), 0.2 + 0.05 * k, 0.025, 0.025), glow, alpha=0.9)
                fill(canvas, oval(side * (0.42 + 0.09 * k), 0.2 + 0.05 * k, 0.06, 0.06), glow, alpha=0.35, blur=0.04)

    def front(self, canvas: skia.Canvas, c: FaceControls) -> None:
        super().front(canvas, c)
        band = skia.Path()
        band.moveTo(-1.0, -0.62)
        band.quadTo(0.0, -0.9, 1.0, -0.62)
        stroke(canvas, band, (214, 180, 90), 0.05)
        glow = self.colors["glow"]
        fill(canvas, oval(0.0, -0.8, 0.16, 0.16), glow, alpha=0.45, blur=0.08)
        gem = polygon([(0.0, -0.93), (0.09, -0.79), (0.0, -0.66), (-0.09, -0.79)], smooth=False)
        fill(canvas, gem, glow, shader=radial(-0.02, -0.83, 0.14, [(255, 255, 255), glow]))


class Cyborg(Humanoid):
    """Half human, half machine: a metal plate over one side of the face with a red optic for an eye."""

    kind = CharacterType.cyborg

    def choose_look(self, rng: np.random.Generator) -> dict:
        look = super().choose_look(rng)
        look["metal"] = _pick(rng, [(170, 176, 186), (120, 126, 138), (190, 170, 140)])
        look["optic"] = _pick(rng, [(255, 40, 40), (40, 200, 255), (255, 170, 30)])
        look["clothes"] = _pick(rng, [(30, 32, 38), (50, 54, 62)])
        look["hair"] = _pick(rng, [(24, 22, 26), (200, 200, 210), (60, 40, 30)])
        look["variant"] = 0
        return look

    def plate(self) -> skia.Path:
        path = skia.Path()
        path.moveTo(0.05, -1.22)
        path.cubicTo(0.62, -1.22, 1.0, -0.82, 1.0, -0.3)
        path.cubicTo(1.0, 0.25, 0.82, 0.7, 0.42, 0.94)
        path.lineTo(0.4, 0.45)
        path.lineTo(0.12, 0.3)
        path.lineTo(0.1, 0.05)
        path.lineTo(0.02, -0.4)
        path.close()
        return path

    def face(self, canvas: skia.Canvas, c: FaceControls) -> None:
        super().face(canvas, c)
        metal = self.colors["metal"]
        plate = self.plate()
        cel(canvas, plate, metal, rim=0.6, thickness=0.06, highlight=0.35)
        stroke(canvas, plate, shade(metal, 0.4), 0.025)
        for y in (-0.65, 0.3):
            seam = skia.Path()
            seam.moveTo(0.12, y)
            seam.lineTo(0.95, y + 0.05)
            stroke(canvas, seam, shade(metal, 0.5), 0.015)
        for x, y in ((0.75, -0.75), (0.8, 0.45), (0.3, 0.65)):
            fill(canvas, oval(x, y, 0.035, 0.035), shade(metal, 0.6))
        optic = self.colors["optic"]
        ex, ey = self.eye_x, self.eye_y
        fill(canvas, oval(ex, ey, 0.2, 0.2), (20, 20, 24))
        open_ = 1.0 - min(max(c.lid_right, 0.0), 1.0)
        gx, gy = c.gaze_x * 0.05, c.gaze_y * 0.04
        fill(canvas, oval(ex + gx, ey + gy, 0.2, 0.2), optic, alpha=0.5 * open_, blur=0.08)
        fill(canvas, oval(ex + gx, ey + gy, 0.12, 0.12 * open_ + 0.005), optic,
             shader=radial(ex + gx, ey + gy, 0.13, [(255, 255, 255), optic, shade(optic, 0.5)], [0.0, 0.3, 1.0]))
        stroke(canvas, oval_path(ex, ey, 0.2, 0.2), shade(metal, 0.45), 0.04)

    def front(self, canvas: skia.Canvas, c: FaceControls) -> None:
        hair = self.colors["hair"]
        cap = skia.Path()  # an undercut: hair only on the human side
        cap.moveTo(-1.04, -0.2)
        cap.cubicTo(-1.15, -1.05, -0.55, -1.4, 0.02, -1.36)
        cap.lineTo(0.0, -0.75)
        cap.cubicTo(-0.3, -0.7, -0.8, -0.6, -1.04, -0.2)
        cap.close()
        cel(canvas, cap, hair, rim=0.7, thickness=0.05, highlight=0.25)

    def torso(self, canvas: skia.Canvas, c: FaceControls) -> None:
        super().torso(canvas, c)
        metal = self.colors["metal"]
        for x in (0.12, 0.24):
            cable = skia.Path()
            cable.moveTo(x, 0.7)
            cable.cubicTo(x + 0.15, 1.0, x + 0.3, 1.2, x + 0.6, 1.35)
            stroke(canvas, cable, shade(metal, 0.55), 0.05)


class Monkey(Character):
    kind = CharacterType.monkey

    def choose_look(self, rng: np.random.Generator) -> dict:
        fur = _pick(rng, [(112, 72, 44), (84, 58, 40), (150, 100, 60), (60, 50, 46)])
        return {"fur": fur, "face": _pick(rng, [(226, 186, 150), (214, 170, 140), (200, 160, 150)]),
                "iris": (70, 42, 24), "clothes": _pick(rng, CLOTHES), "skin": shade(fur, 0.9)}

    def back(self, canvas: skia.Canvas, c: FaceControls) -> None:
        for side in (-1, 1):
            fill(canvas, oval(side * 1.08, -0.05, 0.36, 0.4), self.colors["fur"])
            fill(canvas, oval(side * 1.1, -0.05, 0.22, 0.27), shade(self.colors["face"], 0.85))

    def head(self, canvas: skia.Canvas, c: FaceControls) -> None:
        fur = self.colors["fur"]
        shape = oval_path(0.0, -0.1, 1.05, 1.1)
        cel(canvas, shape, fur, rim=0.75, highlight=0.25)
        for x, lean in ((-0.12, -0.15), (0.06, 0.1), (0.2, 0.25)):  # a tuft on the crown
            tuft = polygon([(x - 0.1, -1.1), (x + lean, -1.42), (x + 0.1, -1.1)], smooth=False)
            fill(canvas, tuft, shade(fur, 0.85))

    def face(self, canvas: skia.Canvas, c: FaceControls) -> None:
        face = self.colors["face"]
        mask = skia.Path()
        mask.addOval(oval(-0.3, -0.18, 0.38, 0.36))
        mask.addOval(oval(0.3, -0.18, 0.38, 0.36))
        mask.addOval(oval(0.0, 0.42, 0.62, 0.5))
        mask.setFillType(skia.PathFillType.kWinding)
        cel(canvas, mask, face, rim=0.88, thickness=0.04)
        for side in (-1, 1):
            draw_eye(canvas, c, side, side * 0.28, -0.16, 0.15, 0.12, self.colors["iris"], shade(face, 0.9),
                     (40, 24, 18), 0.75, sclera=(236, 226, 210))
            draw_brow(canvas, c, side, side * 0.28, -0.4, 0.2, shade(self.colors["fur"], 0.7), 0.09)
        for side in (-1, 1):
            fill(canvas, oval(side * 0.08, 0.22, 0.05, 0.035), (70, 40, 30))
        draw_mouth(canvas, c, 0.0, 0.55, 0.34, shade(face, 0.7), (60, 36, 28), lip_thickness=0.04)


class Robot(Character):
    """Metal head, LED eyes that blink by shrinking, a grille mouth whose bars follow the jaw, an antenna."""

    kind = CharacterType.robot
    ink = (20, 22, 26)

    def choose_look(self, rng: np.random.Generator) -> dict:
        return {"metal": _pick(rng, [(190, 196, 206), (220, 170, 60), (90, 130, 200), (200, 90, 80)]),
                "led": _pick(rng, [(80, 230, 255), (120, 255, 140), (255, 120, 200), (255, 200, 80)]),
                "visor": (18, 22, 32), "clothes": _pick(rng, [(80, 86, 98), (60, 64, 74), (140, 146, 156)]),
                "skin": (90, 96, 108), "variant": int(rng.integers(2))}

    def torso(self, canvas: skia.Canvas, c: FaceControls) -> None:
        draw_torso(canvas, c, TORSO_TOP, 1.65, self.colors["clothes"], self.colors["skin"], neck=0.26, ink=self.ink,
                   outline=0.025 * self.outline)
        led = self.colors["led"]
        for k in range(3):
            y = 1.75 + 0.17 * k - 0.035 * c.breath
            fill(canvas, oval(-0.5 + 0.18 * k, y, 0.05, 0.05), led, alpha=0.55 + 0.45 * (c.breath > k - 1.5))

    def back(self, canvas: skia.Canvas, c: FaceControls) -> None:
        metal = self.colors["metal"]
        stem = skia.Path()
        stem.moveTo(0.0, -1.1)
        stem.lineTo(0.0 + 0.04 * math.sin(c.head_roll * 10), -1.55)
        stroke(canvas, stem, shade(metal, 0.6), 0.05)
        fill(canvas, oval(0.0, -1.58, 0.18, 0.18), self.colors["led"], alpha=0.4, blur=0.08)
        fill(canvas, oval(0.0, -1.58, 0.09, 0.09), self.colors["led"])
        for side in (-1, 1):
            fill(canvas, skia.Path().addRRect(skia.RRect.MakeRectXY(
                skia.Rect.MakeLTRB(side * 1.0 - 0.14, -0.35, side * 1.0 + 0.14, 0.3), 0.08, 0.08)), shade(metal, 0.7))

    def head(self, canvas: skia.Canvas, c: FaceControls) -> None:
        metal = self.colors["metal"]
        corner = 0.35 if self.variant == 0 else 0.7
        shell = skia.Path().addRRect(skia.RRect.MakeRectXY(skia.Rect.MakeLTRB(-1.0, -1.15, 1.0, 1.0), corner, corner))
        cel(canvas, shell, metal, rim=0.6, thickness=0.08, highlight=0.35)
        self.outline_path(canvas, shell, 0.03)
        for x, y in ((-0.85, -1.0), (0.85, -1.0), (-0.85, 0.85), (0.85, 0.85)):
            fill(canvas, oval(x, y, 0.04, 0.04), shade(metal, 0.55))

    def face(self, canvas: skia.Canvas, c: FaceControls) -> None:
        led = self.colors["led"]
        visor = skia.Path().addRRect(skia.RRect.MakeRectXY(skia.Rect.MakeLTRB(-0.8, -0.72, 0.8, 0.78), 0.22, 0.22))
        fill(canvas, visor, self.colors["visor"])
        for side in (-1, 1):
            lid = min(max(c.lid_left if side < 0 else c.lid_right, 0.0), 1.0)
            half_h = 0.13 * (1.0 + 0.3 * c.eye_wide) * (1.0 - lid) + 0.012
            cx, cy = side * 0.38 + c.gaze_x * 0.06, -0.2 + c.gaze_y * 0.05
            eye = skia.Path().addRRect(skia.RRect.MakeRectXY(
                skia.Rect.MakeLTRB(cx - 0.2, cy - half_h, cx + 0.2, cy + half_h), 0.08, min(0.08, half_h)))
            fill(canvas, eye, led, alpha=0.55, blur=0.07)
            fill(canvas, eye, led, shader=radial(cx, cy, 0.22, [(255, 255, 255), led], [0.0, 0.7]))
            raise_ = c.brow_left if side < 0 else c.brow_right
            brow = skia.Path()
            inner_y = -0.48 - 0.1 * raise_ + 0.08 * c.brow_furrow
            brow.moveTo(side * 0.2, inner_y)
            brow.lineTo(side * 0.56, -0.5 - 0.08 * raise_ - 0.02 * c.brow_furrow)
            stroke(canvas, brow, led, 0.05, alpha=0.9)
        self.grille(canvas, c, led)

    def grille(self, canvas: skia.Canvas, c: FaceControls, led: RGB) -> None:
        bars = 9
        width = 0.48 * (1.0 + 0.25 * c.mouth_wide)
        opening = max(c.jaw_open, 0.0) * (1.0 - min(c.lip_press, 1.0))
        for k in range(bars):
            x = -width + (2 * width) * k / (bars - 1)
            profile = 1.0 - (abs(x) / (width + 1e-6)) ** 2 * 0.7
            half_h = 0.018 + 0.26 * opening * profile + 0.03 * c.smile * (abs(x) / width)
            y = 0.38 - 0.06 * c.smile * (abs(x) / width) ** 2
            bar = skia.Path().addRRect(skia.RRect.MakeRectXY(
                skia.Rect.MakeLTRB(x - 0.03, y - half_h, x + 0.03, y + half_h), 0.03, 0.03))
            fill(canvas, bar, led, alpha=0.45, blur=0.04)
            fill(canvas, bar, shade(led, 1.3))


class Animal(Character):
    """A fox, a cat or a bear cub (by seed): ears, fur cheeks, a snout with a dark nose, whiskers."""

    kind = CharacterType.animal
    ink = (30, 24, 22)

    def choose_look(self, rng: np.random.Generator) -> dict:
        variant = int(rng.integers(3))
        fur, light = [((222, 118, 48), (250, 240, 228)), ((150, 150, 160), (236, 236, 240)),
                      ((128, 86, 56), (214, 176, 132))][variant]
        return {"fur": fur, "light": light, "iris": _pick(rng, [(210, 150, 40), (90, 170, 90), (60, 40, 30)]),
                "clothes": _pick(rng, CLOTHES), "skin": shade(fur, 0.85), "variant": variant}

    def back(self, canvas: skia.Canvas, c: FaceControls) -> None:
        fur, light = self.colors["fur"], self.colors["light"]
        for side in (-1, 1):
            if self.variant == 2:  # round bear ears
                fill(canvas, oval(side * 0.78, -0.95, 0.32, 0.3), fur)
                fill(canvas, oval(side * 0.78, -0.93, 0.18, 0.17), shade(light, 0.85))
            else:
                tip = (side * 0.95, -1.75) if self.variant == 0 else (side * 0.9, -1.55)
                ear = polygon([(side * 0.35, -0.95), tip, (side * 1.05, -0.45)], smooth=False)
                fill(canvas, ear, fur)
                inner = polygon([(side * 0.48, -0.9), (tip[0] * 0.93, tip[1] * 0.88), (side * 0.95, -0.55)],
                                smooth=False)
                fill(canvas, inner, shade(light, 0.8) if self.variant else (60, 40, 36))

    def head(self, canvas: skia.Canvas, c: FaceControls) -> None:
        fur = self.colors["fur"]
        shape = polygon([(0, -1.05), (0.8, -0.9), (1.12, -0.2), (1.25, 0.45), (0.6, 0.9), (0, 1.0), (-0.6, 0.9),
                         (-1.25, 0.45), (-1.12, -0.2), (-0.8, -0.9)])
        cel(canvas, shape, fur, rim=0.75, highlight=0.25)

    def face(self, canvas: skia.Canvas, c: FaceControls) -> None:
        light, fur = self.colors["light"], self.colors["fur"]
        cheeks = polygon([(-1.2, 0.45), (-0.5, 0.05), (0, 0.2), (0.5, 0.05), (1.2, 0.45), (0.55, 0.92), (0, 1.02),
                          (-0.55, 0.92)])
        fill(canvas, cheeks, light)
        for side in (-1, 1):
            draw_eye(canvas, c, side, side * 0.4, -0.2, 0.19, 0.15, self.colors["iris"], shade(fur, 0.95),
                     self.ink, 0.72, sclera=(250, 246, 236), lashes=0.03)
            draw_brow(canvas, c, side, side * 0.4, -0.47, 0.17, shade(fur, 0.75), 0.05)
        nose = polygon([(-0.13, 0.22), (0.13, 0.22), (0.0, 0.36)])
        fill(canvas, nose, (34, 26, 26), shader=radial(-0.03, 0.24, 0.15, [(110, 96, 96), (30, 24, 24)]))
        draw_mouth(canvas, c, 0.0, 0.56, 0.24, (120, 60, 60), self.ink, lip_thickness=0.022)
        if self.variant < 2:
            for side in (-1, 1):
                for k in range(3):
                    whisker = skia.Path()
                    whisker.moveTo(side * 0.3, 0.42 + 0.05 * k)
                    whisker.quadTo(side * 0.7, 0.36 + 0.09 * k, side * 1.05, 0.34 + 0.13 * k)
                    stroke(canvas, whisker, (250, 250, 250), 0.012, alpha=0.7)


CHARACTERS: dict[CharacterType, type[Character]] = {
    cls.kind: cls for cls in (Person, Monkey, Anime, Cartoon, Robot, Animal, Fantasy, Cyborg)
}


def make_character(kind: CharacterType, seed: int, color_map: ColorMap, outline: float = 1.0) -> Character:
    """The built-in character of ``kind`` with the look ``seed`` picks."""
    return CHARACTERS[kind](np.random.default_rng([seed, 0xC4A7]), color_map, outline)
