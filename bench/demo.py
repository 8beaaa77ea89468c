"""make demo: render one cinematic example per style, talking characters and a hybrid, and print each path."""

from __future__ import annotations

import sys
from pathlib import Path

from reelforge import VideoRequest, render

CHARACTERS = [
    ("character", "robot", "neon", "Hello, human! I run on sunlight and good questions.", "excited"),
    ("character", "anime", "anime", "Today we learn three tricks to sketch faster. Let's go!", "happy"),
    ("hybrid", "monkey", "cinematic", "Deep in the forest, the oldest trees talk through their roots.", None),
]

EXAMPLES = [
    ("cinematic", "slow_zoom_in", "The mountains at sunset hold a quiet kind of magic.", "calm", "none"),
    ("anime", "pan_right", "A city that never sleeps glows under neon rain tonight.", "excited", "rain"),
    ("realistic", "dolly", "The ocean at dawn: waves, tides and the first light.", "happy", "auto"),
    ("abstract", "orbit", "Every great idea begins as a small spark in the mind.", "surprised", "auto"),
    ("vintage", "tilt_down", "Long ago, caravans crossed the desert dunes in the heat.", "neutral", "dust"),
    ("neon", "crane", "Welcome to the city of the future, lit up at night.", "confident", "none"),
    ("noir", "pan_left", "A storm rolls over the dark forest at midnight.", "fearful", "rain"),
    ("watercolor", "slow_zoom_out", "Snow falls softly on the mountain village in winter.", "calm", "snow"),
]


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for index, (style, camera, text, emotion, atmosphere) in enumerate(EXAMPLES):
        request = VideoRequest(text=text, is_custom=True, style=style, camera_movement=camera, emotion=emotion,
                               atmosphere=atmosphere, duration=6.0, seed=index)
        result = render(request, out / f"{index + 1:02d}_{style}.mp4")
        print(result.output, flush=True)
    topic = render(VideoRequest(text="the secret life of forests", style="cinematic", camera_movement="dolly",
                                duration=12.0, seed=42), out / "09_topic_forests.mp4")
    print(topic.output, flush=True)
    print(f"script written offline: {topic.script}", flush=True)
    for index, (mode, kind, style, text, emotion) in enumerate(CHARACTERS):
        fields = {"emotion": emotion} if emotion else {}  # hybrid: the emotion is detected from the narration
        request = VideoRequest(text=text, is_custom=True, video_type=mode, character_type=kind, style=style,
                               camera_movement="slow_zoom_in", duration=6.0, seed=index, **fields)
        result = render(request, out / f"{index + 10:02d}_{mode}_{kind}.mp4")
        print(result.output, f"(emotion: {result.emotion})", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out")
