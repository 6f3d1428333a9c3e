from pathlib import Path

import pytest
from django.conf import settings

SHARED = Path(settings.BASE_DIR).parent / "shared" / "API.md"


@pytest.mark.skipif(not SHARED.exists(), reason="no ../shared beside this clone")
def test_the_shipped_api_contract_is_the_agreed_one():
    """docs/API.md is the copy bot teams read in the clone; it must not drift from the contract."""
    shipped = Path(settings.BASE_DIR, "docs", "API.md").read_text(encoding="utf-8")
    assert shipped == SHARED.read_text(encoding="utf-8")
