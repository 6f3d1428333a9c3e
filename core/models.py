"""The one table of the ground floor: the delivery generation (core/generation.py)."""

from __future__ import annotations

from django.db import models


class Generation(models.Model):
    """A named number that changes (to a new random value) with every change to what it
    stands for. Used only when there is no shared cache to keep it in."""

    name = models.CharField(primary_key=True, max_length=40)
    value = models.BigIntegerField()

    class Meta:
        verbose_name = "generation"

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
