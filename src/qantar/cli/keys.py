"""``qantar keys``: the master key, its passphrase, rotation and the recovery copy."""

from __future__ import annotations

import click

from qantar.cli.context import acting_user, as_option, reports_errors, setup_django


def _secret(prompt: str, confirm: bool = False) -> str:
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


@click.group("keys")
def command() -> None:
    """Manage encryption keys (see docs/security.md)."""


@command.command("init")
@as_option
@click.option(
    "--passphrase/--key-file",
    default=True,
    show_default=True,
    help="Protect the master key with a passphrase, or write a key file.",
)
@reports_errors
def init(username: str | None, passphrase: bool) -> None:
    """Create the master key."""
    setup_django()
    from qantar.common import keyadmin

    actor = acting_user(username) if username else None
    secret = _secret("New passphrase", confirm=True) if passphrase else None
    click.echo(keyadmin.initialise(actor, secret))


@command.command("change-passphrase")
@as_option
@reports_errors
def change_passphrase(username: str | None) -> None:
    """Change the passphrase (or move from a key file to a passphrase)."""
    setup_django()
    from qantar.common import keyadmin, keyring

    actor = acting_user(username)
    old = _secret("Current passphrase") if keyring.read_header() else None
    click.echo(keyadmin.change_passphrase(actor, old, _secret("New passphrase", confirm=True)))


@command.command("rotate")
@as_option
@reports_errors
def rotate(username: str | None) -> None:
    """Replace the master key; re-wraps collection keys without downtime."""
    setup_django()
    from qantar.common import keyadmin, keyring

    actor = acting_user(username)
    passphrase = _secret("Passphrase") if keyring.read_header() else None
    click.echo(keyadmin.rotate(actor, passphrase))


@command.command("recovery-keypair")
def recovery_keypair() -> None:
    """Print a new recovery key pair. Keep the private key offline, outside the country."""
    from qantar.common.keyadmin import new_recovery_keypair

    private, public = new_recovery_keypair()
    click.echo(f"private: {private}\npublic:  {public}")


@command.command("seal-recovery")
@as_option
@click.argument("public_key")
@reports_errors
def seal_recovery(username: str | None, public_key: str) -> None:
    """Seal a recovery copy of the master key to the organisation's PUBLIC_KEY (base64)."""
    setup_django()
    from qantar.common import keyadmin

    click.echo(keyadmin.seal_recovery_copy(acting_user(username), public_key))


@command.command("recover")
@as_option
@reports_errors
def recover(username: str | None) -> None:
    """Open the recovery copy with the organisation's private key and set a new passphrase."""
    setup_django()
    from qantar.common import keyadmin

    actor = acting_user(username)
    private = _secret("Recovery private key (base64)")
    click.echo(keyadmin.recover(actor, private, _secret("New passphrase", confirm=True)))


@command.command("status")
@reports_errors
def status() -> None:
    """Show how the keys are set up (no key material)."""
    setup_django()
    from qantar.common import keyadmin

    info = keyadmin.status()
    click.echo(f"mode:          {info.mode}")
    if info.key_file:
        click.echo(f"key file:      {info.key_file}")
    click.echo(f"key store:     {info.keystore}")
    if info.argon2:
        click.echo(f"argon2id:      {info.argon2}")
    click.echo(f"keys:          {info.counts}; destroyed (erased): {info.destroyed}")
    click.echo(f"recovery copy: {'yes' if info.has_recovery_copy else 'NO - seal one'}")
