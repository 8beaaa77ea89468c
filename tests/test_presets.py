from reelforge.presets import preset_for
from reelforge.request import Aspect, Quality


def test_presets_match_the_spec():
    table = {q: (p.fps, p.width, p.height, p.bitrate) for q in Quality for p in [preset_for(q)]}
    assert table == {
        Quality.speed: (15, 720, 1280, 2_000_000),
        Quality.balanced: (24, 1080, 1920, 4_000_000),
        Quality.quality: (30, 1080, 1920, 8_000_000),
        Quality.ultra: (30, 2160, 3840, 16_000_000),
    }


def test_aspect_variants_keep_the_pixel_class():
    assert preset_for(Quality.balanced, Aspect.landscape).size == (1920, 1080)
    assert preset_for(Quality.balanced, Aspect.square).size == (1080, 1080)
    assert preset_for(Quality.speed, Aspect.landscape).size == (1280, 720)
