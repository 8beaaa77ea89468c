import pytest

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


@pytest.mark.parametrize("quality", list(Quality))
@pytest.mark.parametrize("aspect", list(Aspect))
def test_scene_size_is_even_and_never_above_the_frame(quality, aspect):
    preset = preset_for(quality, aspect)
    width, height = preset.scene_size
    assert width % 2 == height % 2 == 0
    assert width <= preset.width and height <= preset.height
    assert width / height == pytest.approx(preset.width / preset.height, rel=0.01)
    if quality is Quality.quality:
        assert preset.scene_size == preset.size
