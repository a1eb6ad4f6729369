"""The service-quality loop: evidence (complaints, surveys, standard measurements) and
improvement actions on the blueprints, read from the sheets quality teams keep, checked,
stored per source and period, and turned into hot spots, heat and the meeting pack."""

from .reader import EvidenceBatch, read_evidence
from .write import SavedEvidence, load_evidence, load_example_evidence, save_evidence

__all__ = ["EvidenceBatch", "SavedEvidence", "load_evidence", "load_example_evidence", "read_evidence", "save_evidence"]
