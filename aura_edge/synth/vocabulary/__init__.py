"""The open vocabulary of the synthetic corpus: movement primitives, several hundred activities
composed from them, and captions at three levels (names, the movement, body parts).

The 32 hand-built activities of ``aura_edge.synth.activities`` stay as they are; these add
exercises, stretches, poses, work tasks and gestures (``COMPOSED``), which a corpus includes
with ``synth?vocabulary=open`` or by naming them in ``activities=``.
"""

from aura_edge.synth.vocabulary.captions import caption, describe
from aura_edge.synth.vocabulary.catalogue import COMPOSED, EXERCISES, NOVEL_ACTIVITIES, NOVEL_COMPOSITIONS, variants_of
from aura_edge.synth.vocabulary.compose import composed_pose
from aura_edge.synth.vocabulary.primitives import PRIMITIVES

__all__ = ["COMPOSED", "EXERCISES", "NOVEL_ACTIVITIES", "NOVEL_COMPOSITIONS", "PRIMITIVES", "caption",
           "composed_pose", "describe", "variants_of"]
