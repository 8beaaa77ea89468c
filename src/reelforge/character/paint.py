"""Anti-aliased vector drawing with skia-python: paints, gradients and the face parts characters share.

Why skia: it draws anti-aliased paths, gradients and blurs straight into a NumPy frame (no copy, about
0.2 ms for a head's worth of paths at 1080x1920), where pycairo would need a BGRA surface and a channel swap
per frame. All coordinates here are in head units (the canvas is set up so the head's half width is 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import skia

from reelforge.character.rig import FaceControls

RGB = tuple[int, int, int]
ColorMap = Callable[[Sequence[RGB]], list[RGB]]


def color(rgb: RGB, alpha: float = 1.0) -> int:
    return skia.Color(int(rgb[0]), int(rgb[1]), int(rgb[2]), int(round(alpha * 255)))


def shade(rgb: RGB, factor: float) -> RGB:
    """Darker (factor < 1) or lighter (factor > 1, towards white) version of a colour."""
    if factor <= 1.0:
        return tuple(int(c * factor) for c in rgb)  # type: ignore[return-value]
    return tuple(int(c + (255 - c) * (factor - 1.0)) for c in rgb)  # type: ignore[return-value]


def fill(canvas: skia.Canvas, shape, rgb: RGB, alpha: float = 1.0, shader: skia.Shader | None = None,
         blur: float = 0.0) -> None:
    """Fill a path, rect or oval (skia.Rect drawn as an oval) with a colour or a shader."""
    paint = skia.Paint(AntiAlias=True, Color=color(rgb, alpha))
    if shader is not None:
        paint.setShader(shader)
    if blur > 0:
        paint.setMaskFilter(skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, blur))
    if isinstance(shape, skia.Rect):
        canvas.drawOval(shape, paint)
    else:
        canvas.drawPath(shape, paint)


def cel(canvas: skia.Canvas, shape, base: RGB, rim: float = 0.8, thickness: float = 0.07,
        light: tuple[float, float] = (-0.35, -0.5), highlight: float = 0.16) -> None:
    """Toon shading from solid fills: a darker rim, the base colour inset towards the light, a soft highlight.

    Solid fills, because this skia build fills gradients at about 15 ns a pixel (a face would cost 6 ms at
    1080x1920) and solid colour at 1 ns.
    """
    path = skia.Path().addOval(shape) if isinstance(shape, skia.Rect) else shape
    fill(canvas, path, shade(base, rim))
    bounds = path.getBounds()
    cx, cy, w, h = bounds.centerX(), bounds.centerY(), max(bounds.width(), 1e-6), max(bounds.height(), 1e-6)
    canvas.save()
    canvas.translate(cx + light[0] * thickness * 0.7, cy + light[1] * thickness * 0.7)
    canvas.scale(1.0 - 2 * thickness / w, 1.0 - 2 * thickness / h)
    canvas.translate(-cx, -cy)
    fill(canvas, path, base)
    canvas.restore()
    if highlight > 0:
        canvas.save()
        canvas.clipPath(path, doAntiAlias=True)
        fill(canvas, oval(cx + light[0] * w * 0.22, cy + light[1] * h * 0.22, w * 0.3, h * 0.24), shade(base, 1.25),
             alpha=highlight)
        canvas.restore()


def stroke(canvas: skia.Canvas, path: skia.Path, rgb: RGB, width: float, alpha: float = 1.0) -> None:
    paint = skia.Paint(AntiAlias=True, Color=color(rgb, alpha), Style=skia.Paint.kStroke_Style,
                       StrokeWidth=width, StrokeCap=skia.Paint.kRound_Cap, StrokeJoin=skia.Paint.kRound_Join)
    canvas.drawPath(path, paint)


def oval(cx: float, cy: float, rx: float, ry: float) -> skia.Rect:
    return skia.Rect.MakeLTRB(cx - rx, cy - ry, cx + rx, cy + ry)


def oval_path(cx: float, cy: float, rx: float, ry: float) -> skia.Path:
    return skia.Path().addOval(oval(cx, cy, rx, ry))


def radial(cx: float, cy: float, radius: float, colors: Sequence[RGB], stops: Sequence[float] | None = None,
           alpha: float = 1.0) -> skia.Shader:
    return skia.GradientShader.MakeRadial(skia.Point(cx, cy), radius, [color(c, alpha) for c in colors],
                                          list(stops) if stops else None)


def linear(x0: float, y0: float, x1: float, y1: float, colors: Sequence[RGB]) -> skia.Shader:
    return skia.GradientShader.MakeLinear([skia.Point(x0, y0), skia.Point(x1, y1)], [color(c) for c in colors])


def polygon(points: Sequence[tuple[float, float]], smooth: bool = True) -> skia.Path:
    """A closed path through points; smooth: quadratic curves through the midpoints (a rounded outline)."""
    path = skia.Path()
    if not smooth:
        path.addPoly([skia.Point(*p) for p in points], True)
        return path
    count = len(points)
    mid = [((points[i][0] + points[(i + 1) % count][0]) / 2, (points[i][1] + points[(i + 1) % count][1]) / 2)
           for i in range(count)]
    path.moveTo(*mid[-1])
    for i in range(count):
        path.quadTo(*points[i], *mid[i])
    path.close()
    return path


def mirrored_path(top: tuple[float, float],
                  right: Sequence[tuple[tuple[float, float], tuple[float, float], tuple[float, float]]]) -> skia.Path:
    """A closed path symmetric about x = 0: from ``top`` down the right side through cubic segments (control,
    control, end), straight across to the mirror of the last end, and back up the mirrored left side."""
    path = skia.Path()
    path.moveTo(*top)
    for c1, c2, end in right:
        path.cubicTo(*c1, *c2, *end)
    ends = [top] + [segment[2] for segment in right]
    path.lineTo(-ends[-1][0], ends[-1][1])
    for (c1, c2, _), end in zip(reversed(right), reversed(ends[:-1])):
        path.cubicTo(-c2[0], c2[1], -c1[0], c1[1], -end[0], end[1])
    path.close()
    return path


def almond(cx: float, cy: float, rx: float, ry: float, top: float = 1.3, bottom: float = 1.1) -> skia.Path:
    """An eye-shaped outline: two curves between the corners."""
    path = skia.Path()
    path.moveTo(cx - rx, cy)
    path.cubicTo(cx - rx * 0.5, cy - ry * top, cx + rx * 0.5, cy - ry * top, cx + rx, cy)
    path.cubicTo(cx + rx * 0.5, cy + ry * bottom, cx - rx * 0.5, cy + ry * bottom, cx - rx, cy)
    path.close()
    return path


def draw_eye(canvas: skia.Canvas, c: FaceControls, side: int, cx: float, cy: float, rx: float, ry: float,
             iris: RGB, lid_skin: RGB, ink: RGB, iris_size: float = 0.62, sclera: RGB = (246, 244, 240),
             lashes: float = 0.035, sparkle: int = 1) -> None:
    """A human-like eye: sclera, iris with a gradient, pupil, highlights, and an upper lid that closes."""
    ry *= 1.0 + 0.22 * c.eye_wide
    lid = min(max(c.lid_left if side < 0 else c.lid_right, 0.0), 1.0)
    shape = almond(cx, cy, rx, ry)
    canvas.save()
    canvas.clipPath(shape, doAntiAlias=True)
    fill(canvas, shape, sclera)
    ix, iy = cx + c.gaze_x * rx * 0.38, cy + c.gaze_y * ry * 0.35
    radius = ry * iris_size * 1.5
    fill(canvas, oval(ix, iy, radius, radius), iris,
         shader=radial(ix, iy - radius * 0.3, radius * 1.2, [shade(iris, 1.35), iris, shade(iris, 0.45)],
                       [0.0, 0.55, 1.0]))
    fill(canvas, oval(ix, iy, radius * 0.45, radius * 0.45), (12, 10, 12))
    for k in range(sparkle):
        size = radius * (0.28 if k == 0 else 0.14)
        fill(canvas, oval(ix + radius * (0.35 - 0.7 * k), iy - radius * (0.35 - 0.75 * k), size, size),
             (255, 255, 255), alpha=0.9)
    # the upper lid comes down over the eye; the lid crease follows it
    fill(canvas, shape, (0, 0, 0), alpha=0.12, shader=linear(cx, cy - ry, cx, cy, [(60, 40, 40), (255, 255, 255)]))
    edge = cy - ry * 1.3 + lid * ry * 2.5
    lid_path = skia.Path()
    lid_path.moveTo(cx - rx * 1.2, cy - ry * 2)
    lid_path.lineTo(cx + rx * 1.2, cy - ry * 2)
    lid_path.lineTo(cx + rx * 1.2, cy)
    lid_path.cubicTo(cx + rx * 0.5, edge, cx - rx * 0.5, edge, cx - rx * 1.2, cy)
    lid_path.close()
    fill(canvas, lid_path, lid_skin)
    canvas.restore()
    lash = skia.Path()
    lash.moveTo(cx - rx, cy)
    lash.cubicTo(cx - rx * 0.5, edge, cx + rx * 0.5, edge, cx + rx, cy)
    stroke(canvas, lash, ink, lashes * (1.0 + 0.5 * lid))
    if lashes > 0.04:  # a flick of lashes at the outer corner
        outer = cx + side * rx
        flick = skia.Path()
        flick.moveTo(outer, cy)
        flick.quadTo(outer + side * rx * 0.2, cy - ry * 0.3, outer + side * rx * 0.35, cy - ry * 0.55)
        stroke(canvas, flick, ink, lashes * 0.8)


def draw_brow(canvas: skia.Canvas, c: FaceControls, side: int, cx: float, cy: float, half: float, rgb: RGB,
              thickness: float) -> None:
    """A tapered brow over the eye at (cx, cy); side -1 is the viewer's left. Raised, lowered or furrowed."""
    raise_ = c.brow_left if side < 0 else c.brow_right
    lift = raise_ * 0.11 + c.micro * 0.008
    inner_x = cx - side * half * (1.0 - 0.12 * c.brow_furrow)
    outer_x = cx + side * half
    inner_y = cy - lift * (1.15 if raise_ > 0 else 0.9) + c.brow_furrow * 0.07
    outer_y = cy - lift * 0.75 + 0.03 + c.brow_furrow * -0.015
    mid_y = min(inner_y, outer_y) - 0.06 - lift * 0.2
    path = skia.Path()
    path.moveTo(inner_x, inner_y + thickness * 0.5)
    path.quadTo(cx, mid_y - thickness * 0.55, outer_x, outer_y)
    path.quadTo(cx, mid_y + thickness * 0.45, inner_x, inner_y - thickness * 0.5)
    path.close()
    fill(canvas, path, rgb)


def mouth_geometry(c: FaceControls, half_width: float) -> tuple[float, float, float, float]:
    """(half width, corner lift, upper-lip drop, lower-lip drop) of a mouth shaped by the controls."""
    wide = c.mouth_wide
    width = half_width * (1.0 + (0.22 * wide if wide > 0 else 0.42 * wide)) * (1.0 + 0.08 * max(c.smile, 0))
    opening = max(c.jaw_open, 0.0) * (1.0 - min(c.lip_press, 1.0)) * 0.42
    if wide < 0:
        opening *= 1.0 + 0.25 * -wide  # round shapes open more vertically than wide
    return width, c.smile * 0.085, opening * 0.32, opening * 0.68


def draw_mouth(canvas: skia.Canvas, c: FaceControls, cx: float, cy: float, half_width: float, lip: RGB,
               ink: RGB, teeth: bool = True, lip_thickness: float = 0.055, cavity: RGB = (62, 18, 26)) -> None:
    """Lips around a dark inner mouth with upper teeth and a tongue, shaped by jaw, width, press and smile."""
    width, lift, up, down = mouth_geometry(c, half_width)
    corner_y = cy - lift
    thick = lip_thickness * (1.0 + 0.6 * max(-c.mouth_wide, 0) + 0.3 * c.lip_press)
    bow = lift * 0.6  # the middle of the mouth follows the corners less than the corners themselves
    top_inner = cy - up - bow * 0.2
    bottom_inner = cy + down - bow * 0.2 - c.lip_tuck * 0.03

    inner = skia.Path()
    inner.moveTo(cx - width, corner_y)
    inner.cubicTo(cx - width * 0.5, top_inner, cx + width * 0.5, top_inner, cx + width, corner_y)
    inner.cubicTo(cx + width * 0.5, bottom_inner + down * 0.25, cx - width * 0.5, bottom_inner + down * 0.25,
                  cx - width, corner_y)
    inner.close()
    if down > 0.004:
        canvas.save()
        canvas.clipPath(inner, doAntiAlias=True)
        fill(canvas, inner, cavity)
        if teeth:
            fill(canvas, skia.Path().addRect(skia.Rect.MakeLTRB(cx - width, top_inner - 0.2, cx + width,
                                                                top_inner + 0.045 + 0.02 * c.lip_tuck)),
                 (238, 234, 226))
        fill(canvas, oval(cx, bottom_inner + down * 0.2, width * 0.55, down * 0.55), (176, 70, 80))
        canvas.restore()

    upper = skia.Path()
    upper.moveTo(cx - width, corner_y)
    upper.cubicTo(cx - width * 0.6, top_inner - thick * 0.9, cx - width * 0.25, top_inner - thick * 1.25,
                  cx, top_inner - thick * 0.95)
    upper.cubicTo(cx + width * 0.25, top_inner - thick * 1.25, cx + width * 0.6, top_inner - thick * 0.9,
                  cx + width, corner_y)
    upper.cubicTo(cx + width * 0.5, top_inner, cx - width * 0.5, top_inner, cx - width, corner_y)
    upper.close()
    lower_top = bottom_inner - thick * 0.35 * c.lip_tuck
    lower = skia.Path()
    lower.moveTo(cx - width, corner_y)
    lower.cubicTo(cx - width * 0.5, lower_top + down * 0.25, cx + width * 0.5, lower_top + down * 0.25,
                  cx + width, corner_y)
    lower.cubicTo(cx + width * 0.55, lower_top + thick * 1.6, cx - width * 0.55, lower_top + thick * 1.6,
                  cx - width, corner_y)
    lower.close()
    fill(canvas, upper, shade(lip, 0.85))
    fill(canvas, lower, lip, shader=linear(cx, lower_top, cx, lower_top + thick * 1.4, [shade(lip, 1.15), lip]))
    seam = skia.Path()
    seam.moveTo(cx - width * 1.04, corner_y)
    seam.cubicTo(cx - width * 0.5, top_inner + (down * 0.1), cx + width * 0.5, top_inner + (down * 0.1),
                 cx + width * 1.04, corner_y)
    stroke(canvas, seam, ink, 0.012 + 0.01 * (1 - min(down * 8, 1)), alpha=0.8)


def shoulder_line(top: float, c: FaceControls) -> float:
    """Where ``draw_torso`` puts the shoulders (head units) for a torso from ``top``: breathing lifts them."""
    return top + 0.28 - 0.035 * c.breath


def draw_torso(canvas: skia.Canvas, c: FaceControls, top: float, shoulder: float, shirt: RGB, skin: RGB,
               neck: float = 0.34, collar: RGB | None = None, ink: RGB | None = None, outline: float = 0.025) -> None:
    """Neck, shoulders and chest from ``top`` (head units) to far below the frame; breathing lifts and widens.

    The arms are in shade beyond a sleeve seam from each armpit down, the neckline has a band (``collar``, else
    a darker shirt colour), and with ``ink`` the body is outlined ``outline`` wide, as the heads are.
    """
    widen = 1.0 + 0.012 * c.breath
    fill(canvas, skia.Path().addRect(skia.Rect.MakeLTRB(-neck, top - 0.6, neck, top + 0.5)), shade(skin, 0.72))
    s = shoulder * widen
    y = shoulder_line(top, c)
    body = skia.Path()
    body.moveTo(-neck * 1.1, y - 0.05)
    body.cubicTo(-s * 0.55, y - 0.02, -s * 0.95, y + 0.08, -s, y + 0.55)
    body.lineTo(-s * 1.05, y + 4.0)
    body.lineTo(s * 1.05, y + 4.0)
    body.lineTo(s, y + 0.55)
    body.cubicTo(s * 0.95, y + 0.08, s * 0.55, y - 0.02, neck * 1.1, y - 0.05)
    body.quadTo(0, y + 0.32, -neck * 1.1, y - 0.05)
    body.close()
    cel(canvas, body, shirt, rim=0.7, thickness=0.12, light=(0.0, -1.0), highlight=0.0)
    canvas.save()
    canvas.clipPath(body, doAntiAlias=True)
    for side in (-1, 1):
        seam = skia.Path()
        seam.moveTo(side * s * 0.8, y + 0.12)
        seam.cubicTo(side * s * 0.66, y + 0.55, side * s * 0.68, y + 1.2, side * s * 0.74, y + 4.0)
        arm = skia.Path(seam)
        arm.lineTo(side * s * 1.2, y + 4.0)
        arm.lineTo(side * s * 1.2, y + 0.12)
        arm.close()
        fill(canvas, arm, shade(shirt, 0.82))
        stroke(canvas, seam, shade(shirt, 0.6), 0.03)
    canvas.restore()
    neckline = skia.Path()
    neckline.moveTo(-neck * 1.1, y - 0.05)
    neckline.quadTo(0, y + 0.32, neck * 1.1, y - 0.05)
    stroke(canvas, neckline, collar if collar is not None else shade(shirt, 0.72), 0.07)
    if ink is not None and outline > 0:
        stroke(canvas, body, ink, outline, alpha=0.85)
