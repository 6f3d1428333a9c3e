from compliance.models import Rule, RulePack


def add_word_rule(term: str, level: str = "error", code: str = "") -> Rule:
    """A manager adds a word to the custom pack (as in the admin); the rule-set version bumps."""
    pack, _created = RulePack.objects.get_or_create(
        code="custom", defaults={"name": "自定义词表", "industries": [], "channels": []}
    )
    return Rule.objects.create(
        pack=pack,
        code=code or f"custom_{abs(hash(term)) % 10**8}",
        title=f"自定义词“{term}”",
        level=level,
        terms=[term],
    )
