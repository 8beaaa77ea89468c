import cv2
import numpy as np
import pytest

from reelforge.scene import THEMES, TIMES_OF_DAY, build_layers, flatten, image_layers
from reelforge.scene.keywords import atmosphere_of, theme_of_text, theme_or_none, time_of_day
from reelforge.scene import themes
from reelforge.scene.sky import PALETTES
from reelforge.scene.themes import HORIZON
from reelforge.errors import MediaError

SIZE = (351, 624)


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_draws_depth_layers(theme):
    layers = build_layers(theme, "day", *SIZE, seed=1)
    assert len(layers) >= 3
    assert layers[0].alpha is None and all(layer.alpha is not None for layer in layers[1:])
    depths = [layer.depth for layer in layers]
    assert depths == sorted(depths) and depths[-1] == 1.0
    image = flatten(layers)
    assert image.shape == (SIZE[1], SIZE[0], 3)
    assert image.std() > 12  # a picture, not a flat fill


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("paint_width", [SIZE[0], SIZE[0] // 2])
def test_every_layer_has_the_source_size_whether_painted_small_or_full(theme, paint_width):
    for layer in build_layers(theme, "night", *SIZE, seed=4, paint_width=paint_width):
        assert layer.rgb.shape == (SIZE[1], SIZE[0], 3)
        assert layer.alpha is None or layer.alpha.shape == (SIZE[1], SIZE[0])


def test_themes_differ_from_each_other():
    images = {theme: flatten(build_layers(theme, "sunset", *SIZE, seed=1)).astype(np.float32) for theme in THEMES}
    for a in THEMES:
        for b in THEMES:
            if a < b:
                assert np.abs(images[a] - images[b]).mean() > 8, (a, b)


def test_time_of_day_changes_the_sky():
    sky = {time: flatten(build_layers("sky", time, *SIZE, seed=2))[:100].mean(axis=(0, 1)) for time in TIMES_OF_DAY}
    assert sky["night"].mean() < 40 < sky["day"].mean()
    assert sky["day"][2] > sky["day"][0]  # blue day sky
    assert flatten(build_layers("sky", "sunset", *SIZE, 2))[300:360].mean(axis=(0, 1))[0] > sky["night"][0]


def test_night_sky_has_stars():
    top = flatten(build_layers("sky", "night", *SIZE, seed=3))[:150].astype(np.int32)
    local = top - np.median(top)
    assert (local.max(axis=2) > 60).sum() > 5


def test_keywords_choose_the_scene():
    assert theme_of_text("Waves crash on the beach") == "ocean"
    assert theme_of_text("The city skyline at night") == "city"
    assert theme_of_text("Lost among the stars and planets") == "space"
    assert theme_of_text("nothing here") == "sky"
    assert time_of_day("A quiet sunset") == "sunset" and time_of_day("At dawn") == "dawn"
    assert time_of_day("Caravans crossed the dunes in the heat") == "day"  # not a moonlit night by chance
    assert time_of_day("A scorching summer") == "day" and time_of_day("So hot") == "day"
    assert atmosphere_of("a storm with heavy rain") == "rain" and atmosphere_of("snow in winter") == "snow"


def test_user_image_covers_the_source(tmp_path):
    import cv2
    from skimage.data import astronaut

    path = tmp_path / "photo.png"
    cv2.imwrite(str(path), cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR))
    layers = image_layers(path, *SIZE)
    assert len(layers) == 1 and layers[0].rgb.shape == (SIZE[1], SIZE[0], 3)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    with pytest.raises(MediaError, match="background_image"):
        image_layers(bad, *SIZE)


@pytest.mark.parametrize("time_of_day, seed", [("sunset", 7), ("day", 3), ("dawn", 1)])
def test_mountain_faces_are_lit_broadly_not_in_vertical_streaks(time_of_day, seed):
    """Light on a range follows its faces: below the crest, neighbouring columns differ little (the light of
    every notch of the ridge once ran down the whole range in streaks, twice as strong as this bound)."""
    for layer in build_layers("mountains", time_of_day, 702, 1248, seed)[1:3]:
        gray = cv2.cvtColor(layer.rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
        solid = np.flatnonzero(layer.alpha.min(axis=1) == 255)[0]
        columns = gray[solid + 20 : solid + 220].mean(axis=0)
        assert np.std(columns - cv2.GaussianBlur(columns[None, :], (0, 0), 12)[0]) < 0.7


@pytest.mark.parametrize("seed", [2, 5])
def test_a_wet_night_street_mirrors_the_lit_skyline(seed):
    """Under a night skyline the street shows its lit windows: the brightness of the blocks just above the
    street, across the width, comes back in the street just below them (the old street of noise streaks did
    not follow the buildings at all: -0.1). Compared at the scale of the ripples that shift the mirror image
    sideways (about 6 pixels): column by column, the same street correlates at 0.2-0.6 depending on the layout."""
    width, height = 702, 1248
    image = cv2.cvtColor(flatten(build_layers("city", "night", width, height, seed)), cv2.COLOR_RGB2GRAY)
    street_top = int((HORIZON + 0.16) * height)
    blocks, street, near_viewer = (
        cv2.GaussianBlur(image[rows].astype(np.float32).mean(axis=0)[None, :], (0, 0), 6)[0]
        for rows in (slice(street_top - 60, street_top - 4), slice(street_top + 4, street_top + 60), slice(-60, None)))
    assert np.corrcoef(blocks, street)[0, 1] > 0.4
    # the mirror image fades away from the blocks it mirrors
    assert np.corrcoef(blocks, street)[0, 1] > np.corrcoef(blocks, near_viewer)[0, 1] + 0.2


@pytest.mark.parametrize("seed", [3, 8])
def test_a_day_street_is_lit_asphalt_not_the_night_one(seed):
    """By day the street is grey asphalt in daylight, evenly lit: the night street's near-black colours
    with bright streaks made half of it darker than 45 (of 255)."""
    image = flatten(build_layers("city", "day", 702, 1248, seed=seed))
    street = image[int((HORIZON + 0.16) * 1248) + 10 :].astype(np.float32).mean(axis=2)
    assert np.percentile(street, 10) > 50


def _first_opaque_rows(alpha: np.ndarray) -> np.ndarray:
    return np.argmax(alpha > 127, axis=0)


def test_the_beach_meets_the_sea_along_a_gentle_shore():
    for seed in (1, 2, 3):
        beach = build_layers("ocean", "day", *SIZE, seed=seed)[-1]
        shore = _first_opaque_rows(beach.alpha).astype(np.float32)
        assert np.ptp(shore) < 0.04 * SIZE[1], seed  # a shoreline, not a jagged ridge
        assert np.abs(np.diff(shore)).max() <= 2, seed


def _vertical_frequency(band: np.ndarray) -> float:
    """The mean frequency (cycles a row) of the light and dark down the columns of a grey band."""
    detrended = (band - band.mean(axis=0)) * np.hanning(band.shape[0])[:, None]
    power = (np.abs(np.fft.rfft(detrended, axis=0)) ** 2).mean(axis=1)[1:]
    return float((np.fft.rfftfreq(band.shape[0])[1:] * power).sum() / power.sum())


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_waves_crowd_towards_the_horizon_in_perspective(seed):
    sea = cv2.cvtColor(build_layers("ocean", "day", *SIZE, seed=seed)[2].rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    horizon = int(HORIZON * SIZE[1])
    far, near = (sea[horizon + int(top * SIZE[1]) : horizon + int((top + 0.08) * SIZE[1])] for top in (0.03, 0.13))
    assert _vertical_frequency(far) > 1.25 * _vertical_frequency(near)


def test_the_sea_mirrors_the_sky_of_its_time_of_day():
    horizon = int(HORIZON * SIZE[1])
    for time, warm in (("sunset", True), ("day", False)):
        image = flatten(build_layers("ocean", time, *SIZE, seed=6)).astype(np.float32)
        sky, sea = image[horizon - 20 : horizon].mean(axis=(0, 1)), image[horizon + 5 : horizon + 40].mean(axis=(0, 1))
        assert (sea[0] > sea[2]) == warm, (time, sea)
        assert np.abs(sea - sky).max() < 60, (time, sea, sky)
    night = flatten(build_layers("ocean", "night", *SIZE, seed=6))[horizon:].mean()
    assert night < 60


def test_dunes_are_lit_on_the_side_of_the_sun():
    h, w = SIZE[1], SIZE[0]
    palette = PALETTES["day"]

    def front_dune(sun_x: float) -> tuple[np.ndarray, np.ndarray]:
        dune = themes.desert(h, w, palette, np.random.default_rng(4), (sun_x, 100.0))[-1]
        return cv2.cvtColor(dune.rgb, cv2.COLOR_RGB2GRAY).astype(np.float32), dune.alpha

    left, alpha = front_dune(0.1 * w)
    right, _ = front_dune(0.9 * w)
    crest = _first_opaque_rows(alpha)
    slope = np.gradient(cv2.GaussianBlur(crest.astype(np.float32)[None, :], (0, 0), 0.01 * w)[0])
    band = [slice(row + 2, row + 30) for row in crest]
    lit_from_left = np.array([left[rows, col].mean() - right[rows, col].mean() for col, rows in enumerate(band)])
    steep = np.abs(slope) > 0.2  # columns on a clear slope
    # a slope descending to the left (crest row falling leftwards) faces the left sun
    assert np.corrcoef(lit_from_left[steep], -slope[steep])[0, 1] > 0.5


def test_desert_sand_is_moonlit_at_night():
    horizon = int(HORIZON * SIZE[1])
    day, night = (flatten(build_layers("desert", time, *SIZE, seed=3))[horizon + 60 :].astype(np.float32)
                  for time in ("day", "night"))
    assert night.mean() < 0.55 * day.mean()
    # silver-blue under the moon, its hue mostly gone (brown-grey sand, blue 0.85 of red, was)
    assert night[..., 2].mean() > night[..., 0].mean() * 1.15


@pytest.mark.parametrize("time_of_day", ["day", "night"])  # by night the moon silvers the boughs' tips
def test_pines_are_lit_on_the_side_of_the_sun(time_of_day):
    h, w = SIZE[1], SIZE[0]

    def brightening_to_the_right(sun_x: float) -> float:
        """Mean left-to-right change of brightness inside the nearest pines (above their ground line)."""
        near = themes.forest(h, w, PALETTES[time_of_day], np.random.default_rng(2), (sun_x, 100.0))[-1]
        grey = cv2.cvtColor(near.rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
        inside = cv2.erode((near.alpha == 255).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        inside[int(0.95 * h):] = False  # the ground strip under the trees
        return float(np.gradient(grey, axis=1)[inside].mean())

    assert brightening_to_the_right(0.95 * w) > 0.15  # a flat-coloured pine: about 0
    assert brightening_to_the_right(0.05 * w) < -0.15


def test_the_default_hills_are_a_meadow_with_wild_flowers():
    image = flatten(build_layers("sky", "day", *SIZE, seed=4, paint_width=SIZE[0])).astype(np.int32)
    meadow = image[int(0.85 * SIZE[1]) :]
    flowers = meadow[..., 0] >= meadow[..., 1]  # white, yellow, pink and lavender specks; grass is green
    assert 0.002 < flowers.mean() < 0.1
    grass = meadow[~flowers]
    assert (grass[:, 1] > grass[:, 0] + 20).mean() > 0.95


def test_keywords_match_inflections_not_longer_words():
    assert theme_of_text("Every morning brings a fresh start") == "sky"  # not "star": no planet for a start
    assert theme_of_text("Search for the truth") != "ocean"  # not "sea"
    assert theme_of_text("The rocket launched") == "space"  # not "rock"
    assert theme_of_text("Hiking up there") == "mountains" and theme_of_text("Sunny skies") == "sky"
    assert time_of_day("Starry and late") == "night" and atmosphere_of("It kept raining") == "rain"
    for unrelated in ("Pins and needles", "Tidy your desk", "Skiing fast"):  # not pine, tide or sky
        assert theme_or_none(unrelated) is None, unrelated
    assert atmosphere_of("Firs") is None  # not fire
    assert atmosphere_of("Old pines stand in the fog") == "fog"  # naming the weather beats a word that goes with dust
    assert theme_of_text("The forest has a lone rock") == "forest"


def test_sadness_brings_rain_but_words_that_only_sound_sad_do_not():
    for sad in ("A sad goodbye at the station", "The willow is weeping", "A tearful farewell"):
        assert atmosphere_of(sad) == "rain", sad
    for calm in ("Gulls cry over the water", "They tear down the wall", "A cry of joy"):
        assert atmosphere_of(calm) is None, calm


@pytest.mark.parametrize("seed", [1, 3])
def test_a_low_sun_lays_a_path_of_light_brightest_at_the_horizon(seed):
    """Where waves are too fine to draw, near the horizon, their glitter averages into a smear of the sun under
    it, brighter than the sea beside it and brightest at the horizon (a sharp mirror there showed a second sun
    under the horizon and a path brightening towards the viewer)."""
    image = cv2.cvtColor(flatten(build_layers("ocean", "sunset", *SIZE, seed=seed)), cv2.COLOR_RGB2GRAY)
    image = image.astype(np.float32)
    horizon = int(HORIZON * SIZE[1])
    _, sun_x = np.unravel_index(np.argmax(cv2.GaussianBlur(image[:horizon], (0, 0), 3)), (horizon, SIZE[0]))
    band = image[horizon + 1 : horizon + int(0.15 * SIZE[1])]
    under = band[:, max(sun_x - 3, 0) : sun_x + 4].mean(axis=1)
    beside = band[:, np.r_[0 : max(sun_x - 40, 1), min(sun_x + 40, SIZE[0] - 1) : SIZE[0]]].mean(axis=1)
    path = under - beside
    assert path[:20].mean() > 25
    assert path[:20].mean() > 1.2 * path[20:60].mean()


def test_mist_fills_the_valleys_between_mountain_ranges():
    palette = PALETTES["day"]
    middle = build_layers("mountains", "day", *SIZE, seed=2)[2]  # sky, far range, middle range, near slope
    rows = np.arange(SIZE[1])[:, None]
    crest = _first_opaque_rows(middle.alpha)[None, :]
    haze = np.array([int(palette.haze[i : i + 2], 16) for i in (1, 3, 5)], np.float32)
    away = np.abs(middle.rgb.astype(np.float32) - haze).sum(axis=2)  # how far each pixel is from the haze
    under_crest = (rows > crest + 0.03 * SIZE[1]) & (rows < crest + 0.06 * SIZE[1])
    foot = np.broadcast_to((rows > crest.mean() + 0.2 * SIZE[1]) & (rows < crest.mean() + 0.25 * SIZE[1]), away.shape)
    assert away[foot].mean() < 0.6 * away[under_crest].mean()


def test_the_meadow_loses_its_green_by_moonlight():
    def meadow(time: str) -> tuple[float, float]:
        """The meadow's mean lightness and colourfulness (CIELAB L and chroma)."""
        image = flatten(build_layers("sky", time, *SIZE, seed=4, paint_width=SIZE[0]))
        lab = cv2.cvtColor(image[int(0.85 * SIZE[1]) :].astype(np.float32) / 255, cv2.COLOR_RGB2LAB)
        return float(lab[..., 0].mean()), float(np.hypot(lab[..., 1], lab[..., 2]).mean())

    (day_light, day_chroma), (night_light, night_chroma) = meadow("day"), meadow("night")
    assert night_light < 0.6 * day_light
    assert night_chroma < 0.3 * day_chroma  # grey-green under the moon (0.49 of the day's was: bright green)


def test_city_buildings_by_day_are_lit_facades_with_a_sunny_side():
    h, w = SIZE[1], SIZE[0]

    def near_skyline(sun_x: float) -> tuple[np.ndarray, np.ndarray]:
        layer = themes.city(h, w, PALETTES["day"], np.random.default_rng(5), (sun_x, 100.0), night=False)[1]
        buildings = layer.alpha == 255
        buildings[int((HORIZON + 0.16) * h) - 4 :] = False  # the street's rows
        return cv2.cvtColor(layer.rgb, cv2.COLOR_RGB2GRAY).astype(np.float32), buildings

    sun_left, buildings = near_skyline(0.1 * w)
    sun_right, _ = near_skyline(0.9 * w)
    assert sun_left[buildings].mean() > 90  # facades in daylight, not dark blocks (55 was)
    brighter = (sun_left - sun_right)[buildings]
    assert (brighter > 8).mean() > 0.1 and (brighter < -8).mean() > 0.1  # each wall lit when the sun is its side


def test_the_abstract_theme_draws_a_network_of_thin_glowing_links():
    """Between its far and near shapes: nodes linked by thin lines (the old middle layer was more solid shapes)."""
    for seed in (1, 4):
        layers = build_layers("abstract", "day", *SIZE, seed=seed, paint_width=SIZE[0])
        network = next(layer for layer in layers if 0.5 < layer.depth < 1.0)
        lit = (network.alpha > 200).astype(np.uint8)
        assert 0.005 < lit.mean() < 0.1
        assert cv2.erode(lit, np.ones((5, 5), np.uint8)).sum() < 0.35 * lit.sum()  # lines and dots, not areas


def test_snow_lies_on_the_peaks_in_crisp_ragged_patches():
    h, w = SIZE[1], SIZE[0]
    tops, partial = [], []
    for seed in (1, 2, 3, 4):
        snowy, bare = (themes._range_layer(h, w, np.random.default_rng(seed), PALETTES["day"], HORIZON - 0.02, 0.16,
                                           "#7d8aa6", 0.55, 0.45, snow=snow, mist=0.6) for snow in (True, False))
        whiter = (cv2.cvtColor(snowy.rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
                  - cv2.cvtColor(bare.rgb, cv2.COLOR_RGB2GRAY).astype(np.float32))  # the same range without snow
        opaque = snowy.alpha > 200
        below_crest = np.arange(h)[:, None] - _first_opaque_rows(snowy.alpha)[None, :]
        assert np.abs(whiter[opaque & (below_crest > 0.1 * h)]).max() < 1  # nothing below the peaks
        near = opaque & (below_crest >= 0) & (below_crest < 0.04 * h)
        tops.append((whiter[near] > 10).mean())
        partial.append(((whiter[near] > 3) & (whiter[near] <= 10)).mean())
    assert 0.05 < min(tops) and max(tops) < 0.8  # on every range's peaks, in patches rather than a cap
    assert sum(partial) < 0.15 * sum(tops)  # a crisp edge: few pixels half white


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_desert_buttes_are_flat_topped_and_sheer_over_a_talus(seed):
    h, w = SIZE[1], SIZE[0]
    horizon = int(HORIZON * h)
    mesas = themes.desert(h, w, PALETTES["day"], np.random.default_rng(seed), (0.8 * w, 100.0))[0]
    above = mesas.alpha[:horizon] > 127
    outline = np.where(above.any(axis=0), above.argmax(axis=0), horizon).astype(np.float32)
    standing = outline < horizon - 1
    steps = np.abs(np.diff(outline))
    on_mesa = standing[1:] & standing[:-1]
    rise = steps[standing[1:] | standing[:-1]]
    assert np.mean(steps[on_mesa] == 0) > 0.5  # mostly level caprock
    sheer = rise[rise >= 3].sum() / rise.sum()
    assert 0.5 < sheer < 0.85  # most of the height in cliffs (a rounded hill: about 0), the rest a talus skirt
