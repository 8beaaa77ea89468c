"""Background music written and played offline: a seeded loop of chords, bass, plucked arpeggios and drums.

``compose`` writes a score from the emotion's mood (moods.py): the seed picks the key, the progression and the
arpeggio patterns; the progression is played twice, the second time varied, with a drum fill before the loop
comes round. ``render_music`` plays it. Music as long as the loop or longer is rendered as a circle (note
tails and reverb past the end wrap to the start), so the loop repeats with no seam; shorter music is simply cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.audio.moods import MOODS, MusicMood
from reelforge.audio.synth import (
    SINE, add_at, convolve, decay, detuned, envelope, harmonics, hat, kick, midi_hz, oscillate, reverb_ir, snare,
    wavetable,
)
from reelforge.request import Emotion

BEATS_PER_BAR = 4
PASSES = 2  # times the progression is played per loop
PAD_CENTER, PLUCK_CENTER, BASS_CENTER = 60, 72, 40  # MIDI notes the voicings gather around
ARPEGGIOS = ("up", "down", "updown", "thumb")

# Drum patterns: instrument -> (sixteenth step in the bar, velocity).
DRUMS: dict[str, dict[str, list[tuple[int, float]]]] = {
    "none": {},
    "soft": {"kick": [(0, 1.0), (8, 0.7)], "hat": [(step, 0.5) for step in (2, 6, 10, 14)]},
    "backbeat": {"kick": [(0, 1.0), (8, 0.9), (10, 0.5)], "snare": [(4, 1.0), (12, 1.0)],
                 "hat": [(step, 0.6 if step % 4 else 0.4) for step in range(0, 16, 2)]},
    "four": {"kick": [(step, 1.0) for step in (0, 4, 8, 12)], "snare": [(4, 0.9), (12, 0.9)],
             "hat": [(step, 0.7 if step % 4 == 2 else 0.3) for step in range(16)]},
    "heartbeat": {"kick": [(0, 1.0), (2, 0.6), (8, 1.0), (10, 0.6)]},
    "drive": {"kick": [(0, 1.0), (3, 0.8), (6, 0.8), (8, 1.0), (11, 0.8), (14, 0.7)],
              "snare": [(4, 1.0), (12, 1.0)], "hat": [(step, 0.6) for step in range(0, 16, 2)]},
}
DRUM_NAMES = ("kick", "snare", "hat")
FILL = [(13, 0.5), (14, 0.7), (15, 0.9)]  # snare sixteenths closing the loop

# Instrument levels inside the music, and how much of each goes to the reverb.
GAIN = {"pad": 0.16, "pluck": 0.22, "bass": 0.36, "tension": 0.05, "kick": 0.55, "snare": 0.22, "hat": 0.07}
SEND = {"pad": 0.9, "pluck": 0.7, "bass": 0.0, "tension": 1.0, "kick": 0.05, "snare": 0.4, "hat": 0.2}


@dataclass(frozen=True)
class Note:
    """One event of the score: an instrument, when (seconds into the loop), how long, which pitch, how hard."""

    instrument: str
    start: float
    length: float
    pitch: float
    velocity: float


@dataclass(frozen=True)
class Score:
    """A loop of music: its mood, key (tonic pitch class), length in seconds and notes."""

    mood: MusicMood
    tonic: int
    seconds: float
    notes: tuple[Note, ...]
    seed: int


def chord(scale: tuple[int, ...], degree: int, sevenths: bool) -> list[int]:
    """Semitones above the tonic of the diatonic chord on a scale degree (stacked thirds)."""
    steps = (0, 2, 4, 6) if sevenths else (0, 2, 4)
    return [scale[(degree + step) % 7] + 12 * ((degree + step) // 7) for step in steps]


def voicing(intervals: list[int], tonic: int, center: int) -> list[int]:
    """Place each chord tone in the octave around ``center``: close voicings that move little between chords."""
    return sorted(center - 6 + (tonic + interval - (center - 6)) % 12 for interval in intervals)


def _arpeggio(tones: list[int], pattern: str, count: int) -> list[int]:
    ladder = [*tones, tones[0] + 12]
    if pattern == "down":
        ladder = ladder[::-1]
    elif pattern == "updown":
        ladder = ladder + ladder[-2:0:-1]
    elif pattern == "thumb":
        ladder = [value for upper in ladder[1:] for value in (ladder[0], upper)]
    return [ladder[i % len(ladder)] for i in range(count)]


def _bass_line(mood: MusicMood, root: int, start: float, beat: float) -> list[Note]:
    """The bar's bass: the chord's root on each step, a fifth on every fourth step of busy lines (not in tense
    moods), legato."""
    step = beat / mood.bass_steps
    notes = []
    for k in range(round(BEATS_PER_BAR * mood.bass_steps)):
        pitch = root + (7 if mood.bass_steps >= 2 and k % 4 == 3 and not mood.tension else 0)
        velocity = mood.bass * (1.0 if k % 2 == 0 else 0.8)
        notes.append(Note("bass", start + k * step, step - min(0.1 * step, 0.05), pitch, velocity))
    return notes


def _plucks(mood: MusicMood, tones: list[int], pattern: str, start: float, beat: float,
            rng: np.random.Generator) -> list[Note]:
    """The bar's arpeggio over the chord tones, accented on the beats."""
    step = beat / mood.arp_steps
    pitches = _arpeggio(tones, pattern, round(BEATS_PER_BAR * mood.arp_steps))
    return [Note("pluck", start + k * step, step, pitch,
                 mood.pluck * (1.0 if (k * step) % beat < 1e-6 else 0.75) * float(rng.uniform(0.85, 1.0)))
            for k, pitch in enumerate(pitches)]


def _drums(mood: MusicMood, start: float, beat: float, fill: bool, rng: np.random.Generator) -> list[Note]:
    """The bar's drum hits from the mood's pattern, slightly varied in strength; a snare fill when ``fill``."""
    hits = dict(DRUMS[mood.drums])
    if fill and "snare" in hits:
        hits["snare"] = [*hits["snare"], *FILL]
    return [Note(instrument, start + sixteenth * beat / 4, beat / 4, 0.0,
                 velocity * mood.drum_level * float(rng.uniform(0.88, 1.0)))
            for instrument, pattern in hits.items() for sixteenth, velocity in pattern]


def compose(mood: MusicMood, seed: int) -> Score:
    """Write a loop for the mood; the seed picks key, progression, patterns and small velocity variations."""
    rng = np.random.default_rng(seed)
    tonic = int(rng.choice(mood.keys))
    progression = mood.progressions[int(rng.integers(len(mood.progressions)))]
    patterns = rng.permutation(ARPEGGIOS)[:PASSES]
    beat = 60.0 / mood.tempo
    bar = BEATS_PER_BAR * beat
    bars = len(progression) * PASSES
    notes: list[Note] = []
    for index in range(bars):
        start = index * bar
        intervals = chord(mood.scale, progression[index % len(progression)], mood.sevenths)
        second_pass = index >= len(progression)
        if mood.pad:
            notes += [Note("pad", start, bar, pitch, mood.pad) for pitch in voicing(intervals, tonic, PAD_CENTER)]
        if mood.tension:
            top = voicing([0], tonic, PLUCK_CENTER + 12)[0]
            notes += [Note("tension", start, bar, pitch, mood.tension) for pitch in (top, top + 1)]
        if mood.bass:
            notes += _bass_line(mood, voicing(intervals[:1], tonic, BASS_CENTER)[0], start, beat)
        if mood.pluck and mood.arp_steps:
            tones = voicing(intervals, tonic, PLUCK_CENTER + (5 if second_pass else 0))
            notes += _plucks(mood, tones, patterns[int(second_pass)], start, beat, rng)
        notes += _drums(mood, start, beat, index == bars - 1, rng)
    return Score(mood, tonic, bars * bar, tuple(notes), seed)


class _Instruments:
    """The sounds of one render: tables shaped by the mood's brightness; each distinct note (instrument, pitch,
    length) is synthesized once and scaled by its velocity wherever it recurs."""

    def __init__(self, mood: MusicMood, rate: int, rng: np.random.Generator):
        self.mood, self.rate, self.rng = mood, rate, rng
        self.pad_table = wavetable(harmonics(12, 2.3 - 1.0 * mood.brightness))
        self.pluck_bright = wavetable(harmonics(16, 1.6 - 0.5 * mood.brightness))
        self.pluck_body = wavetable(harmonics(4, 2.5))
        self.bass_table = wavetable(harmonics(8, 2.4 - 0.8 * mood.brightness - 0.6 * mood.drive))
        self.tension_table = wavetable(harmonics(10, 1.3, odd_only=True))
        self.voices = {"pad": self._pad, "pluck": self._pluck, "bass": self._bass, "tension": self._tension}
        self.sounds: dict[tuple[str, float, float], np.ndarray] = {
            ("kick", 0.0, 0.0): kick(rate), ("snare", 0.0, 0.0): snare(rate, rng), ("hat", 0.0, 0.0): hat(rate, rng)}

    def play(self, note: Note) -> np.ndarray:
        """The note's samples at its velocity."""
        key = (note.instrument, note.pitch, 0.0 if note.instrument in DRUM_NAMES else note.length)
        if key not in self.sounds:
            self.sounds[key] = self.voices[note.instrument](midi_hz(note.pitch), note.length)
        return self.sounds[key] * note.velocity

    def _pad(self, hz: float, length: float) -> np.ndarray:
        """A slow-swelling chorus of two detuned tones (wobbling in pitch for queasy moods)."""
        release = 1.2
        count = int((length + release) * self.rate)
        tone = detuned(self.pad_table, hz, count, self.rate, 9.0 + self.mood.wobble, self.rng)
        if self.mood.wobble:
            wobble = 2 ** (self.mood.wobble / 1200 * np.sin(2 * np.pi * 0.23 * np.arange(count) / self.rate))
            tone = 0.5 * tone + 0.5 * oscillate(self.pad_table, hz * wobble, count, self.rate)
        return tone * envelope(count, self.rate, min(0.5, length / 3), release, hold=length)

    def _pluck(self, hz: float, length: float) -> np.ndarray:
        """A plucked string or soft piano: a bright attack that dies fast over a rounder body that rings on."""
        count = int((min(length, 1.5) + 0.5) * self.rate)
        bright = oscillate(self.pluck_bright, hz, count, self.rate) * decay(count, self.rate, 0.09)
        body = oscillate(self.pluck_body, hz, count, self.rate) * decay(count, self.rate, 0.25 + 0.3 * length)
        return 0.45 * bright + 0.55 * body

    def _bass(self, hz: float, length: float) -> np.ndarray:
        """A round bass with a sub-octave, saturated in driven moods."""
        count = int((length + 0.08) * self.rate)
        tone = oscillate(self.bass_table, hz, count, self.rate) + 0.3 * oscillate(SINE, hz / 2, count, self.rate)
        if self.mood.drive:
            tone = np.tanh(tone * (1 + 3 * self.mood.drive)) / np.tanh(1 + 3 * self.mood.drive)
        return tone * envelope(count, self.rate, 0.008, 0.08)

    def _tension(self, hz: float, length: float) -> np.ndarray:
        """A high, hollow tremolo tone that swells through the bar."""
        count = int((length + 0.6) * self.rate)
        tremolo = 0.6 + 0.4 * np.sin(2 * np.pi * 6.5 * np.arange(count, dtype=np.float32) / self.rate)
        tone = oscillate(self.tension_table, hz, count, self.rate, self.rng.random())
        return tone * tremolo * envelope(count, self.rate, length * 0.6, 0.6, hold=length)


def render_score(score: Score, count: int, rate: int) -> np.ndarray:
    """``count`` samples of the score at ``rate``, repeating seamlessly when longer than one loop."""
    loop = round(score.seconds * rate)
    circular = count >= loop
    size = loop if circular else count
    rng = np.random.default_rng(score.seed + 1)
    instruments = _Instruments(score.mood, rate, rng)
    dry = np.zeros(size, np.float32)
    send = np.zeros(size, np.float32)
    for note in score.notes:
        start = round(note.start * rate)
        if start >= size:
            continue
        sound = instruments.play(note) * GAIN[note.instrument]
        add_at(dry, start, sound, circular)
        if SEND[note.instrument]:
            add_at(send, start, sound * SEND[note.instrument], circular)
    ir = reverb_ir(rate, 1.2 + 2.0 * score.mood.reverb, rng)
    music = dry + 1.5 * score.mood.reverb * convolve(send, ir, circular)
    return np.resize(music, count) if circular else music


def background_music(emotion: Emotion, seed: int, count: int, rate: int) -> np.ndarray:
    """``count`` samples of music for the emotion, written from the seed."""
    return render_score(compose(MOODS[emotion], seed), count, rate)
