"""Model fields: sealed (encrypted) text and partial dates.

A :class:`SealedTextField` stores AES-256-GCM ciphertext. The model attribute reads and
writes plain text; the ciphertext is bound to (table, column, row id), so a value copied to
another row or column does not open. The key is the data key named by the model's
``key_id`` field (one per person, destroyed on erasure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from qantar.common.keyring import get_keyring
from qantar.core import crypto
from qantar.core.dates import PartialDate, parse_partial_date
from qantar.core.errors import KeyUnavailable, QantarError


@dataclass
class SealedValue:
    """What an instance holds for a sealed field: ciphertext, plain text or both."""

    ciphertext: bytes | None = None
    plaintext: str | None = None
    is_open: bool = False


class SealedAttribute:
    """Descriptor: plain text in, plain text out; ciphertext only at the database."""

    def __init__(self, field: SealedTextField) -> None:
        self.field = field

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        attname = self.field.attname
        if attname not in instance.__dict__:
            instance.refresh_from_db(fields=[attname])
        state: SealedValue = instance.__dict__[attname]
        if not state.is_open:
            state.plaintext = self.field.open_value(instance, state.ciphertext)
            state.is_open = True
        return state.plaintext

    def __set__(self, instance: Any, value: Any) -> None:
        if isinstance(value, bytes | memoryview):
            instance.__dict__[self.field.attname] = SealedValue(ciphertext=bytes(value))
        elif value is None or isinstance(value, str):
            instance.__dict__[self.field.attname] = SealedValue(plaintext=value, is_open=True)
        else:
            raise TypeError(f"{self.field.name} takes text, not {type(value).__name__}")


class SealedTextField(models.BinaryField):
    """Encrypted text. Never filter or order by it: use a blind index instead."""

    descriptor_class = SealedAttribute  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", True)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def context(self, instance: Any) -> bytes:
        """The associated data binding a value to its table, column and row."""
        return crypto.bind_context(instance._meta.db_table, self.column, instance.pk)

    def open_value(self, instance: Any, ciphertext: bytes | None) -> str | None:
        """Decrypt a stored value for this instance."""
        if ciphertext is None:
            return None
        try:
            key = get_keyring().key(instance.key_id)
        except KeyUnavailable as error:
            if error.code == "key_destroyed":
                return None  # erased for ever: an erased value reads as empty
            raise
        return crypto.open_sealed(key, ciphertext, self.context(instance)).decode("utf-8")

    def seal_value(self, instance: Any, plaintext: str | None) -> bytes | None:
        """Encrypt a value for this instance."""
        if plaintext is None:
            return None
        key = get_keyring().key(instance.key_id)
        return crypto.seal(key, plaintext.encode("utf-8"), self.context(instance))

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        state = model_instance.__dict__.get(self.attname)
        if state is None:
            return None
        if state.ciphertext is None and state.plaintext is not None:
            state.ciphertext = self.seal_value(model_instance, state.plaintext)
        return state.ciphertext

    def value_from_object(self, obj: Any) -> Any:
        return getattr(obj, self.attname)

    def to_python(self, value: Any) -> Any:
        return value

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.CharField(required=not self.blank, widget=forms.Textarea, **kwargs)


class PartialDateField(models.CharField):
    """A partial date stored in its canonical text form (see :mod:`qantar.core.dates`).

    ``bounds=(earliest_field, latest_field)`` names two DateFields on the same model that are
    kept equal to the earliest and latest possible days, for filtering and sorting.
    """

    def __init__(self, *args: Any, bounds: tuple[str, str] | None = None, **kwargs: Any) -> None:
        self.bounds = bounds
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.bounds:
            kwargs["bounds"] = self.bounds
        return name, path, args, kwargs

    def clean(self, value: Any, model_instance: Any) -> Any:
        value = super().clean(value, model_instance)
        if value:
            try:
                return str(parse_partial_date(value))
            except QantarError as error:
                raise ValidationError(error.message, code=error.code) from None
        return value

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        text = getattr(model_instance, self.attname) or ""
        parsed: PartialDate | None = parse_partial_date(text, self.name) if text else None
        canonical = str(parsed) if parsed else ""
        setattr(model_instance, self.attname, canonical)
        if self.bounds:
            earliest, latest = self.bounds
            setattr(model_instance, earliest, parsed.earliest() if parsed else None)
            setattr(model_instance, latest, parsed.latest() if parsed else None)
        return canonical
