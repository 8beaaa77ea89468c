"""Look stage: styles, LUTs, mood grade, lighting, atmosphere, grain and other per-frame finishes."""
