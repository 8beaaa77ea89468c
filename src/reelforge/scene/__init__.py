"""Scene stage: backgrounds built from a scene's keywords, or from the user's photo, as depth layers."""

from reelforge.scene.builder import SOURCE_MARGIN, THEMES, TIMES_OF_DAY, build_layers, image_layers, source_size
from reelforge.scene.layers import Layer, flatten

__all__ = ["Layer", "SOURCE_MARGIN", "THEMES", "TIMES_OF_DAY", "build_layers", "flatten", "image_layers",
           "source_size"]
