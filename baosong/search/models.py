"""The search index: one document row per searchable object, with the keys that filter and scope it.

The full-text part lives beside it and is created per database in migration 0001: on SQLite an FTS5
table ``search_fts`` over ``seg_title``/``seg_body`` (external content, kept in step by triggers); on
PostgreSQL a stored generated ``tsv`` column with a GIN index. Both read the jieba-segmented text."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DocKind(models.TextChoices):
    ITEM = "item", "信息"
    ISSUE = "issue", "刊物"
    BULLETIN = "bulletin", "通报"
    PUBLIC_ITEM = "public_item", "公开信息"  # an item of a published issue, 主动公开: the portal's search


class SearchState(models.Model):
    """One row: the custom dictionary's version and the catch-up watermarks. Survives restarts."""

    dict_version = models.PositiveIntegerField(default=0)
    unit_stamp = models.CharField(max_length=64, blank=True)
    items_watermark = models.DateTimeField(null=True, blank=True)
    issues_watermark = models.DateTimeField(null=True, blank=True)
    reindexed_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def current(cls) -> SearchState:
        state, _ = cls.objects.get_or_create(pk=1)
        return state


class SearchDocument(models.Model):
    kind = models.CharField(max_length=12, choices=DocKind.choices)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    content = models.TextField(blank=True)  # raw text: snippets and exact-phrase checks
    seg_title = models.TextField(blank=True)  # jieba tokens, space-joined
    seg_body = models.TextField(blank=True)
    seg_scope = models.TextField(blank=True, default="")  # who may find it: search.scopes tokens
    # Scope and filter keys (denormalised from the source tables at indexing time).
    unit_id = models.BigIntegerField(null=True)  # source unit (item), publication unit (issue), bulletin unit
    unit_path = models.CharField(max_length=255, blank=True)
    unit_name = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=20, blank=True)
    urgency = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=20, blank=True)
    adopted_level = models.CharField(max_length=16, blank=True)  # highest level that adopted the item
    publication_id = models.BigIntegerField(null=True)
    parent_id = models.BigIntegerField(null=True)  # the issue of a public item
    date = models.DateTimeField(default=timezone.now)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_unique")]
        indexes = [
            models.Index(fields=["kind", "unit_id", "-date"], name="search_doc_unit_date"),
            models.Index(fields=["kind", "-date"], name="search_doc_kind_date"),
            models.Index(fields=["unit_path"], name="search_doc_path"),
            models.Index(fields=["publication_id"], name="search_doc_pub"),
        ]


class SearchScope(models.Model):
    """Who else may see a document, beyond its unit: the units an item reached (its submissions' targets,
    for their editors, chiefs and leaders), the units and users an issue was delivered to."""

    class Key(models.TextChoices):
        REACHED = "reached", "送达单位"
        READER_UNIT = "reader_unit", "分发单位"
        READER_USER = "reader_user", "分发个人"

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="scopes")
    key = models.CharField(max_length=12, choices=Key.choices)
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "value", "document"], name="search_scope_lookup")]
