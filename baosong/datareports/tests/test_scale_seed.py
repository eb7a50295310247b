"""The benchmark's bulk generator writes what the services would: valid rows, the children's latest
versions, the same totals and lateness as a submission through ``return_submit`` on the same day."""

from __future__ import annotations

from typing import Any

import time_machine

from baosong.datareports import schema, selectors, services
from baosong.datareports.models import Return, ReturnVersion
from baosong.demo.scale_datareports import seed_collection


def _resubmit(ret: Return, by: Any) -> ReturnVersion:
    """Correct nothing and submit again, on the day the generator said it was submitted."""
    with time_machine.travel(ret.submitted_at, tick=False):
        services.return_reopen(ret=ret, by=by)
        ret.refresh_from_db()
        services.return_submit(ret=ret, by=by)
    return selectors.versions_of(ret)[-1]


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Totals alike, a list roll-up (费用承担单位) in any order: the services fold the children in the order
    the database returns them."""

    def norm(t: dict[str, Any]) -> dict[str, Any]:
        return {k: sorted(v) if isinstance(v, list) else v for k, v in t.items()}

    return norm(a) == norm(b)


def test_the_generated_collection_is_what_submissions_would_have_fixed(cast, march):
    result = seed_collection(march, rows_per_unit=3, late_share=0.3, seed=3)
    returns = Return.objects.filter(collection=march)
    assert returns.count() == result.returns > 20
    sch = march.form.versions.get().schema
    for ret in returns:
        cleaned, problems = schema.clean_data(sch, ret.data, complete=True)
        assert not problems, (ret.unit_id, problems)
        bare = {
            k: [{f: v for f, v in row.items() if not f.startswith("_")} for row in rows]
            for k, rows in ret.data.items()
        }
        assert cleaned == bare
    root = Return.objects.get(collection=march, level=0)
    every = [row for r in returns for row in r.data["rows"]]
    assert root.totals["rows.__rows"] == root.row_count == len(every) == result.rows
    assert root.totals["rows.guests_total"] == sum(row["guests_total"] for row in every)
    assert _same(selectors.current_totals(root), root.totals)
    assert returns.filter(late=True).exists() and returns.filter(late=False).exists()

    county = returns.get(unit=cast.county_editor.unit)
    town = returns.get(unit=cast.township_reporter.unit)
    for ret, by in ((county, cast.county_editor.user), (town, cast.township_reporter.user)):
        first = selectors.versions_of(ret)[0]
        again = _resubmit(ret, by)
        assert (again.number, again.row_count) == (2, first.row_count) and _same(again.totals, first.totals)
        assert (again.late, again.late_workdays, again.children) == (
            first.late,
            first.late_workdays,
            first.children,
        )
        assert again.own == first.own  # row ids and their report stamps kept
