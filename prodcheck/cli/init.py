"""`prodcheck init`: write a commented prodcheck.yml, proposed from what is there.

With a database URL (in $DATABASE_URL, or the variable --database-url-env
names) it reads the schema, read-only, and proposes the accounts table and
the column mapping; with a billing key it proposes the plans map from the
prices on live subscriptions. It never overwrites a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import click

from prodcheck.cli.output import environment, say
from prodcheck.config import CONFIG_FILENAME, BillingConfig
from prodcheck.errors import ConfigError, CredentialError
from prodcheck.extras import require_provider_sdk
from prodcheck.model import Provider
from prodcheck.redaction import KEY_PATTERN, register_secret, register_url, scrub
from prodcheck.scaffold.propose import PlanProposal, TableProposal, propose_plans, propose_tables
from prodcheck.scaffold.render import InitProposal, render_config
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


def _tables(
    url: str, provider: Provider, table: str | None
) -> tuple[TableProposal | None, tuple[TableProposal, ...], str]:
    from prodcheck.sources.database import describe_tables, redact_url, split_scheme

    tables = describe_tables(url)
    proposals = propose_tables(tables, provider)
    shown = url if split_scheme(url)[0] == "sqlite" else redact_url(url)
    where = f"database {shown}: {len(tables)} tables read"
    if table is not None:
        if table not in tables:
            raise ConfigError(
                f"--table {table}: no such table in the database (it has "
                f"{', '.join(sorted(tables)) or 'no readable tables'})."
            )
        chosen = next((p for p in proposals if p.table == table), None)
        chosen = chosen or TableProposal(table, {}, 0, len(tables[table]))
        return chosen, tuple(p for p in proposals if p.table != table), where
    if not proposals:
        return None, (), f"{where}; none looks like an accounts table (no customer id column)"
    return proposals[0], tuple(proposals[1:]), where


def _plans(
    provider: Provider, key_env: str, api_base: str | None, env: Mapping[str, str]
) -> tuple[PlanProposal | None, str]:
    if provider is Provider.PADDLE:
        return None, "plans not proposed: reading prices is implemented for Stripe only"
    from prodcheck.sources.stripe_prices import stripe_prices_in_use

    require_provider_sdk(provider.value)

    config = BillingConfig(provider=provider, api_key_env=key_env, api_base=api_base)
    prices, notes = stripe_prices_in_use(config, env)
    plans = propose_plans(prices)
    note = (
        f"plans: {len(prices)} prices on live subscriptions, {len(plans.tiers)} plans"
        if prices
        else "plans: no live subscriptions found; fill plans.prices by hand"
    )
    return plans, "; ".join([note, *notes])


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
    if url:
        best, others, note = _tables(url, chosen, table)
        proposal = replace(proposal, table=best, other_tables=others, database_note=note)
    else:
        note = f"database not inspected: ${url_env} is not set"
        proposal = replace(proposal, database_note=note)
    key = _variable(env, billing_key_env, DEFAULT_KEY_ENV[chosen], "billing-key-env")
    register_secret(key)
    if key:
        plans, note = _plans(chosen, key_env, api_base, env)
        proposal = replace(proposal, plans=plans, billing_note=note)
    else:
        proposal = replace(proposal, billing_note=f"prices not read: ${key_env} is not set")

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
