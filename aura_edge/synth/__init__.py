"""Built-in synthetic wearable corpus: a kinematic body doing 30+ everyday activities, seen by
virtual IMUs at eight placements (glasses, both wrists, armband, chest strap, belt, trouser
pocket, ankle) through simulated devices, with 10 FPS mocap, captions and stick-figure frames.

numpy/scipy only, so the streaming runtime can use it as a simulated wearable.
"""

from aura_edge.synth.activities import ACTIVITIES, CAPTIONS, DEV_PHRASINGS, HELD_OUT_PHRASINGS
from aura_edge.synth.corpus import SynthConfig, build_corpus
from aura_edge.synth.frames import render_frames
from aura_edge.synth.recording import simulate_recording
from aura_edge.synth.subjects import PLACEMENTS

__all__ = ["ACTIVITIES", "CAPTIONS", "DEV_PHRASINGS", "HELD_OUT_PHRASINGS", "PLACEMENTS", "SynthConfig", "build_corpus",
           "render_frames", "simulate_recording"]
