"""Piper's noise made an input of its model, so one warm ONNX session speaks repeatably for any seed.

Piper's VITS graph draws its noise with ``RandomNormalLike`` ops. ONNX Runtime seeds those once, when a
session is created, and each run moves them on: a reused session's audio depends on everything it spoke
before, and a fresh session per narration costs about 0.4 s of CPU. Here each such op is replaced by a slice
of a flat graph input (``noise_0``, ``noise_1``, ...) reshaped to the op's shape, and every run is fed normal
draws from NumPy generators seeded per narration (one for the duration predictor's noise, one for the latent's).

The same patch exposes the duration of every phoneme id (``w_ceil``, the graph's only ``Ceil``) as an output,
with Piper's own ``add_alignment_output``, so ``PiperVoice.synthesize(..., include_alignments=True)`` says
exactly when each phoneme is spoken (durations.py). A voice model without it still speaks; its timings are
then estimated (alignment.py).

With durations, the model is also cut down to them alone (``durations_graph``, a tenth of the cost of a full
run), so that a narration knows how long it will be before any audio is made (``DurationsOnly``).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

NOISE_INPUT = "noise_{}"
DURATION_NOISE = NOISE_INPUT.format(0)  # Piper's graphs draw the duration predictor's noise first
MAX_FRAMES_PER_PHONEME = 64  # 0.74 s a phoneme at Piper's 256-sample hop: no voice holds one that long
NOISE_CHANNELS = 192  # Piper's latent channels (its duration predictor draws 2 per phoneme, at most this many)


def noise_fed_model(model_path: Path) -> tuple[bytes, bytes | None, int]:
    """The model with its random ops turned into inputs and its phoneme durations an output (when it has a
    single Ceil node, or has them already), serialised; the same cut down to its durations (``durations_graph``,
    None if it has none); and how many noise inputs it has.

    Raises ValueError for a random op that is not a standard normal (Piper's exports draw only those).
    """
    import onnx
    from onnx import helper
    from piper.patch_voice_with_alignment import add_alignment_output

    model = onnx.load(str(model_path))
    graph = model.graph
    nodes = []
    count = 0
    for node in graph.node:
        if node.op_type != "RandomNormalLike":
            nodes.append(node)
            continue
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if attributes.get("mean", 0.0) != 0.0 or attributes.get("scale", 1.0) != 1.0:
            raise ValueError(f"{node.name} draws from N({attributes.get('mean')}, {attributes.get('scale')})")
        name = NOISE_INPUT.format(count)
        shape, size, zero, flat = (f"{name}/{part}" for part in ("shape", "size", "zero", "flat"))
        graph.input.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, [name]))
        graph.initializer.append(helper.make_tensor(zero, onnx.TensorProto.INT64, [1], [0]))
        nodes += [helper.make_node("Shape", [node.input[0]], [shape]),
                  helper.make_node("ReduceProd", [shape], [size], keepdims=1),
                  helper.make_node("Slice", [name, zero, size], [flat]),
                  helper.make_node("Reshape", [flat, shape], [node.output[0]])]
        count += 1
    del graph.node[:]
    graph.node.extend(nodes)
    with suppress(ValueError):  # no single Ceil node (timings are then estimated), or the output is there already
        add_alignment_output(model)
    return model.SerializeToString(), durations_graph(model), count


def durations_graph(model) -> bytes | None:  # model: onnx.ModelProto, noise-fed
    """The noise-fed model cut down to the phoneme durations before they are rounded up to whole frames (the input
    of its one ``Ceil``): the nodes, weights and inputs those need. None without a single Ceil, or for a graph
    whose durations draw other noise than Piper's (its duration predictor's, drawn first)."""
    from onnx import TensorProto, helper

    ceils = [node for node in model.graph.node if node.op_type == "Ceil"]
    if len(ceils) != 1:
        return None
    wanted = {ceils[0].input[0]}
    kept = []
    for node in reversed(model.graph.node):  # ONNX nodes are in order: whatever makes a node's inputs is before it
        if wanted.intersection(node.output):
            kept.append(node)
            wanted.update(node.input)
    noise = {value.name for value in model.graph.input if value.name.startswith(NOISE_INPUT.format(""))} & wanted
    if noise != {DURATION_NOISE}:
        return None
    graph = helper.make_graph(kept[::-1], "durations", [value for value in model.graph.input if value.name in wanted],
                              [helper.make_tensor_value_info(ceils[0].input[0], TensorProto.FLOAT, None)],
                              [tensor for tensor in model.graph.initializer if tensor.name in wanted])
    return helper.make_model(graph, opset_imports=model.opset_import, ir_version=model.ir_version).SerializeToString()


@dataclass
class NoiseFedSession:
    """An ONNX session of a noise-fed model with one seeded generator: Piper calls ``run`` as on its own.

    ``durations``: the session of its ``durations_graph``, if it has one (shared like ``session``). What a
    ``DurationsOnly`` run predicted waits in ``ahead`` for the run of the same phonemes: its duration noise, so
    that run speaks with exactly the durations predicted, and those, so the latent's noise is drawn for just
    its frames (MAX_FRAMES_PER_PHONEME a phoneme drew 25 times too many).
    """

    session: object  # onnxruntime.InferenceSession, shared between narrations (its run() is thread-safe)
    noise_inputs: int
    generator: np.random.Generator  # the latent's noise
    duration_generator: np.random.Generator  # the duration predictor's (its own stream: drawn ahead or not, alike)
    durations: object | None = None
    ahead: list[Predicted] = field(default_factory=list)

    def run(self, output_names, feeds: dict):
        phonemes = feeds["input"].shape[1]
        if self.ahead:
            predicted = self.ahead.pop(0)
            noise = dict(predicted.noise)
            # each phoneme's frames round up alike, or at most one more where float rounding differs
            scaled = predicted.durations * (feeds["scales"][1] / predicted.length_scale)
            frames = int(np.ceil(scaled).sum()) + len(scaled)
        else:
            noise = {DURATION_NOISE: self.duration_noise(phonemes)}
            frames = phonemes * MAX_FRAMES_PER_PHONEME
        noise |= {NOISE_INPUT.format(i): self.generator.standard_normal(frames * NOISE_CHANNELS, np.float32)
                  for i in range(self.noise_inputs) if NOISE_INPUT.format(i) not in noise}
        return self.session.run(output_names, {**feeds, **noise})

    def duration_noise(self, phonemes: int) -> np.ndarray:
        """The duration predictor's noise for a run of ``phonemes`` ids (Piper's takes 2 an id)."""
        return self.duration_generator.standard_normal(phonemes * NOISE_CHANNELS, np.float32)

    def get_inputs(self):
        return self.session.get_inputs()


@dataclass
class DurationsOnly:
    """Stands in for a NoiseFedSession (``fed``) when only the durations of the next runs are wanted, at a tenth
    of the cost of speech: Piper builds the feeds as for speech, and its "audio" is the phonemes' durations in
    frames before rounding up. The duration noise drawn is kept for the real runs, in order."""

    fed: NoiseFedSession

    def run(self, output_names, feeds: dict):
        noise = {DURATION_NOISE: self.fed.duration_noise(feeds["input"].shape[1])}
        needs = [value.name for value in self.fed.durations.get_inputs()]
        (durations,) = self.fed.durations.run(None, {name: {**feeds, **noise}[name] for name in needs})
        self.fed.ahead.append(Predicted(noise, durations.ravel(), float(feeds["scales"][1])))
        return [durations]


@dataclass(frozen=True)
class Predicted:
    """What a DurationsOnly run predicted for some phonemes: the duration noise it drew, and their durations
    (frames before rounding up) at ``length_scale``."""

    noise: dict[str, np.ndarray]
    durations: np.ndarray
    length_scale: float
