"""Scope tokens in the full-text index (baosong/search/scopes.py): a column ``seg_scope`` filled for every
document already indexed, then on SQLite the FTS5 table rebuilt with it as a third column, on PostgreSQL a
stored ``scope_tsv`` with its own GIN index."""

from typing import Any

from django.db import migrations, models

BATCH = 5000

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(seg_title, seg_body, seg_scope, "
    "content='search_searchdocument', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, seg_title, seg_body, seg_scope) "
    "VALUES (new.id, new.seg_title, new.seg_body, new.seg_scope); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body, seg_scope) "
    "VALUES ('delete', old.id, old.seg_title, old.seg_body, old.seg_scope); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE OF seg_title, seg_body, seg_scope ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body, seg_scope) "
    "VALUES ('delete', old.id, old.seg_title, old.seg_body, old.seg_scope); "
    "INSERT INTO search_fts(rowid, seg_title, seg_body, seg_scope) "
    "VALUES (new.id, new.seg_title, new.seg_body, new.seg_scope); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(seg_title, seg_body, content='search_searchdocument', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, seg_title, seg_body) VALUES (new.id, new.seg_title, new.seg_body); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body) "
    "VALUES ('delete', old.id, old.seg_title, old.seg_body); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE OF seg_title, seg_body ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body) "
    "VALUES ('delete', old.id, old.seg_title, old.seg_body); "
    "INSERT INTO search_fts(rowid, seg_title, seg_body) VALUES (new.id, new.seg_title, new.seg_body); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
POSTGRES_FORWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN scope_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', seg_scope)) STORED",
    "CREATE INDEX search_doc_scope_tsv ON search_searchdocument USING GIN (scope_tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_scope_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS scope_tsv",
]


def fill_scope(apps: Any, schema_editor: Any) -> None:
    """``seg_scope`` of every indexed document, from its own columns and scope rows, in batches."""
    from baosong.search.scopes import document_tokens

    Document = apps.get_model("search", "SearchDocument")
    Scope = apps.get_model("search", "SearchScope")
    last = 0
    while True:
        docs = list(
            Document.objects.filter(pk__gt=last).order_by("pk").only("pk", "kind", "unit_id", "unit_path")[:BATCH]
        )
        if not docs:
            return
        keys: dict[int, list[tuple[str, int]]] = {}
        for doc_id, key, value in Scope.objects.filter(document_id__in=[d.pk for d in docs]).values_list(
            "document_id", "key", "value"
        ):
            keys.setdefault(doc_id, []).append((key, value))
        for doc in docs:
            doc.seg_scope = document_tokens(doc.kind, doc.unit_id, doc.unit_path, keys.get(doc.pk, []))
        Document.objects.bulk_update(docs, ["seg_scope"], batch_size=1000)
        last = docs[-1].pk


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements:
            schema_editor.execute(sql)

    return run


def fulltext_forward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(SQLITE_FORWARD)(apps, schema_editor)
    elif vendor == "postgresql":
        _run(POSTGRES_FORWARD)(apps, schema_editor)


def fulltext_backward(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(SQLITE_BACKWARD)(apps, schema_editor)
    elif vendor == "postgresql":
        _run(POSTGRES_BACKWARD)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_eventsignature_to_grouping"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="seg_scope",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill_scope, migrations.RunPython.noop),
        migrations.RunPython(fulltext_forward, fulltext_backward),
    ]
