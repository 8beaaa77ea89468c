"""Piper's noise made an input of its model, so one warm ONNX session speaks repeatably for any seed.

Piper's VITS graph draws its noise with ``RandomNormalLike`` ops. ONNX Runtime seeds those once, when a
session is created, and each run moves them on: a reused session's audio depends on everything it spoke
before, and a fresh session per narration costs about 0.4 s of CPU. Here each such op is replaced by a slice
of a flat graph input (``noise_0``, ``noise_1``, ...) reshaped to the op's shape, and every run is fed normal
draws from a NumPy generator seeded per narration.

The same patch exposes the duration of every phoneme id (``w_ceil``, the graph's only ``Ceil``) as an output,
with Piper's own ``add_alignment_output``, so ``PiperVoice.synthesize(..., include_alignments=True)`` says
exactly when each phoneme is spoken (durations.py). A voice model without it still speaks; its timings are
then estimated (alignment.py).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NOISE_INPUT = "noise_{}"
MAX_FRAMES_PER_PHONEME = 64  # 0.74 s a phoneme at Piper's 256-sample hop: no voice holds one that long
NOISE_CHANNELS = 192  # Piper's latent channels (its duration predictor draws 2 per phoneme)


def noise_fed_model(model_path: Path) -> tuple[bytes, int]:
    """The model with its random ops turned into inputs and its phoneme durations an output (when it has a
    single Ceil node, or has them already), serialised, and how many noise inputs it has.

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
    return model.SerializeToString(), count


@dataclass
class NoiseFedSession:
    """An ONNX session of a noise-fed model with one seeded generator: Piper calls ``run`` as on its own."""

    session: object  # onnxruntime.InferenceSession, shared between narrations (its run() is thread-safe)
    noise_inputs: int
    generator: np.random.Generator

    def run(self, output_names, feeds: dict):
        phonemes = feeds["input"].shape[1]
        draws = phonemes * MAX_FRAMES_PER_PHONEME * NOISE_CHANNELS
        noise = {NOISE_INPUT.format(i): self.generator.standard_normal(draws, np.float32)
                 for i in range(self.noise_inputs)}
        return self.session.run(output_names, {**feeds, **noise})

    def get_inputs(self):
        return self.session.get_inputs()
