"""One entry point for labelled data to score (`aura-edge eval --data`): an .npz or PAMAP2.

Above both loaders, so that neither imports the other.
"""

from __future__ import annotations

from pathlib import Path

from aura_edge.data.pamap2 import is_pamap2_root, load_pamap2
from aura_edge.data.recordings import LabelledRecordings, load_labelled_recordings
from aura_edge.errors import DataError


def load_labelled(path: Path | str, placement: str = "hand") -> LabelledRecordings:
    """An .npz of labelled windows, or a PAMAP2_Dataset directory (one sensor placement of it)."""
    path = Path(path)
    if path.is_dir():
        if not is_pamap2_root(path):
            raise DataError(f"{path} is a directory but not PAMAP2_Dataset (no Protocol/subject1*.dat); "
                            "pass an .npz file or the PAMAP2_Dataset directory")
        return load_pamap2(path, placement)
    return load_labelled_recordings(path)
