"""A declared table's rows -> its fields, typed, as SQL run by DuckDB: what
rows.py's `typed_row` does to each value, for the values whose shapes both read.

The raw table holds one row per row of the app's table with its position:
`raw(pos, "<real column>" JSON, ...)`, each mapped column as JSON (a fixture's
JSON rows), so this SQL sees each value's JSON type, as coerce.py does; or each
as text with the type the database gave it (a COPY of a Postgres table: what
psycopg would have returned, coerce.py reads by its type). `typed_table` writes

  <out>(pos, <field> ..., "<field>:source" ..., ok)

one column per field of the table's spec, typed by its FieldType (ID and TEXT:
VARCHAR, FLAG: BOOLEAN, TIME: TIMESTAMPTZ, a number in the mapping's epoch unit,
COUNT: BIGINT), in the spec's order; a flag read from a status column keeps the
status it read as `<field>:source`, right after it, as typed_row does. A field not
mapped, or decided against `now` by the engine (an expiry, the app's own
subscriptions), is null (false for a flag).

Text is stripped of the blanks around it, as str.strip() strips it. `ok` is
false for a row holding a value whose shape this SQL does not read: a float, a
timestamp with a non-UTC offset or in another format, a boolean where an id
goes, an id missing. Such a table is read by rows.py instead, which reads every
shape it ever did and names the row and the column of each problem
(tests/test_rows_sql.py holds the two together, value by value).

Pure: builds text, imports no database driver.
"""

from __future__ import annotations

from prodcheck.account_store import SQL_TYPES
from prodcheck.mapping import ColumnMapping
from prodcheck.sources.stripe_sql import EPOCH_RANGE
from prodcheck.tables import SOURCE, FieldType

_INTEGER = "t IN ('BIGINT', 'UBIGINT')"
_TEXT = "t = 'VARCHAR'"
# The texts to_bool reads (after strip and lower), by what they mean.
TRUE_TEXTS = ("true", "t", "1", "yes", "y", "on")
FALSE_TEXTS = ("false", "f", "0", "no", "n", "off")
# ISO 8601 as both readers agree on it: a date, or a date and a time to the minute,
# second or microsecond, in UTC (Z, +00:00, +0000, +00) or without an offset (read
# as UTC).
# Other offsets are left to Python, which keeps them (and shows a date in them).
_ISO = (
    "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}"
    "([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?(Z|\\+00(:?00)?)?)?$"
)
# Epoch seconds as digits, within Python's datetime range; milliseconds likewise.
_EPOCH_TEXT = "^-?[0-9]{1,12}$"
_IN_RANGE = f"BETWEEN {EPOCH_RANGE[0]} AND {EPOCH_RANGE[1]}"
_EPOCH_MS_TEXT = "^-?[0-9]{1,15}$"
_IN_RANGE_MS = f"BETWEEN {EPOCH_RANGE[0] * 1000} AND {EPOCH_RANGE[1] * 1000 + 999}"


def _texts(texts: tuple[str, ...]) -> str:
    return ", ".join(f"'{text}'" for text in texts)


# Each macro reads one value from what the inner projection of `typed_table` says
# of it, once: `t` its JSON type (null when absent), `s` its text stripped as
# str.strip() strips it (an integer's digits, a boolean's true/false), `n` whether
# every reader reads it as null (absent, null, or ''; a flag as false).
# (Created after stripe_sql.MACROS, whose pc_strip they use.)
ROW_MACROS = (
    # to_str: text, stripped; an integer as its decimal text
    f"CREATE OR REPLACE MACRO pc_row_str_ok(t, s, n) AS (n OR {_INTEGER} OR {_TEXT})",
    f"CREATE OR REPLACE MACRO pc_row_str(t, s) AS (CASE WHEN {_INTEGER} "
    f"THEN CAST(TRY_CAST(s AS HUGEINT) AS VARCHAR) WHEN {_TEXT} THEN nullif(s, '') END)",
    # to_bool: true/false, 0/1, or one of the texts it knows (ASCII letters and digits)
    "CREATE OR REPLACE MACRO pc_row_flag_ok(t, s, n) AS (n OR t = 'BOOLEAN' "
    f"OR ({_INTEGER} AND TRY_CAST(s AS HUGEINT) IN (0, 1)) "
    f"OR ({_TEXT} AND regexp_matches(s, '^[A-Za-z0-9]+$') "
    f"AND lower(s) IN ({_texts(TRUE_TEXTS + FALSE_TEXTS)})))",
    "CREATE OR REPLACE MACRO pc_row_flag(t, s) AS (coalesce(CASE "
    "WHEN t = 'BOOLEAN' THEN s = 'true' "
    f"WHEN {_INTEGER} THEN TRY_CAST(s AS HUGEINT) = 1 "
    f"WHEN {_TEXT} THEN lower(s) IN ({_texts(TRUE_TEXTS)}) END, false))",
    # to_int: an integer, or its digits as text
    f"CREATE OR REPLACE MACRO pc_row_count_ok(t, s, n) AS (n OR ({_INTEGER} "
    "AND TRY_CAST(s AS BIGINT) IS NOT NULL) "
    f"OR ({_TEXT} AND regexp_matches(s, '^-?[0-9]{{1,18}}$')))",
    f"CREATE OR REPLACE MACRO pc_row_count(t, s) AS (CASE WHEN {_INTEGER} OR {_TEXT} "
    "THEN TRY_CAST(nullif(s, '') AS BIGINT) END)",
    # to_datetime: epoch seconds (an integer, or its digits as text), or ISO 8601
    f"CREATE OR REPLACE MACRO pc_row_epoch(t, s) AS (CASE WHEN {_INTEGER} "
    f"OR ({_TEXT} AND regexp_matches(s, '{_EPOCH_TEXT}')) THEN TRY_CAST(s AS BIGINT) END)",
    f"CREATE OR REPLACE MACRO pc_row_iso(t, s) AS (CASE WHEN t IN ('VARCHAR', 'TIMESTAMP') "
    f"AND regexp_matches(s, '{_ISO}') THEN TRY_CAST(replace(s, 'Z', '+00:00') AS TIMESTAMPTZ) "
    "END)",
    "CREATE OR REPLACE MACRO pc_row_time_ok(t, s, n) AS (n "
    f"OR pc_row_epoch(t, s) {_IN_RANGE} OR pc_row_iso(t, s) IS NOT NULL)",
    "CREATE OR REPLACE MACRO pc_row_time(t, s) AS (CASE "
    f"WHEN pc_row_epoch(t, s) {_IN_RANGE} THEN to_timestamp(pc_row_epoch(t, s)) "
    "ELSE pc_row_iso(t, s) END)",
    # to_datetime(milliseconds=True): epoch milliseconds, or ISO 8601
    f"CREATE OR REPLACE MACRO pc_row_epoch_ms(t, s) AS (CASE WHEN {_INTEGER} "
    f"OR ({_TEXT} AND regexp_matches(s, '{_EPOCH_MS_TEXT}')) THEN TRY_CAST(s AS BIGINT) END)",
    "CREATE OR REPLACE MACRO pc_row_time_ms_ok(t, s, n) AS (n "
    f"OR pc_row_epoch_ms(t, s) {_IN_RANGE_MS} OR pc_row_iso(t, s) IS NOT NULL)",
    "CREATE OR REPLACE MACRO pc_row_time_ms(t, s) AS (CASE "
    f"WHEN pc_row_epoch_ms(t, s) {_IN_RANGE_MS} "
    "THEN make_timestamptz(pc_row_epoch_ms(t, s) * 1000) ELSE pc_row_iso(t, s) END)",
)

# The macro pair (value, whether read) for each field type.
_READERS = {
    FieldType.ID: "str",
    FieldType.TEXT: "str",
    FieldType.FLAG: "flag",
    FieldType.TIME: "time",
    FieldType.COUNT: "count",
}


def identifier(name: str) -> str:
    """A column name quoted for SQL, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _said(column: str) -> tuple[str, str, str]:
    """The inner projection's names for what it says of a raw column: (t, s, n)."""
    return identifier(f"{column}:t"), identifier(f"{column}:s"), identifier(f"{column}:n")


def _inner(columns: list[str], raw: str, tags: dict[str, str] | None) -> str:
    """The raw table with each column said once: its type, its stripped text,
    whether it reads as null. A column `tags` names is text, of the type its tag
    says (a JSON type's name, or TIMESTAMP for a database's timestamp or date, which
    only a time field reads); any other is JSON."""
    said = []
    for column in columns:
        value = identifier(column)
        t, s, n = _said(column)
        tag = (tags or {}).get(column)
        if tag is None:
            said += [
                f"json_type({value}) AS {t}",
                f"pc_strip(json_extract_string({value}, '$')) AS {s}",
                f"({value} IS NULL OR json_type({value}) = 'NULL' OR (json_type({value}) = "
                f"'VARCHAR' AND json_extract_string({value}, '$') = '')) AS {n}",
            ]
            continue
        text = (
            f"CASE {value} WHEN 't' THEN 'true' WHEN 'f' THEN 'false' END"
            if tag == "BOOLEAN"
            else f"pc_strip({value})"
        )
        said += [
            f"CASE WHEN {value} IS NOT NULL THEN '{tag}' END AS {t}",
            f"{text} AS {s}",
            f"({value} IS NULL OR ({value} = '' AND '{tag}' = 'VARCHAR')) AS {n}",
        ]
    return f"SELECT pos, {', '.join(said)} FROM {raw}"


def columns(mapping: ColumnMapping) -> list[tuple[str, str, str]]:
    """(output column, SQL type, expression over the inner projection) for every
    field, in typed_row's order, then `ok`: whether every value is one this SQL
    reads as typed_row does."""
    found: list[tuple[str, str, str]] = []
    checks: list[str] = []
    for spec in mapping.spec.fields:
        column = mapping.get(spec.name)
        derivation = mapping.derivation(spec.name)
        kind = SQL_TYPES[spec.type]
        if column is None or (derivation is not None and (derivation.expires or derivation.source)):
            # not mapped, or decided against `now` by the engine
            found.append(
                (
                    spec.name,
                    kind,
                    "false" if kind == "BOOLEAN" and not derivation else f"NULL::{kind}",
                )
            )
            continue
        t, s, n = _said(column)
        if derivation is None:
            reader = _READERS[spec.type]
            if spec.type is FieldType.TIME and mapping.milliseconds:
                reader = "time_ms"
            value = f"pc_row_{reader}({t}, {s})"
            checks.append(f"pc_row_{reader}_ok({t}, {s}, {n})")
            found.append((spec.name, kind, value))
        else:
            grants = ", ".join(_literal(grant) for grant in derivation.grants)
            status = f"pc_row_str({t}, {s})"
            found.append((spec.name, kind, f"coalesce({status} IN ({grants}), false)"))
            found.append((f"{spec.name}{SOURCE}", "VARCHAR", status))
            checks.append(f"pc_row_str_ok({t}, {s}, {n})")
    t, s, _ = _said(mapping.key[1])
    checks.append(f"pc_row_str({t}, {s}) IS NOT NULL")  # every row needs an id
    found.append(("ok", "BOOLEAN", f"coalesce({' AND '.join(checks)}, false)"))
    return found


def typed_table(
    mapping: ColumnMapping, raw: str, out: str, tags: dict[str, str] | None = None
) -> str:
    """The statement writing `out` from the raw table `raw` (see the module's doc):
    JSON columns, or text ones of the types `tags` says (column -> BIGINT, VARCHAR,
    BOOLEAN or TIMESTAMP)."""
    mapped = list(dict.fromkeys(column for _, column in mapping.items()))
    selected = ", ".join(
        f"{expression} AS {identifier(name)}" for name, _, expression in columns(mapping)
    )
    inner = _inner(mapped, raw, tags)
    return f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT pos, {selected} FROM ({inner})"
