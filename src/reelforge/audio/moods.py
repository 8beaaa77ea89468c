"""The music each emotion gets: mode, tempo, chords, instrumentation, drums and space.

Brisk major keys with drums for happy and excited, slow minor with piano and pads for sad, ambient pads
without drums for calm, a pulsing low ostinato with dissonance for fearful, a driven phrygian groove for angry.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelforge.request import Emotion

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
LYDIAN = (0, 2, 4, 6, 7, 9, 11)
MIXOLYDIAN = (0, 2, 4, 5, 7, 9, 10)
DORIAN = (0, 2, 3, 5, 7, 9, 10)
PHRYGIAN = (0, 1, 3, 5, 7, 8, 10)
HARMONIC_MINOR = (0, 2, 3, 5, 7, 8, 11)


@dataclass(frozen=True)
class MusicMood:
    """How a loop of music is written and played. Levels are 0..1 (0: the instrument is left out).

    progressions: chords as scale degrees (0 = the tonic), one chord per bar; the seed picks one.
    arp_steps: plucked notes per beat (0.5 = one every two beats). drums: a pattern name in music.DRUMS.
    tension: a high tremolo cluster (a minor second) over the pads. brightness: 0 dull .. 1 bright tones.
    """

    tempo: float
    scale: tuple[int, ...]
    progressions: tuple[tuple[int, ...], ...]
    keys: tuple[int, ...]  # pitch classes the seed picks the tonic from (0 = C)
    pad: float
    pluck: float
    arp_steps: float
    bass: float
    bass_steps: float  # bass notes per beat (0.25 = one a bar)
    drums: str
    drum_level: float
    brightness: float
    reverb: float
    sevenths: bool = False
    tension: float = 0.0
    drive: float = 0.0  # bass saturation
    wobble: float = 0.0  # slow detuning of the pads, in cents

    @property
    def mode(self) -> str:
        """"major" or "minor", by the third above the tonic."""
        return "major" if self.scale[2] == 4 else "minor"


MOODS: dict[Emotion, MusicMood] = {
    Emotion.neutral: MusicMood(92, MAJOR, ((0, 5, 3, 4), (0, 3, 5, 4)), (0, 2, 5, 7), pad=0.6, pluck=0.5,
                               arp_steps=1, bass=0.6, bass_steps=0.5, drums="soft", drum_level=0.35,
                               brightness=0.5, reverb=0.35),
    Emotion.happy: MusicMood(114, MAJOR, ((0, 4, 5, 3), (0, 3, 4, 3)), (0, 2, 7, 9), pad=0.5, pluck=0.7,
                             arp_steps=2, bass=0.7, bass_steps=2, drums="backbeat", drum_level=0.55,
                             brightness=0.75, reverb=0.25),
    Emotion.excited: MusicMood(128, MAJOR, ((5, 3, 0, 4), (0, 4, 5, 3)), (0, 2, 4, 9), pad=0.5, pluck=0.7,
                               arp_steps=4, bass=0.8, bass_steps=2, drums="four", drum_level=0.7,
                               brightness=0.9, reverb=0.2),
    Emotion.sad: MusicMood(66, MINOR, ((0, 5, 2, 6), (0, 3, 5, 4)), (2, 4, 9, 11), pad=0.7, pluck=0.55,
                           arp_steps=1, bass=0.5, bass_steps=0.25, drums="none", drum_level=0.0,
                           brightness=0.3, reverb=0.55),
    Emotion.calm: MusicMood(70, LYDIAN, ((0, 3, 0, 5), (0, 1, 5, 3)), (0, 2, 5, 7), pad=0.9, pluck=0.3,
                            arp_steps=0.5, bass=0.35, bass_steps=0.25, drums="none", drum_level=0.0,
                            brightness=0.35, reverb=0.7, sevenths=True),
    Emotion.fearful: MusicMood(76, HARMONIC_MINOR, ((0, 5, 0, 4), (0, 1, 0, 4)), (1, 4, 6, 9), pad=0.5,
                               pluck=0.25, arp_steps=0.5, bass=0.7, bass_steps=2, drums="heartbeat",
                               drum_level=0.5, brightness=0.35, reverb=0.5, tension=0.5),
    Emotion.angry: MusicMood(104, PHRYGIAN, ((0, 1, 6, 0), (0, 5, 1, 0)), (4, 7, 9, 2), pad=0.45, pluck=0.3,
                             arp_steps=2, bass=0.9, bass_steps=2, drums="drive", drum_level=0.75,
                             brightness=0.8, reverb=0.15, tension=0.25, drive=0.7),
    Emotion.surprised: MusicMood(116, LYDIAN, ((0, 1, 0, 4), (0, 1, 3, 4)), (0, 2, 5, 7), pad=0.45, pluck=0.7,
                                 arp_steps=2, bass=0.55, bass_steps=1, drums="soft", drum_level=0.45,
                                 brightness=0.75, reverb=0.3),
    Emotion.disgusted: MusicMood(84, PHRYGIAN, ((0, 1, 0, 6), (0, 6, 1, 0)), (2, 4, 9, 11), pad=0.6,
                                 pluck=0.3, arp_steps=0.5, bass=0.6, bass_steps=1, drums="soft", drum_level=0.3,
                                 brightness=0.4, reverb=0.4, tension=0.3, wobble=25.0),
    Emotion.confident: MusicMood(98, MIXOLYDIAN, ((0, 6, 3, 0), (0, 3, 6, 3)), (0, 2, 7, 9), pad=0.55,
                                 pluck=0.5, arp_steps=1, bass=0.8, bass_steps=2, drums="backbeat",
                                 drum_level=0.6, brightness=0.65, reverb=0.25),
}
