"""`prodcheck init`: write a commented prodcheck.yml, proposed from what is there.

With a database URL (in $DATABASE_URL, or the variable --database-url-env
names) it reads the schema and a few rows of each table, read-only, and
proposes the accounts table, its mapping and joins, and the app's own
subscriptions table; with a billing key or a fixture folder it proposes the
plans map from the prices on subscriptions, and how the plan column stores
plans. It never overwrites a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from prodcheck.cli.output import environment, say
from prodcheck.config import CONFIG_FILENAME, BillingConfig
from prodcheck.errors import ConfigError, CredentialError
from prodcheck.extras import require_provider_sdk
from prodcheck.model import Provider
from prodcheck.redaction import KEY_PATTERN, register_secret, register_url, scrub
from prodcheck.scaffold.plans import (
    PlanProposal,
    known_values,
    prices_in_state,
    propose_plans,
    propose_stored,
)
from prodcheck.scaffold.propose import SchemaProposal, TableProposal, propose_schema
from prodcheck.scaffold.render import InitProposal, render_config
from prodcheck.scaffold.shapes import plan_stored_as, values
from prodcheck.sources.stripe_prices import PriceInUse
from prodcheck.yamlfile import API_BASE_ADVICE, ENV_NAME_ADVICE

DEFAULT_URL_ENV = "DATABASE_URL"
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
API_BASE = re.compile(r"https?://[^/?#@]+(?:[/?#][^@]*)?")
DEFAULT_KEY_ENV = {Provider.STRIPE: "STRIPE_API_KEY", Provider.PADDLE: "PADDLE_API_KEY"}


def _env_name_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An option naming an environment variable: a pasted secret is refused, unrepeated."""
    if value is not None and (
        not ENV_NAME.fullmatch(value) or KEY_PATTERN.search(value) or len(value) > 128
    ):
        raise click.BadParameter(ENV_NAME_ADVICE)
    return value


def _api_base_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not API_BASE.fullmatch(value):
        raise click.BadParameter(API_BASE_ADVICE)
    return value


def _variable(env: Mapping[str, str], explicit: str | None, default: str, what: str) -> str | None:
    """The value to inspect: the explicit variable must be set; the default one may not be."""
    name = explicit or default
    value = env.get(name, "").strip()
    if not value and explicit:
        raise CredentialError(
            f"--{what} {name}: the environment variable {name} is not set; set it, or leave "
            "the option out to write the config without looking."
        )
    return value or None


SAMPLE_ROWS = 200  # rows read per table to recognise what its columns hold
SAMPLE_TABLES = 200  # tables sampled at most (the rest are matched by name and type)


def _tables(
    url: str, provider: Provider, table: str | None
) -> tuple[SchemaProposal, dict[str, list[dict[str, Any]]], str]:
    from prodcheck.sources.database import describe_tables, redact_url, sample_rows, split_scheme

    tables = describe_tables(url)
    if table is not None and table not in tables:
        raise ConfigError(
            f"--table {table}: no such table in the database (it has "
            f"{', '.join(sorted(tables)) or 'no readable tables'})."
        )
    samples = sample_rows(url, sorted(tables)[:SAMPLE_TABLES], SAMPLE_ROWS)
    schema = propose_schema(tables, provider, samples)
    shown = url if split_scheme(url)[0] == "sqlite" else redact_url(url)
    where = f"database {shown}: {len(tables)} tables read, up to {SAMPLE_ROWS} rows sampled each"
    if table is not None:
        chosen = next((p for p in schema.accounts if p.table == table), None)
        chosen = chosen or TableProposal(table, {}, 0, len(tables[table]))
        others = tuple(p for p in schema.accounts if p.table != table)
        return replace(schema, accounts=(chosen, *others)), samples, where
    if not schema.accounts:
        where += "; none looks like an accounts table (no customer id column)"
    return schema, samples, where


def _live_prices(
    provider: Provider, key_env: str, api_base: str | None, env: Mapping[str, str]
) -> tuple[list[PriceInUse] | None, str]:
    if provider is Provider.PADDLE:
        return None, "plans not proposed: reading live prices is implemented for Stripe only"
    from prodcheck.sources.stripe_prices import stripe_prices_in_use

    require_provider_sdk(provider.value)
    config = BillingConfig(provider=provider, api_key_env=key_env, api_base=api_base)
    prices, notes = stripe_prices_in_use(config, env)
    where = "prices on live subscriptions"
    return prices, "; ".join([where, *notes])


def _fixture_prices(provider: Provider, folder: Path) -> tuple[list[PriceInUse], str]:
    from prodcheck.sources.fixtures import FixtureBilling

    state, info = FixtureBilling(folder, BillingConfig(provider=provider)).load(frozenset())
    return prices_in_state(state.subscriptions), f"prices on the subscriptions in {info.location}"


def _plans(prices: list[PriceInUse], where: str) -> tuple[PlanProposal, str]:
    plans = propose_plans(prices)
    if not prices:
        return plans, f"plans: no {where.split(' ', 2)[-1]}; fill plans.prices by hand"
    return plans, f"plans: {len(prices)} {where}, {len(plans.tiers)} plans"


def _stored(
    proposal: InitProposal, samples: Mapping[str, list[dict[str, Any]]], prices: list[PriceInUse]
) -> InitProposal:
    """How the proposed plan column stores plans, from its sampled values."""
    table = proposal.table
    column = table.columns.get("plan") if table is not None else None
    if table is None or not isinstance(column, str):
        return proposal
    found = values(samples.get(table.table, ()), column)
    known = known_values(prices, proposal.plans)
    stored_as = plan_stored_as(column, found, proposal.provider.value, known)
    return replace(
        proposal, stored=propose_stored(column, stored_as, found, prices, proposal.plans)
    )


@click.command("init")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=CONFIG_FILENAME,
    show_default=True,
    help="Where to write the config; an existing file is never overwritten.",
)
@click.option(
    "--provider",
    type=click.Choice([p.value for p in Provider]),
    default="stripe",
    show_default=True,
)
@click.option(
    "--database-url-env",
    metavar="NAME",
    callback=_env_name_option,
    help="Environment variable holding the database URL; its schema is read to propose the "
    f"table and columns (default: {DEFAULT_URL_ENV}, when set).",
)
@click.option("--table", help="Accounts table to map (default: the most likely one).")
@click.option(
    "--billing-key-env",
    metavar="NAME",
    callback=_env_name_option,
    help="Environment variable holding a read-only billing key; the prices on live "
    "subscriptions become the plans map (default: STRIPE_API_KEY, when set).",
)
@click.option(
    "--fixtures",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A fixture folder (stripe/ or paddle/ objects, as `check --fixtures` reads): the "
    "prices on its subscriptions become the plans map, with no key.",
)
@click.option(
    "--api-base",
    metavar="URL",
    callback=_api_base_option,
    help="Billing API base URL (proxies, local test servers); no user or password in it.",
)
def init(
    out: Path,
    provider: str,
    database_url_env: str | None,
    table: str | None,
    billing_key_env: str | None,
    fixtures: Path | None,
    api_base: str | None,
) -> None:
    """Write a commented prodcheck.yml, proposed from your database and billing prices."""
    if out.exists():
        raise ConfigError(
            f"{out} already exists: prodcheck init never overwrites a file. Move it away, "
            "or pass --out OTHER.yml."
        )
    env = environment()
    chosen = Provider(provider)
    url_env = database_url_env or DEFAULT_URL_ENV
    key_env = billing_key_env or DEFAULT_KEY_ENV[chosen]
    proposal = InitProposal(
        provider=chosen, api_key_env=key_env, url_env=url_env, api_base=api_base
    )

    url = _variable(env, database_url_env, DEFAULT_URL_ENV, "database-url-env")
    register_url(url)
    samples: dict[str, list[dict[str, Any]]] = {}
    if url:
        schema, samples, note = _tables(url, chosen, table)
        best = schema.accounts[0] if schema.accounts else None
        proposal = replace(
            proposal,
            table=best,
            other_tables=schema.accounts[1:],
            app_table=schema.app_table,
            ledger=schema.ledger,
            credits=schema.credits,
            database_note=note,
        )
    else:
        note = f"database not inspected: ${url_env} is not set"
        proposal = replace(proposal, database_note=note)

    prices: list[PriceInUse] | None = None
    key = _variable(env, billing_key_env, DEFAULT_KEY_ENV[chosen], "billing-key-env")
    register_secret(key)
    if fixtures is not None:
        prices, where = _fixture_prices(chosen, fixtures)
    elif key:
        prices, where = _live_prices(chosen, key_env, api_base, env)
    else:
        where = f"prices not read: ${key_env} is not set (or pass --fixtures DIR)"
    if prices is not None:
        plans, where = _plans(prices, where)
        proposal = replace(proposal, plans=plans)
    proposal = _stored(replace(proposal, billing_note=where), samples, prices or [])

    text = render_config(proposal)
    try:
        with out.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(scrub(text))
    except FileExistsError:
        raise ConfigError(
            f"{out} already exists: prodcheck init never overwrites a file."
        ) from None
    except OSError as exc:
        raise ConfigError(f"{out}: cannot write the config: {exc}") from None
    say(f"wrote {out}")
    for line in (proposal.database_note, proposal.billing_note):
        say(f"  {line}")
    if proposal.table is not None and proposal.table.missing_required:
        missing = ", ".join(proposal.table.missing_required)
        say(f"  set by hand: {missing} (not found in {proposal.table.table})")
    say(f"Next: review {out}, then `prodcheck validate` and `prodcheck check`.")


COMMANDS = [init]
