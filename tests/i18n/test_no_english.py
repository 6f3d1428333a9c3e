"""Chinese throughout: every main admin screen, for each role, shows no English.

What counts as English is defined in tests/i18n/english.py (visible text only; brand and protocol
names, units and the screen's user data allowed). The browser walk of the same screens, which
also sees what JavaScript renders, is tests/e2e/test_chinese_walk.py.
"""

import pytest
from django.utils import translation

from .english import english_on
from .screens import build_world, screens, user_data

pytestmark = pytest.mark.django_db

ROLES = ("copywriter", "manager", "admin")


@pytest.fixture
def world(make_user):
    return build_world(make_user)


@pytest.mark.parametrize("role", ROLES)
def test_main_screens_show_no_english(client, world, role):
    client.force_login(world["users"][role])
    data = user_data()
    found = {}
    for name, url in screens(role).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        english = english_on(response.content.decode(), data)
        if english:
            found[name] = english
    assert found == {}


@pytest.mark.parametrize("role", ROLES)
def test_every_main_screen_names_itself_in_the_window_title(client, world, role):
    """The browser tab and the history list read "合规记录 - Wagtail", not " - Wagtail"."""
    import re

    client.force_login(world["users"][role])
    untitled = {}
    for name, url in screens(role).items():
        title = re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S)
        if not title or not title.group(1).split(" - Wagtail")[0].strip():
            untitled[name] = url
    assert untitled == {}


# The banners Wagtail shows after the workflow and publishing actions on a snippet, as its
# views build them (wagtail/admin/views/generic/models.py, wagtail/admin/views/generic/mixins.py).
ACTION_MESSAGES = [
    ("%(model_name)s '%(object)s' created.", {}),
    ("%(model_name)s '%(object)s' updated.", {}),
    ("%(model_name)s '%(object)s' created and published.", {}),
    ("%(model_name)s '%(object)s' updated and published.", {}),
    ("%(model_name)s '%(object)s' has been submitted for moderation.", {}),
    ("%(model_name)s '%(object)s' created and submitted for moderation.", {}),
    ("%(model_name)s '%(object)s' has been scheduled for publishing.", {}),
    ("%(model_name)s '%(object)s' created and scheduled for publishing.", {}),
    ("Workflow on %(model_name)s '%(object)s' has been restarted.", {}),
    ("Workflow on %(model_name)s '%(object)s' has been cancelled.", {}),
    ("%(model_name)s '%(title)s' is now unlocked.", {"title": "会员日预热"}),
    ("The %(model_name)s could not be saved due to errors.", {}),
    ("Go to the first error", {}),
    ("Save your changes before leaving", {}),
    ("New: %(model_name)s", {}),
    ("Search all pages…", {}),
    ('There are no %(model_name)s to display. Why not <a href="%(add_url)s">add one</a>?', {}),
]


@pytest.mark.parametrize(("msgid", "extra"), ACTION_MESSAGES)
def test_workflow_and_publishing_banners_are_chinese(msgid, extra):
    values = {"model_name": "朋友圈文案", "object": "会员日预热", "add_url": "/x/", **extra}
    with translation.override("zh-hans"):
        text = translation.gettext(msgid) % values
    assert english_on(f"<body>{text}</body>") == [], text
