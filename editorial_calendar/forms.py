from django import forms
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from .enums import EntryStatus
from .workflow import TransitionError, allowed_moves, check_move


class CalendarEntryForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_status = self.instance.status if self.instance.pk else EntryStatus.IDEA
        if "status" in self.fields and self.for_user is not None:
            current = self.original_status
            allowed = [current] + allowed_moves(self.instance, self.for_user)
            if not self.instance.pk:
                allowed = [EntryStatus.IDEA, EntryStatus.DRAFTING]
            self.fields["status"].choices = [
                (value, label) for value, label in EntryStatus.choices if value in allowed
            ]
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
