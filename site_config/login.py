"""The admin's login form with failed attempts throttled per client address and per account
(WAGTAILADMIN_USER_LOGIN_FORM). Over either limit the form refuses before checking the
password, so guessing on — even hitting the right password — gets nowhere until the window
ends (ADMIN_LOGIN_FAILURE_LIMIT, ADMIN_LOGIN_ACCOUNT_FAILURE_LIMIT; core.throttle)."""

from __future__ import annotations

import logging
import math

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from core.throttle import LOGIN_BY_ACCOUNT, LOGIN_BY_ADDRESS, client_address

logger = logging.getLogger(__name__)


class ThrottledLoginForm(LoginForm):
    error_messages = {
        **LoginForm.error_messages,
        "too_many_attempts": _("Too many failed login attempts. Try again in %(minutes)d minutes."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if self.request is None or not username:
            return super().clean()
        address, account = client_address(self.request), username.casefold()
        wait = max(
            LOGIN_BY_ADDRESS.wait(self.request, address) or 0,
            LOGIN_BY_ACCOUNT.wait(self.request, account) or 0,
        )
        if wait:
            logger.warning("Admin login refused (too many failures): %r from %s", username,
                           address)  # fmt: skip
            raise forms.ValidationError(
                self.error_messages["too_many_attempts"],
                code="too_many_attempts",
                params={"minutes": max(1, math.ceil(wait / 60))},
            )
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                LOGIN_BY_ADDRESS.failed(self.request, address)
                LOGIN_BY_ACCOUNT.failed(self.request, account)
            raise
