"""The talent pool's wiring: tags, stats and score, segments, suggestions, re-engagement,
candidate imports and privacy (erasure, retention)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.invitations.wiring import InvitationsWiring

if TYPE_CHECKING:
    from chalicelib.pool.services.candidate_import import CandidateImportService
    from chalicelib.pool.services.candidate_timeline import CandidateTimeline
    from chalicelib.pool.services.decision_idempotency import IdempotentDecision
    from chalicelib.pool.services.erasure import ErasureService
    from chalicelib.pool.services.import_jobs import ImportJobService
    from chalicelib.pool.services.no_show_decisions import NoShowDecisions
    from chalicelib.pool.services.pool_stream import PoolStreamService
    from chalicelib.pool.services.pool_suggestions import SuggestionService
    from chalicelib.pool.services.reengagement import ReEngagementRules, ReEngagementService
    from chalicelib.pool.services.retention import RetentionService
    from chalicelib.pool.services.talent_pool import TalentPoolService
    from chalicelib.pool.stores.pool_stats_store import PoolStatsStore
    from chalicelib.pool.stores.pool_store import PoolStore
    from chalicelib.shared.job_feed import JobFeed


class PoolWiring(InvitationsWiring):
    @cached_property
    def pool_store(self) -> PoolStore:
        from chalicelib.pool.stores.pool_store import PoolStore

        return PoolStore()

    @cached_property
    def pool_stats_store(self) -> PoolStatsStore:
        from chalicelib.pool.stores.pool_stats_store import PoolStatsStore

        return PoolStatsStore()

    @cached_property
    def talent_pool(self) -> TalentPoolService:
        from chalicelib.pool.services.talent_pool import TalentPoolService

        return TalentPoolService(self.pool_store)

    @cached_property
    def pool_stream(self) -> PoolStreamService:
        from chalicelib.pool.services.pool_stream import PoolStreamService

        return PoolStreamService(self.pool_store, self.pool_stats_store,
                                 self.invitation_store.get)

    @cached_property
    def pool_suggestions(self) -> SuggestionService:
        from chalicelib.pool.services.pool_suggestions import SuggestionService

        return SuggestionService(self.pool_store, self.pool_stats_store, self.catalog_store,
                                 self.suppression_store)

    @cached_property
    def reengagement(self) -> ReEngagementService:
        from chalicelib.pool.services.reengagement import ReEngagementService

        return ReEngagementService(self.talent_pool, self.pool_store, self.catalog_store,
                                   self.invitation_store, self.invitations,
                                   self.suppression_store)

    @cached_property
    def reengagement_rules(self) -> ReEngagementRules:
        from chalicelib.pool.services.reengagement import ReEngagementRules

        return ReEngagementRules(self.pool_store, self.reengagement)

    # -- HR's decisions on a no-show group, the candidate's timeline --------------------------
    @cached_property
    def no_show_decisions(self) -> NoShowDecisions:
        from chalicelib.pool.services.no_show_decisions import NoShowDecisions

        return NoShowDecisions(self.catalog_store, self.invitation_store, self.pool_store,
                               self.invitation_actions, self.reengagement, self.talent_pool)

    @cached_property
    def idempotent_decision(self) -> IdempotentDecision:
        from chalicelib.pool.services.decision_idempotency import IdempotentDecision

        return IdempotentDecision(self.settings.table_name, self.no_show_decisions.decide)

    @cached_property
    def candidate_timeline(self) -> CandidateTimeline:
        from chalicelib.pool.services.candidate_timeline import CandidateTimeline

        return CandidateTimeline(self.pool_store, self.catalog_store)

    # -- imports and privacy (docs/import-and-privacy.md) --------------------------------------
    @cached_property
    def candidate_import(self) -> CandidateImportService:
        from chalicelib.pool.services.candidate_import import CandidateImportService
        from chalicelib.pool.stores.import_store import ImportStore

        return CandidateImportService(ImportStore(), self.objects, self.tenant_store)

    @cached_property
    def import_jobs(self) -> ImportJobService:
        from chalicelib.pool.services.import_jobs import ImportJobService
        from chalicelib.pool.stores.import_job_store import ImportJobStore

        return ImportJobService(ImportJobStore(), self.candidate_import)

    @cached_property
    def import_feed(self) -> JobFeed:
        """New import jobs -> the imports queue (the importer)."""
        from chalicelib.shared.job_feed import JobFeed

        return JobFeed(self._queue(self.settings.imports_queue, "imports_queue"),
                       "import_job", "import_id")

    @cached_property
    def erasure(self) -> ErasureService:
        from chalicelib.pool.services.erasure import ErasureService
        from chalicelib.pool.stores.erasure_store import ErasureStore

        return ErasureService(ErasureStore())

    @cached_property
    def retention(self) -> RetentionService:
        from chalicelib.pool.services.retention import RetentionService
        from chalicelib.pool.stores.retention_store import RetentionStore

        return RetentionService(RetentionStore(), self.tenant_store, self.erasure.erase)
