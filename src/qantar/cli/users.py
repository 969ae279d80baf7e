"""``qantar users`` and ``qantar collections``: people who use Qantar and their roles."""

from __future__ import annotations

import sys

import click

from qantar.cli.context import acting_user, as_option, gate_for, reports_errors, setup_django


def _read_password(prompt: bool) -> str:
    if prompt:
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\n")


@click.group("users")
def users() -> None:
    """Create users and set passwords."""


@users.command("create")
@as_option
@click.argument("new_username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@reports_errors
def create(username: str | None, new_username: str, password_stdin: bool) -> None:
    """Create a user (the password is asked for, or read from stdin)."""
    setup_django()
    from qantar.accounts.services import create_user

    actor = acting_user(username)
    user = create_user(actor, new_username, _read_password(not password_stdin))
    click.echo(f"Created user {user.username}.")


@users.command("set-password")
@as_option
@click.argument("target")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@reports_errors
def set_password_command(username: str | None, target: str, password_stdin: bool) -> None:
    """Set a user's password."""
    setup_django()
    from qantar.accounts.models import User
    from qantar.accounts.services import set_password
    from qantar.core.errors import NotFound

    actor = acting_user(username)
    user = User.objects.filter(username=target).first()
    if user is None:
        raise NotFound(f"No user “{target[:60]}”.")
    set_password(actor, user, _read_password(not password_stdin))
    click.echo(f"Password of {user.username} changed.")


@click.group("collections")
def collections() -> None:
    """Create collections and grant roles in them."""


@collections.command("create")
@as_option
@click.argument("name")
@click.option("--description", default="")
@reports_errors
def create_collection_command(username: str | None, name: str, description: str) -> None:
    """Create a collection; you become its administrator."""
    setup_django()
    from qantar.accounts.services import create_collection

    collection = create_collection(acting_user(username), name, description)
    click.echo(f"Created collection {collection.name} ({collection.pk}).")


@collections.command("list")
@as_option
@reports_errors
def list_collections(username: str | None) -> None:
    """The collections you belong to, with your role."""
    setup_django()
    from qantar.accounts.models import Collection

    gate = gate_for(username)
    for collection in Collection.objects.filter(id__in=list(gate.roles)):
        click.echo(f"{collection.name}\t{gate.roles[collection.pk]}")


@collections.command("grant")
@as_option
@click.argument("name")
@click.argument("member")
@click.argument("role")
@reports_errors
def grant(username: str | None, name: str, member: str, role: str) -> None:
    """Give MEMBER a ROLE in collection NAME (administrator, documenter, lawyer, analyst…)."""
    setup_django()
    from qantar.accounts.models import Collection, User
    from qantar.accounts.services import grant_role
    from qantar.core.errors import NotFound

    gate = gate_for(username)
    collection = Collection.objects.filter(name=name, id__in=list(gate.roles)).first()
    user = User.objects.filter(username=member).first()
    if collection is None or user is None:
        raise NotFound("No such collection or user.")
    grant_role(gate, collection, user, role)
    click.echo(f"{user.username} is now {role} in {collection.name}.")


commands = [users, collections]
