"""The production stack (AWS CDK): one module per concern, assembled in `talentloop.py`."""

from infra.stack.settings import STAGES, StageSettings, settings_for
from infra.stack.talentloop import TalentLoopStack

__all__ = ["STAGES", "StageSettings", "TalentLoopStack", "settings_for"]
