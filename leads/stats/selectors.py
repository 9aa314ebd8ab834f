"""The lead statistics (L-4, L-5, L-6): aggregate queries over a period and a scope.

Every table is a fixed number of ``GROUP BY`` queries whatever its rows (X-2):

- by source: one query per level (sources, categories, total): the median is not
  additive, so each level asks the database for its own;
- by collaborator: tasks per user, calls per user, the team total;
- transformation: counts per (point of sale, origin), their tags per (…, tag);
- the charts: leads per day and category; the funnel reads the total of the sources.

Definitions (docs/decisions.md, "Lead statistics"): the tasks *received* in the period at
the points of sale of the scope. *Catégorisés*: carrying a lead type (VN, VO, VD, APV).
*Attribués*: taken by someone. *Traités*: handled (state Terminée or a status that counts
as handled). *Réactivité*: median time from reception to the first action of a person
(PostgreSQL ``percentile_cont``; other databases: not computed, shown "—").
*Connectés*: with at least one connected call. *Insignifiants*: status "Sans suite".
*Entrants*: arrived by themselves (API, calls), not typed by a user.
*Transformés*: converted into an opportunity; *ventes*: that opportunity is won;
*reprises*: it has a trade-in that was not refused.
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Func,
    Max,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from leads.calls.models import Call
from leads.inbox.models import LeadStatus, LeadTag, LeadTask
from leads.intake.models import LeadSource
from leads.stats.forms import Period
from opportunities.sales.models import Opportunity
from opportunities.tradeins.models import TradeIn


class Median(Aggregate):
    """``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)`` (PostgreSQL); nulls ignored."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


def _reactivity():
    """The median seconds from reception to the first action (None off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return Value(None, output_field=FloatField())
    return Median(EpochSeconds(F("first_action_at") - F("received_at")))


# Sorting 100 000 tasks for the medians and the grouping sets spills to disk with
# PostgreSQL's default 4 MB of work memory; 32 MB keeps it in memory (half the time).
ANALYTICS_WORK_MEM = "32MB"


@contextmanager
def analytics() -> Iterator[None]:
    """Run the statistics' queries in one transaction whose sorts and hashes may use
    ``ANALYTICS_WORK_MEM`` (``SET LOCAL``: this transaction only, then the server's own
    setting again)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{ANALYTICS_WORK_MEM}'")
        yield


def tasks_in_scope(*, period: Period, point_of_sale_ids) -> QuerySet[LeadTask]:
    """The tasks received in the period at these points of sale (index lead_pos_received)."""
    return LeadTask.objects.filter(
        point_of_sale_id__in=list(point_of_sale_ids),
        received_at__gte=period.start,
        received_at__lt=period.end,
    )


# Uncorrelated ``IN (subquery)`` conditions: PostgreSQL hashes each subquery once per
# statement ("hashed SubPlan") instead of probing it for every task.
def _connected() -> Q:
    return Q(pk__in=Call.objects.filter(answered=True, task__isnull=False).values("task_id"))


def _categorised() -> Q:
    """Scoping this subquery to the period made PostgreSQL probe the tasks once per tag
    row (nested loop): hashing every lead-type tag row once is faster."""
    return Q(
        pk__in=LeadTask.tags.through.objects.filter(leadtag__group=LeadTag.Group.TYPE).values(
            "leadtask_id"
        )
    )


def _insignificant() -> Q:
    return Q(status_id__in=LeadStatus.objects.filter(code=LeadStatus.DROPPED).values("pk"))


def _source_figures() -> dict:
    return {
        "total": Count("pk"),
        "categorised": Count("pk", filter=_categorised()),
        "assigned": Count("pk", filter=Q(assigned_to__isnull=False)),
        "treated": Count("pk", filter=Q(handled_at__isnull=False)),
        "reactivity": _reactivity(),
        "connected": Count("pk", filter=_connected()),
        "insignificant": Count("pk", filter=_insignificant()),
    }


def _grouping_sets(qs: QuerySet, figures: dict, keys: list[str], sets: list[tuple[str, ...]]):
    """Rows of ``qs.values(*keys).annotate(**figures)`` for several groupings in ONE scan
    (PostgreSQL ``GROUP BY GROUPING SETS``): each row has the keys (None where the row's
    grouping leaves them out) and ``_level``, the index in ``sets`` of its grouping.

    The ORM writes the SELECT (so every filter and expression stays the ORM's); only its
    ``GROUP BY`` clause is swapped for the grouping sets.
    """
    query = qs.values(*keys).annotate(**figures).order_by()
    compiler = query.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    head, sep, _group_by = sql.rpartition(" GROUP BY ")
    if not sep or not head.startswith("SELECT "):
        raise ValueError("no GROUP BY to replace")
    # compiler.select: the values' columns first (in the order of ``keys``), then the
    # annotations (in the order of ``figures``).
    columns = dict(
        zip(keys, (sql_params[0] for _e, sql_params, _a in compiler.select), strict=False)
    )
    grouping = ", ".join("(" + ", ".join(columns[k] for k in group) + ")" for group in sets)
    level = "GROUPING(" + ", ".join(columns[k] for k in keys) + ")"
    sql = f"SELECT {level}, {head[len('SELECT ') :]} GROUP BY GROUPING SETS ({grouping})"
    names = ["_level", *keys, *figures]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    # GROUPING() is a bit mask of the keys left out (first key = highest bit).
    masks = {}
    for index, group in enumerate(sets):
        mask = 0
        for position, key in enumerate(keys):
            if key not in group:
                mask |= 1 << (len(keys) - 1 - position)
        masks[mask] = index
    for row in rows:
        row["_level"] = masks[row["_level"]]
    return rows


def share(part: int, whole: int) -> int | None:
    """A whole percentage (``None`` when there is nothing to divide)."""
    return round(100 * part / whole) if whole else None


@dataclass
class Row:
    """One line of a statistics table: a label and its figures (``figures`` keys are the
    annotations above); ``children`` for a category's sources."""

    key: str
    label: str
    figures: dict
    children: list["Row"] = field(default_factory=list)

    def __getattr__(self, name):  # row.total, row.treated … in templates and exports
        try:
            return self.__dict__["figures"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def treated_pct(self):
        return share(self.figures.get("treated", 0), self.figures.get("total", 0))

    @property
    def reactivity_display(self) -> str:
        return duration_display(self.figures.get("reactivity"))


def _empty_figures(keys) -> dict:
    return {k: (None if k == "reactivity" else 0) for k in keys}


def source_statistics(*, period: Period, point_of_sale_ids) -> tuple[list[Row], Row]:
    """(categories with their sources, total). PostgreSQL: one scan of the tasks for the
    three levels (grouping sets) and one query for the names; elsewhere one query per
    level."""
    qs = tasks_in_scope(period=period, point_of_sale_ids=point_of_sale_ids).order_by()
    figures = _source_figures()
    if connection.vendor == "postgresql":
        rows = _grouping_sets(
            qs,
            figures,
            ["source__category_id", "source_id"],
            [("source__category_id", "source_id"), ("source__category_id",), ()],
        )
        by_source = [r for r in rows if r["_level"] == 0]
        by_category = [r for r in rows if r["_level"] == 1]
        total = next((r for r in rows if r["_level"] == 2), None) or {**_empty_figures(figures)}
    else:
        by_source = list(qs.values("source__category_id", "source_id").annotate(**figures))
        by_category = list(qs.values("source__category_id").annotate(**figures))
        total = qs.aggregate(**figures)
    names = {
        r["pk"]: r
        for r in LeadSource.objects.filter(pk__in={r["source_id"] for r in by_source}).values(
            "pk", "name", "category__name", "category__position"
        )
    }
    categories_named = {
        r["source__category_id"]: (r["category__position"], r["category__name"])
        for r in (
            {**names[s["source_id"]], "source__category_id": s["source__category_id"]}
            for s in by_source
        )
    }
    sources = defaultdict(list)
    for r in sorted(by_source, key=lambda r: names[r["source_id"]]["name"].casefold()):
        sources[r["source__category_id"]].append(
            Row(f"source-{r['source_id']}", names[r["source_id"]]["name"], _pick(r, figures))
        )
    categories = [
        Row(
            f"category-{r['source__category_id']}",
            categories_named[r["source__category_id"]][1],
            _pick(r, figures),
            sources[r["source__category_id"]],
        )
        for r in sorted(by_category, key=lambda r: categories_named[r["source__category_id"]])
    ]
    return categories, Row("total", "Total", _pick(total, figures))


def _pick(row: dict, figures) -> dict:
    return {k: row[k] for k in figures}


def collaborator_statistics(*, period: Period, point_of_sale_ids) -> tuple[list[Row], Row]:
    """(one row per user who has tasks of the period, the team total): PostgreSQL, one
    scan of the tasks for both levels (grouping sets) and one for the calls. ``share`` is
    the user's part of the team's tasks."""
    qs = (
        tasks_in_scope(period=period, point_of_sale_ids=point_of_sale_ids)
        .filter(assigned_to__isnull=False)
        .order_by()
    )
    figures = {
        "total": Count("pk"),
        "inbound": Count("pk", filter=Q(created_by__isnull=True)),
        "reactivity": _reactivity(),
        "last_action": Max("last_action_at"),
        "connected": Count("pk", filter=_connected()),
        "insignificant": Count("pk", filter=_insignificant()),
    }
    keys = ["assigned_to_id", "assigned_to__first_name", "assigned_to__last_name"]
    if connection.vendor == "postgresql":
        rows = _grouping_sets(qs, figures, keys, [tuple(keys), ()])
        users = [r for r in rows if r["_level"] == 0]
        total = next((r for r in rows if r["_level"] == 1), None) or _empty_figures(figures)
    else:
        users = list(qs.values(*keys).annotate(**figures))
        total = qs.aggregate(**figures)
    total = _pick(total, figures)
    calls = dict(
        Call.objects.filter(
            task__point_of_sale_id__in=list(point_of_sale_ids),
            task__received_at__gte=period.start,
            task__received_at__lt=period.end,
            task__assigned_to__isnull=False,
        )
        .order_by()
        .values("task__assigned_to_id")
        .annotate(n=Count("pk"))
        .values_list("task__assigned_to_id", "n")
    )
    total["calls"] = sum(calls.values())
    total["share"] = 100 if total["total"] else None
    result = []
    for r in users:
        values = _pick(r, figures)
        values["calls"] = calls.get(r["assigned_to_id"], 0)
        values["share"] = share(values["total"], total["total"])
        name = f"{r['assigned_to__last_name'].upper()} {r['assigned_to__first_name']}".strip()
        result.append(Row(f"user-{r['assigned_to_id']}", name, values))
    result.sort(key=lambda row: (-row.total, row.label.casefold()))
    return result, Row("total", "Équipe", total)


@dataclass
class TransformationRow:
    point_of_sale: str
    origin: str
    total: int
    converted: int
    sales: int
    trade_ins: int
    tags: list[tuple[str, int]]

    @property
    def converted_pct(self):
        return share(self.converted, self.total)

    @property
    def sales_pct(self):
        return share(self.sales, self.total)

    @property
    def trade_ins_pct(self):
        return share(self.trade_ins, self.total)

    @property
    def tags_display(self) -> str:
        return " · ".join(f"{name} {n}" for name, n in self.tags)


def transformation_statistics(
    *, period: Period, point_of_sale_ids
) -> tuple[list[TransformationRow], TransformationRow]:
    """Per point of sale and origin (source category): leads, converted into an
    opportunity, sales (opportunity won), trade-ins; their tags. Two queries."""
    qs = tasks_in_scope(period=period, point_of_sale_ids=point_of_sale_ids).order_by()
    trade_in = Q(
        opportunity_id__in=TradeIn.objects.filter(opportunity__isnull=False)
        .exclude(status=TradeIn.Status.REFUSED)
        .values("opportunity_id")
    )
    won = Q(
        opportunity_id__in=Opportunity.objects.filter(status=Opportunity.Status.WON).values("pk")
    )
    groups = qs.values(
        "point_of_sale_id",
        "point_of_sale__name",
        "source__category_id",
        "source__category__name",
        "source__category__position",
    ).annotate(
        total=Count("pk"),
        converted=Count("pk", filter=Q(opportunity__isnull=False)),
        sales=Count("pk", filter=won),
        trade_ins=Count("pk", filter=trade_in),
    )
    tag_counts = (
        LeadTask.tags.through.objects.filter(
            leadtask__point_of_sale_id__in=list(point_of_sale_ids),
            leadtask__received_at__gte=period.start,
            leadtask__received_at__lt=period.end,
        )
        .order_by()
        .values(
            "leadtask__point_of_sale_id",
            "leadtask__source__category_id",
            "leadtag__name",
            "leadtag__position",
        )
        .annotate(n=Count("pk"))
    )
    tags = defaultdict(list)
    for t in sorted(tag_counts, key=lambda t: (t["leadtag__position"], t["leadtag__name"])):
        key = (t["leadtask__point_of_sale_id"], t["leadtask__source__category_id"])
        tags[key].append((t["leadtag__name"], t["n"]))
    rows = [
        TransformationRow(
            point_of_sale=g["point_of_sale__name"],
            origin=g["source__category__name"],
            total=g["total"],
            converted=g["converted"],
            sales=g["sales"],
            trade_ins=g["trade_ins"],
            tags=tags[g["point_of_sale_id"], g["source__category_id"]],
        )
        for g in sorted(
            groups,
            key=lambda g: (g["point_of_sale__name"], g["source__category__position"]),
        )
    ]
    all_tags: dict[str, int] = defaultdict(int)
    for row in rows:
        for name, n in row.tags:
            all_tags[name] += n
    total = TransformationRow(
        point_of_sale="Total",
        origin="",
        total=sum(r.total for r in rows),
        converted=sum(r.converted for r in rows),
        sales=sum(r.sales for r in rows),
        trade_ins=sum(r.trade_ins for r in rows),
        tags=list(all_tags.items()),
    )
    return rows, total


def leads_per_day(*, period: Period, point_of_sale_ids) -> tuple[list[date], list]:
    """(the days, ``[(category, [count per day]), …]``): one query."""
    tz = timezone.get_current_timezone()
    qs = (
        tasks_in_scope(period=period, point_of_sale_ids=point_of_sale_ids)
        .order_by()
        .annotate(day=TruncDate("received_at", tzinfo=tz))
        .values("day", "source__category__name", "source__category__position")
        .annotate(n=Count("pk"))
    )
    days = period.days
    index = {d: i for i, d in enumerate(days)}
    series: dict[tuple, list[int]] = {}
    for r in qs:
        key = (r["source__category__position"], r["source__category__name"])
        counts = series.setdefault(key, [0] * len(days))
        if r["day"] in index:
            counts[index[r["day"]]] += r["n"]
    return days, [(name, counts) for (_pos, name), counts in sorted(series.items())]


def funnel_steps(totals: dict) -> list[tuple[str, int]]:
    """Reçus → attribués → traités → transformés → ventes (``funnel_totals``)."""
    return [
        ("Leads reçus", totals["total"]),
        ("Attribués", totals["assigned"]),
        ("Traités", totals["treated"]),
        ("Transformés en opportunité", totals["converted"]),
        ("Ventes", totals["sales"]),
    ]


def duration_display(seconds: float | None) -> str:
    """Reactivity in words: ``"—"``, ``"45 s"``, ``"12 min"``, ``"3 h 05"``, ``"2 j 4 h"``."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"
    return f"{seconds // 86400} j {seconds % 86400 // 3600} h"


def period_days(period: Period) -> int:
    return (period.last - period.first + timedelta(days=1)).days


def funnel_totals(*, period: Period, point_of_sale_ids) -> dict:
    """Received, assigned, treated, transformed, sold: one query (the funnel)."""
    return tasks_in_scope(period=period, point_of_sale_ids=point_of_sale_ids).aggregate(
        total=Count("pk"),
        assigned=Count("pk", filter=Q(assigned_to__isnull=False)),
        treated=Count("pk", filter=Q(handled_at__isnull=False)),
        converted=Count("pk", filter=Q(opportunity__isnull=False)),
        sales=Count(
            "pk",
            filter=Q(
                opportunity_id__in=Opportunity.objects.filter(status=Opportunity.Status.WON).values(
                    "pk"
                )
            ),
        ),
    )
