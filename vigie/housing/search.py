"""Finding a household by name, reference, phone, address or commune (issue #12 §4).

One normalised column, `Household.search_text`, is written by the import and by
`services.household_apply_composition`: lower-case ASCII words separated by single spaces, in
this order — occupants' names, address, commune, postcode, residence, references,
phones, e-mails. A full-text index is kept on it by the database itself (migration
0007_household_search_index): an FTS5 table maintained by triggers on SQLite, a generated
`tsvector` column with a GIN index on PostgreSQL. A query:

1. is folded the same way (accents and case ignored; "St" is "saint", "bd" is "boulevard");
2. finds its candidates through the index: every significant word as a prefix (a house number
   of up to four digits exactly), street types and articles ("rue", "du") left to step 3;
3. ranks them: the whole query as a phrase in the text (the number, street and commune of an
   address follow each other), then each word found whole rather than as a prefix.

So "1 rue du Moulin" lists the households at number 1 of every rue du Moulin first, and
"1 rue du Moulin Albi" only Albi's. See docs/decisions/0019-register-search.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Typed forms of common words, as people abbreviate them in addresses.
_ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "bd": "boulevard",
    "bld": "boulevard",
    "bvd": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "r": "rue",
    "pl": "place",
    "imp": "impasse",
    "ch": "chemin",
    "che": "chemin",
    "all": "allee",
    "fg": "faubourg",
    "rte": "route",
}
# Words that don't narrow the candidates (they only rank them): articles, street types.
_WEAK = frozenset(
    (
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "sur",
        "rue",
        "avenue",
        "allee",
        "boulevard",
        "chemin",
        "impasse",
        "place",
        "route",
        "faubourg",
        "quai",
        "cours",
        "square",
        "residence",
    )
)
# Above this many candidates, the phrase ranking is skipped (a one-word query such as a large
# town's name): they are listed newest first, and the user narrows.
RANK_LIMIT = 5000

FTS_TABLE = "housing_household_fts"

# The index, created by migration 0007 (and its triggers put back by ensure_search_index).
SQLITE_TRIGGERS = (
    "housing_household_fts_ai",
    "housing_household_fts_ad",
    "housing_household_fts_au",
)
SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='housing_household', "
    "content_rowid='id', tokenize='unicode61', prefix='2 3')",
    f"CREATE TRIGGER housing_household_fts_ai AFTER INSERT ON housing_household BEGIN "  # nosec B608 (DDL from constant table names)
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER housing_household_fts_ad AFTER DELETE ON housing_household BEGIN "  # nosec B608 (DDL from constant table names)
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER housing_household_fts_au AFTER UPDATE OF search_text ON housing_household "  # nosec B608 (DDL from constant table names)
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",  # nosec B608 (DDL from constant table names)
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS housing_household_fts_ai",
    "DROP TRIGGER IF EXISTS housing_household_fts_ad",
    "DROP TRIGGER IF EXISTS housing_household_fts_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_UP = [
    "ALTER TABLE housing_household ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX housing_household_search_vector ON housing_household USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS housing_household_search_vector",
    "ALTER TABLE housing_household DROP COLUMN IF EXISTS search_vector",
]


def normalise(text: str) -> str:
    """'Rue de l'Église, 31000 TOULOUSE' → 'rue de l eglise 31000 toulouse'."""
    if not text:
        return ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_ALNUM.sub(" ", text.lower()).split())


def phone_forms(number: str) -> list[str]:
    """A stored phone (E.164 when valid) as it is searched: '+33561…' → '33561…', '0561…'."""
    out = [number]
    if number.startswith("+33"):
        out.append("0" + number[3:])
    return out


def search_text(
    *,
    names: Iterable[str],
    address: str,
    commune: str,
    postcode: str,
    residence: str,
    references: Iterable[str],
    phones: Iterable[str],
    emails: Iterable[str],
) -> str:
    """The household's `search_text`: the one place its layout is decided."""
    parts = [*names, address, commune, postcode, residence, *references]
    for p in phones:
        parts += phone_forms(p)
    parts += emails
    return normalise(" ".join(x for x in parts if x))


@dataclass(frozen=True)
class SearchQuery:
    words: tuple[str, ...]  # every word of the query, normalised (for the ranking)
    required: tuple[tuple[str, bool], ...]  # (word, exact) the candidates must all contain

    @property
    def empty(self) -> bool:
        return not self.required


def parse(raw: str) -> SearchQuery:
    """The words of a query and those the index must find (see the module's docstring)."""
    from vigie.core.phones import parse_phone

    raw = (raw or "").strip()[:100]
    phone = parse_phone(raw) if sum(c.isdigit() for c in raw) >= 8 else None
    if phone:
        digits = phone.lstrip("+")
        national = "0" + phone[3:] if phone.startswith("+33") else digits
        return SearchQuery(words=(national,), required=((national, True),))
    words = tuple(_ABBREVIATIONS.get(w, w) for w in normalise(raw).split())[:8]
    required = []
    for w in words:
        if w in _WEAK or (len(w) == 1 and not w.isdigit()):
            continue
        required.append((w, w.isdigit() and len(w) <= 4))
    if not required:  # "rue du": all weak words, so they must all be there
        required = [(w, False) for w in words if len(w) > 1]
    return SearchQuery(words=words, required=tuple(dict.fromkeys(required)))


def _match_sql(q: SearchQuery) -> tuple[str, list[str]]:
    """A subquery of the ids of the households whose text has every required word."""
    if connection.vendor == "postgresql":
        terms = " & ".join(f"'{w}'" if exact else f"'{w}':*" for w, exact in q.required)
        return (
            "SELECT id FROM housing_household WHERE search_vector @@ to_tsquery('simple', %s)",
            [terms],
        )
    terms = " AND ".join(f'"{w}"' if exact else f'"{w}"*' for w, exact in q.required)
    return (f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [terms])  # nosec B608 (constant table name; the user's words are a bound parameter)


def _rank_sql(q: SearchQuery, table: str) -> tuple[str, list[str]]:
    """A score: 100 for the whole query as a phrase, 50 for all but its last word (a commune
    typed partly), and 10 per word found whole."""
    padded = f"(' ' || {table}.search_text || ' ')"
    cases, params = [], []
    if len(q.words) > 1:
        cases.append(f"CASE WHEN {padded} LIKE %s THEN 100 ELSE 0 END")
        params.append(f"% {' '.join(q.words)} %")
        if len(q.words) > 2:
            cases.append(f"CASE WHEN {padded} LIKE %s THEN 50 ELSE 0 END")
            params.append(f"% {' '.join(q.words[:-1])} %")
    for w, _exact in q.required:
        cases.append(f"CASE WHEN {padded} LIKE %s THEN 10 ELSE 0 END")
        params.append(f"% {w} %")
    return " + ".join(cases) or "0", params


def _too_many(sql: str, params: list[str]) -> bool:
    """More than RANK_LIMIT candidates in the whole index (bounded: reads RANK_LIMIT + 1 ids)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {RANK_LIMIT + 1}) AS candidates", params)  # nosec B608 (RANK_LIMIT is a constant; the query's words are bound parameters)
        return cursor.fetchone()[0] > RANK_LIMIT


def filter_and_rank(qs: Any, raw: str, *, order: Iterable[Any]) -> Any:
    """`qs` (households) narrowed to those matching `raw`, best first, then by `order`."""
    q = parse(raw)
    if q.empty:
        return qs.none()
    sql, params = _match_sql(q)
    qs = qs.filter(pk__in=RawSQL(sql, params))  # nosec B611 (SQL from constants; the user's words are bound parameters)
    if _too_many(sql, params):
        # Newest first: read in the primary key's order, no sort of every candidate.
        return qs.order_by("-pk")
    rank, rank_params = _rank_sql(q, qs.model._meta.db_table)
    return qs.annotate(search_rank=RawSQL(rank, rank_params, output_field=IntegerField())).order_by(  # nosec B611 (SQL from constants; the user's words are bound parameters)
        "-search_rank", *order
    )


def refresh_statistics(conn) -> None:
    """Give the planner the register's real statistics after a large write (an import).

    Without them SQLite takes `organisation_id = ?` for a selective index and reads every
    household of the organisation, probing the search's candidates, instead of reading the
    candidates (~1 s instead of a few ms at 350,000 households). PostgreSQL's autovacuum gets
    there within a minute or so; until then its plans were as bad (seconds for a surname)."""
    if conn.vendor not in ("sqlite", "postgresql"):
        return
    from vigie.housing.models import Building, Dwelling, Household, Occupant, Residence

    # Every table the import writes, not the households alone: a planner that knows the
    # households but still takes the freshly written dwellings for empty joins them badly
    # (minutes for one target of the console, on PostgreSQL).
    with conn.cursor() as cursor:
        for model in (Household, Dwelling, Occupant, Residence, Building):
            cursor.execute(f"ANALYZE {conn.ops.quote_name(model._meta.db_table)}")  # nosec B608 (a model's table name)


def ensure_search_index(conn) -> None:
    """After migrations on SQLite: the statistics and the triggers a table rebuild lost.

    A migration that rebuilds `housing_household` drops its statistics and its triggers: the
    statistics are taken again (refresh_statistics), the triggers recreated and the index
    refilled."""
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        names = {
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
            )
        }
        analysed = (
            "sqlite_stat1" in names
            and cursor.execute(
                "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'housing_household'"
            ).fetchone()
        )
        if not analysed and "housing_household" in names:
            refresh_statistics(conn)
        if FTS_TABLE not in names or all(t in names for t in SQLITE_TRIGGERS):
            return
        for statement in SQLITE_UP[1:]:
            cursor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


class SearchPaginator(Paginator):
    """The register's pages for a search: counts at most RANK_LIMIT + 1 households, so that a
    town's name alone (120,000 households) is not counted one by one; `capped` says there are
    more than RANK_LIMIT (the page asks the user to narrow)."""

    capped = False

    @cached_property
    def count(self) -> int:
        n = self.object_list[: RANK_LIMIT + 1].count()
        self.capped = n > RANK_LIMIT
        return min(n, RANK_LIMIT)
