"""Voice stage: text to narration audio with word and phoneme timings."""

from reelforge.voice.narration import Narration, PhonemeTiming, WordTiming, narrate

__all__ = ["Narration", "PhonemeTiming", "WordTiming", "narrate"]
