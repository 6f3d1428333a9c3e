from django import forms
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from .enums import EntryStatus
from .workflow import (
    REOPENED_BY_CHANGES,
    TransitionError,
    allowed_moves,
    can_review,
    check_move,
    check_script,
    status_after_edit,
)


class CalendarEntryForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_status = self.instance.status if self.instance.pk else EntryStatus.IDEA
        # Set by clean() when a change sent an approved entry back to review (the edit view
        # tells the user).
        self.returned_to_review = False
        reviewer = self.for_user is not None and can_review(self.for_user)
        if "status" in self.fields and self.for_user is not None:
            current = self.original_status
            allowed = [current] + allowed_moves(self.instance, self.for_user)
            if not self.instance.pk:
                allowed = [EntryStatus.IDEA, EntryStatus.DRAFTING]
            self.fields["status"].choices = [
                (value, label) for value, label in EntryStatus.choices if value in allowed
            ]
            if not reviewer and self.instance.pk:
                if current in REOPENED_BY_CHANGES:
                    self.fields["status"].help_text = _(
                        "Changing this entry sends it back to review: bots stop seeing it "
                        "until a manager approves it again."
                    )
                elif current == EntryStatus.PUBLISHED:
                    self.fields["status"].help_text = _(
                        "A published entry can only be changed by a manager."
                    )
        if "review_comment" in self.fields and self.for_user is not None and not reviewer:
            # Shown (it says why an entry was sent back) but not editable: a disabled field
            # ignores whatever is posted and keeps the stored value.
            field = self.fields["review_comment"]
            field.disabled = True
            field.help_text = _("Written by managers when they review the entry.")
        if "script" in self.fields and self.instance.persona_id:
            field = self.fields["script"]
            field.queryset = field.queryset.filter(persona_id=self.instance.persona_id)

    def clean_status(self):
        new = self.cleaned_data["status"]
        if self.for_user is None:
            return new
        if not self.instance.pk and new not in (EntryStatus.IDEA, EntryStatus.DRAFTING):
            raise forms.ValidationError(_("A new entry starts as an idea or in drafting."))
        try:
            check_move(self.original_status, new, self.for_user)
        except TransitionError as error:
            raise forms.ValidationError(str(error)) from error
        return new

    def clean(self):
        cleaned = super().clean()
        if self.for_user is None or not self.instance.pk or "status" not in cleaned:
            return cleaned
        chosen = cleaned["status"]
        try:
            status = status_after_edit(
                self.original_status, chosen, self.changed_data, self.for_user
            )
        except TransitionError as error:
            raise forms.ValidationError(str(error)) from error
        if status != chosen:
            cleaned["status"] = status
            self.returned_to_review = True
        try:
            # A changed script is checked as if the entry were approved now.
            current = None if "script" in self.changed_data else self.original_status
            check_script(cleaned.get("script"), current, status)
        except TransitionError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned
