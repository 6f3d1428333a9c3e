"""Every change to a pack or a rule bumps the rule-set version (compiled matchers key on it)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Rule, RulePack
from .versions import bump


@receiver(post_save, sender=Rule)
@receiver(post_delete, sender=Rule)
@receiver(post_save, sender=RulePack)
@receiver(post_delete, sender=RulePack)
def _rules_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    bump()
