"""The engine: which rules fire on which subjects, decided by DuckDB from the rules'
conditions compiled to SQL when they load (sql_conditions.py) over the facts as SQL
views (sql_facts.py) on the engine tables (sql_billing.py, sql_accounts.py, sql_load.py).

Per subject kind, one query reads the facts the kind's rules need (one row per
subject, in report order): from the kind's view where the fact is SQL, else
computed in Python for every subject and joined in by row. It returns, for the
rows where some rule's predicate holds, which ones do; only those rows' facts are
built in Python, where the message and fix are rendered. tests/test_sql_facts.py
holds every SQL fact column to the Python fact it is rendered from.

duckdb and pyarrow are imported here only, when a check runs: `--version`,
`--help` and `validate` never load them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from prodcheck.billing_objects import billing_objects
from prodcheck.catalogue import FACTS
from prodcheck.engine import sql_accounts, sql_billing, sql_rows
from prodcheck.engine.conditions import fact_paths, getter
from prodcheck.engine.contracts import Rule
from prodcheck.engine.facts import KINDS, price_rows
from prodcheck.engine.index import Index, with_accounts, with_billing
from prodcheck.engine.sql_closure import closure, ids_table, numbers_table
from prodcheck.engine.sql_conditions import cell
from prodcheck.engine.sql_facts import SETTLING_COLUMN, base, views
from prodcheck.engine.sql_load import arrow_type, load, row_tables, table
from prodcheck.engine.stored_plans import StoredPlans, stored_from_items
from prodcheck.model import Account, Subscription, SubscriptionItem
from prodcheck.row_objects import account_objects


class Session:
    """One DuckDB connection for one evaluation: the snapshot's (index.billing_db,
    where billing's objects are, in the billing_* tables), whose engine tables are
    computed the first time a kind's view needs them.

    Billing's objects stay in DuckDB: the billing kinds' rows are keys read from
    SQL (sql_rows.py), and `facts_index` reads back only the objects of the
    subjects whose facts are built. So do the accounts (db_accounts): the account
    kind's rows are account ids, and the Accounts read back are those of the rows
    whose facts are built and of the customers their facts involve."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.conn = index.billing_db
        self._loaded = False
        self._rows: dict[str, list[Any]] = {}
        self._keys: dict[str, dict[int, Any]] = {}  # kind -> row number -> key
        self._provided: dict[str, list[str]] = {}
        self._views = views(index)
        self._facts_index: Index | None = None
        self._subscriptions: dict[int, Subscription] = {}
        self._keyed: dict[str, dict[Any, Any]] = {}
        self._accounts: dict[int, Account] = {}  # read back, by row
        self._stored_plans: StoredPlans | None = None

    def close(self) -> None:
        self.conn.close()

    def _keys_in_db(self, kind: str) -> bool:
        return kind == "account" or kind in sql_rows.KEYS

    def _key_table(self, kind: str) -> tuple[str, str]:
        return sql_accounts.KEYS if kind == "account" else sql_rows.KEYS[kind]

    def rows(self, kind: str) -> list[Any]:
        """The kind's rows (facts.KINDS) in report order, listed once, of a kind whose
        rows are listed in Python; the rows that stay in DuckDB are never all listed:
        `flagged` reads back the keys of those it returns (see `key`)."""
        assert not self._keys_in_db(kind), "rows in DuckDB: count() and key()"
        if kind not in self._rows:
            self._rows[kind] = list(KINDS[kind].rows(self.index))
        return self._rows[kind]

    def count(self, kind: str) -> int:
        if self._keys_in_db(kind):
            self._load()
            name, _ = self._key_table(kind)
            return int(self.conn.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])
        return len(self.rows(kind))

    def read_keys(self, kind: str, numbers: Iterable[int] | None) -> None:
        """Reads back the keys of these rows (all for None) of a kind whose rows
        stay in DuckDB (`rows` lists the others): a subscription's (customer id,
        position, id), else its id."""
        if not self._keys_in_db(kind):
            return  # listed in Python (rows)
        self._load()
        name, columns = self._key_table(kind)
        where = ""
        if numbers is not None:
            numbers_table(self.conn, "key_rows", numbers)
            where = " WHERE row IN (SELECT n FROM key_rows)"
        found = self.conn.execute(f"SELECT row, {columns} FROM {name}{where}").fetchall()
        keys = self._keys.setdefault(kind, {})
        for number, *key in found:
            keys[number] = tuple(key) if len(key) > 1 else key[0]

    def key(self, kind: str, number: int) -> Any:
        """A row's key (read back by `flagged` for the rows it returns), or the row
        itself for a kind listed in Python."""
        if self._keys_in_db(kind):
            return self._keys[kind][number]
        return self.rows(kind)[number]

    def ident(self, kind: str, number: int) -> str:
        row = self.key(kind, number)
        if self._keys_in_db(kind):
            return str(row[2] if kind == "subscription" else row)
        return KINDS[kind].ident(row)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        policy, now = self.index.config.policy, self.index.now
        load(self.conn, self.index)
        sql_billing.register(self.conn)
        for statement in sql_billing.statements(policy, now):
            self.conn.execute(statement)
        sql_accounts.register(self.conn, self.index, self._stored())
        for statement in sql_accounts.statements(self.index):
            self.conn.execute(statement)
        for view in base(policy, now):
            self.conn.execute(view)
        for statement in sql_rows.STATEMENTS:
            self.conn.execute(statement)

    def provided(self, kind: str) -> list[str]:
        """The fact paths the kind's view computes; the view is created on the first call."""
        if kind in self._provided:
            return self._provided[kind]
        self._load()
        if not self._keys_in_db(kind):
            for name, arrow in row_tables(kind, self.rows(kind)).items():
                self.conn.register(name, arrow)
        self.conn.execute(self._views[kind])
        names = [row[0] for row in self.conn.execute(f"DESCRIBE facts_{kind}").fetchall()]
        found = [name for name in names if name not in ("row", SETTLING_COLUMN)]
        self._provided[kind] = found
        return found

    def flagged(self, kind: str, rules: Sequence[Rule]) -> dict[int, tuple[str | None, set[str]]]:
        """Row number -> (why it settles or None, the ids of the rules whose condition
        holds), for the rows where either is the case; their keys are read back."""
        count = self.count(kind)
        if not count:
            return {}
        paths = list(dict.fromkeys(path for rule in rules for path in fact_paths(rule.condition)))
        provided = set(self.provided(kind))
        in_python = [path for path in paths if path not in provided]
        source = f"facts_{kind}"
        if in_python:
            self.conn.register("python_facts", self._python_facts(kind, in_python, count))
            source = f"{source} JOIN python_facts USING (row)"
        # One query per kind: a flag per rule, only the rows that settle or fire.
        predicates = [rule.predicate for rule in rules]
        flags = "".join(f", {predicate} AS fired_{i}" for i, predicate in enumerate(predicates))
        wanted = " OR ".join([f"{SETTLING_COLUMN} IS NOT NULL", *predicates])
        query = f"SELECT row, {SETTLING_COLUMN}{flags} FROM {source} WHERE {wanted}"
        flagged: dict[int, tuple[str | None, set[str]]] = {}
        for number, reason, *hits in self.conn.execute(query).fetchall():
            holding = {rule.id for rule, hit in zip(rules, hits, strict=True) if hit}
            flagged[number] = (reason, holding)
        self.read_keys(kind, flagged)
        return flagged

    def _python_facts(self, kind: str, paths: list[str], count: int) -> Any:
        """The facts no view computes yet, from the Python fact builders (for every
        row: every object is read back for them)."""
        import pyarrow as pa

        specs = FACTS[kind]
        numbers = range(count)
        self.read_keys(kind, None)
        index = self.facts_index(None)
        build = KINDS[kind].build
        readers = [(path, getter(path), specs[path]) for path in paths]
        values: dict[str, list[Any]] = {path: [] for path in paths}
        for number in numbers:
            facts = build(index, self.python_row(kind, number)).facts
            for path, read, spec in readers:
                values[path].append(cell(read(facts), spec))
        return table(
            {
                "row": (pa.int64(), list(numbers)),
                **{path: (arrow_type(specs[path]), values[path]) for path in paths},
            }
        )

    def facts_index(self, wanted: Mapping[str, Iterable[int]] | None) -> Index:
        """The index the facts of these rows (kind -> row numbers; None: all) are
        built from: one over the objects of the customers they involve, read back
        from the tables."""
        self._load()
        rows = None if wanted is None else sorted(set(wanted.get("account", ())))
        # the rows' own Accounts first: the closure reads their ids
        numbers_table(self.conn, "wanted_rows", rows or [])
        self._accounts = account_objects(
            self.conn, "" if rows is None else "pos IN (SELECT n FROM wanted_rows)"
        )
        customers = None if wanted is None else closure(self, wanted)
        loaded = {"customers", "subscriptions"}
        loaded |= {"events"} if self.index.has_events else set()
        loaded |= {"subscription_schedules"} if self.index.has_schedules else set()
        billing, self._subscriptions = billing_objects(
            self.conn, frozenset(loaded), customers, self.index.config.billing.provider
        )
        self._facts_index = with_billing(
            self.index,
            billing,
            entitling=self._entitling(),
            settling_customers=frozenset(
                row[0] for row in self.conn.execute("SELECT id FROM settle_customers").fetchall()
            ),
            stored=self._stored(),
        )
        self._facts_index = self._with_accounts(self._facts_index, rows, customers)
        self._keyed.clear()
        return self._facts_index

    def _with_accounts(
        self, index: Index, rows: list[int] | None, customers: set[str] | None
    ) -> Index:
        """The index over the Accounts of these rows and of these customers (all of
        them for None), read back, with who settles as SQL found among all."""
        if customers is not None:
            ids_table(self.conn, "closure_customers", customers)
            self._accounts = account_objects(
                self.conn,
                "pos IN (SELECT n FROM wanted_rows) "
                "OR customer_id IN (SELECT id FROM closure_customers)",
            )

        def ids(name: str) -> frozenset[str]:
            return frozenset(
                row[0] for row in self.conn.execute(f"SELECT id FROM {name}").fetchall()
            )

        return with_accounts(
            index,
            tuple(self._accounts.values()),
            settling_accounts=ids("settle_accounts"),
            within_allowance=ids("allowance"),
        )

    def account(self, number: int) -> Account:
        """The Account of a row of the account kind (read back by facts_index)."""
        return self._accounts[number]

    def _entitling(self) -> frozenset[str]:
        """The ids of the subscriptions read back that entitle (an id entitles when
        any subscription listed under it does, as index.entitling says)."""
        ids_table(self.conn, "read_back", (s.id for s in self._subscriptions.values()))
        found = self.conn.execute(
            "SELECT DISTINCT id FROM sub_facts WHERE entitles AND id IN (SELECT id FROM read_back)"
        ).fetchall()
        return frozenset(row[0] for row in found)

    def _stored(self) -> StoredPlans:
        if self._stored_plans is None:
            self._stored_plans = self._stored_from_items()
        return self._stored_plans

    def _stored_from_items(self) -> StoredPlans:
        items = self.conn.execute(
            "SELECT DISTINCT price_id, product_id, lookup_key, product_name FROM billing_items"
        ).fetchall()
        return stored_from_items(
            self.index.config.plans,
            (
                SubscriptionItem(
                    id="",
                    price_id=price_id,
                    quantity=0,
                    unit_amount=None,
                    currency="",
                    interval="",
                    interval_count=0,
                    product_id=product_id,
                    lookup_key=lookup_key,
                    product_name=product_name,
                )
                for price_id, product_id, lookup_key, product_name in items
            ),
        )

    def python_row(self, kind: str, number: int) -> Any:
        """The row facts.KINDS builds facts from (after facts_index for it)."""
        if kind == "account":
            return self.account(number)
        row = self.key(kind, number)
        if not self._keys_in_db(kind):
            return row
        index = self._facts_index
        assert index is not None, "facts_index first"
        if kind == "subscription":
            return (row[0], self._subscriptions[row[1]])
        if kind == "customer":
            return row
        if kind == "price":
            if "price" not in self._keyed:
                self._keyed["price"] = dict(price_rows(index))
            return (row, self._keyed["price"][row])
        if "person" not in self._keyed:
            members: dict[str, tuple[str | None, list[str]]] = {}
            for key, email, customer_id in self.conn.execute(
                "SELECT key, email, customer_id FROM person_members ORDER BY row, customer_id"
            ).fetchall():
                members.setdefault(key, (email, []))[1].append(customer_id)
            self._keyed["person"] = members
        email, customer_ids = self._keyed["person"][row]
        return (row, email, customer_ids)
